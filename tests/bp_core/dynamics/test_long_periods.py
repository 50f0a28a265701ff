"""Cycles continued to long periods: Hindmarsh-Rose's bursting branch (benchmarks/continuation_long_periods.py)
from its Hopf point to period 360, through every fold of cycles AUTO-07p labels on the way, against AUTO's
points recorded by ``python -m benchmarks.continuation_long_periods --record`` (200 mesh intervals)."""

import json
from pathlib import Path

import pytest

from benchmarks.continuation import match, relative
from benchmarks.continuation_long_periods import KEY, PAR, ours

REFERENCE = json.loads((Path(__file__).parent / "auto_reference.json").read_text())[KEY]
LONGEST = 360.0
#: About 910 steps get there. With Newton's chord iterations alone (before full Newton iterations finished the
#: steps where the chord contracts steadily but slowly) the steps were halved again and again, and the branch
#: needed 1873 steps to reach period 360.
STEPS = 1300


@pytest.fixture(scope="module")
def branch():
    return ours(max_period=LONGEST, max_steps=STEPS)[0]


def test_the_bursting_branch_reaches_long_periods(branch):
    assert REFERENCE["longest_period"] >= LONGEST  # AUTO-07p gets there too
    assert branch.period.max() >= LONGEST


def test_folds_and_period_doublings_on_the_way_are_autos(branch):
    theirs = [p for p in REFERENCE["points"] if p["period"] <= LONGEST]
    mine = [{"type": q.label, "par": q.par[PAR], "period": q.period} for q in branch.special
            if q.label in ("LPC", "PD")]
    assert sum(p["type"] == "LPC" for p in mine) == sum(p["type"] == "LP" for p in theirs) == 6
    pairs = [(a, b) for a, b in match(mine, theirs) if b is not None]
    assert all(a is not None for a, _ in pairs), [b for a, b in pairs if a is None]
    assert len(pairs) == len(theirs)
    for a, b in pairs:
        assert relative(a["par"], b["par"]) <= 1e-6, (a, b)
        assert relative(a["period"], b["period"]) <= 1e-4, (a, b)
