"""Time budgets for tests of the bounded two-parameter calls.

Their default budget (25 s of wall clock) is what a user waits at most; a test checking what a curve computes
must not depend on how loaded the machine is, so it gives the call this much instead. Tests of the budget
itself pass their own small budgets.
"""

LOADED = 600.0
"""Seconds a curve-following call may take in a test: generous for a loaded two-core machine, but bounded."""
