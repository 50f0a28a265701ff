"""Brian2 originals of the ported examples (each written here, run in Brian2's own virtual environment) and
the statistics both sides report."""
