"""Translation of models into source code (compiled by ``bp_core.backend``)."""
