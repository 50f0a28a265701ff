"""Exceptions of bp_core, one per phase of a model's life.

Every error names the object it is about and says what to do; the helpers
here keep that wording uniform.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

__all__ = [
    "BrainPyError",
    "UnusedDelayWarning",
    "ModelDefError",
    "ModelUseError",
    "TypeMismatchError",
    "IntegratorError",
    "DiffEquationError",
    "CodeError",
    "ProfileError",
    "RunError",
    "ClockRestartWarning",
    "TimeBudgetWarning",
    "NoEquilibriumWarning",
    "close_matches",
    "describe_value",
]


class BrainPyError(Exception):
    """Base class of every error raised by bp_core."""


class ModelDefError(BrainPyError):
    """A model (NeuType, SynType, step function) is defined incorrectly."""


class ModelUseError(BrainPyError):
    """A correctly defined model is used incorrectly (wrong sizes, names, order)."""


class TypeMismatchError(ModelUseError):
    """Data given to a model does not have the type the model requires."""


class IntegratorError(BrainPyError):
    """A numerical method cannot integrate the given differential equation."""


class DiffEquationError(BrainPyError):
    """A derivative function does not have the form a differential equation needs."""


class CodeError(BrainPyError):
    """Generated code failed to compile or to run."""


class RunError(BrainPyError):
    """A simulation stopped: a state became NaN or infinite, or a step function failed while running."""


class ProfileError(ModelUseError):
    """An unknown option or an invalid value was given to ``bp_core.profile``."""


class ClockRestartWarning(UserWarning):
    """A plain ``run(duration)`` after an earlier run starts the clock at 0 ms again.

    The spec promises this restart only in ``mode='repeat'``; elsewhere a user who meant to continue
    would get restarted times silently, so the network says it once.
    """


class UnusedDelayWarning(UserWarning):
    """A SynConn got a delay, but no step of its model is marked ``@bp.delayed``: the delay changes nothing.

    The spec's delay reaches only the delayed steps; a user who gave one expected some effect to arrive late, and
    every step would act at once, so the SynConn says so when it is made (or its delay set).
    """


class TimeBudgetWarning(UserWarning):
    """A continuation call ran out of its time budget: the curves it names were cut short or not followed.

    The call returns what it computed; its ``time_budget`` argument gives it more seconds (None: no limit).
    """


class NoEquilibriumWarning(UserWarning):
    """A bifurcation analysis found no equilibrium with the variables inside their ranges, anywhere along the
    parameter's range: its diagram is empty.

    An empty diagram would read as "no bifurcation"; the model may have equilibria outside the ranges given.
    """


def describe_value(value: Any) -> str:
    """``value`` for a message: its type and a repr cut to 50 characters."""
    text = repr(value)
    return f"{type(value).__name__} {text[:50] + '...' if len(text) > 50 else text}"


def close_matches(name: str, candidates: Iterable[str]) -> str:
    """Return a short hint listing the candidates closest to ``name``.

    Parameters
    ----------
    name : str
        The name the user wrote.
    candidates : iterable of str
        The names that exist.

    Returns
    -------
    str
        ``" Did you mean 'x'?"`` when something is close, otherwise a list of
        the valid names; never empty.
    """
    candidates = sorted(set(candidates))
    lowered = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6) or \
        [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)]
    if matches:
        return " Did you mean " + " or ".join(repr(m) for m in matches) + "?"
    return " Valid names: " + ", ".join(repr(c) for c in candidates) + "."
