"""The recorded statistics of the Brian2 originals (``brian2_reference.json``, written by
``benchmarks/brian2_examples/record.py``)."""

import json
from pathlib import Path

from benchmarks.brian2_examples import stats  # noqa: F401  (re-exported for the tests)

_REFERENCE = json.loads((Path(__file__).with_name("brian2_reference.json")).read_text())


def brian2(example: str) -> dict:
    """The summary (mean, std, min, max over seeds) of each statistic of ``example``'s Brian2 original."""
    return _REFERENCE[example]["summary"]


def brian2_runs(example: str) -> list[dict]:
    """The Brian2 original's statistics, one dict per seed."""
    return _REFERENCE[example]["per_seed"]


def assert_near(value: float, example: str, statistic: str, tolerance: float) -> None:
    """``value`` (ours) lies within ``tolerance`` of the mean over seeds of the Brian2 original's ``statistic``."""
    reference = brian2(example)[statistic]
    assert abs(value - reference["mean"]) <= tolerance, (
        f"{example}: {statistic} = {value:.4g}, Brian2 {reference['mean']:.4g} +- {reference['std']:.3g} "
        f"(seeds {reference['values']}), tolerance {tolerance}")
