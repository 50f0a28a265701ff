"""A wall-clock budget shared by every curve one public call follows.

A call such as ``codim2_curves(cycles=True)`` follows curves whose number and length the model decides:
each is bounded in steps, but together they may run for minutes. The call opens a budget; the one
continuation driver (``arclength.trace``) asks at every step whether it has run out and, if so, ends the
curve where it has got to, saying why; the call starts no new curve once it has run out, and tells the
user which curves it cut short and how to give it more time. Results computed after the budget ran out
may be incomplete, so callers do not keep them in their caches.

The budget lives in a context variable: a call made inside another's budget (``cycle_branches`` inside
``codim2_curves``) shares the outer deadline unless it opens a shorter one of its own.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from bp_core.errors import ModelUseError, TimeBudgetWarning

__all__ = ["Budget", "within", "current", "expired", "reason", "check", "cut_short", "warn_unfinished"]


@dataclass(frozen=True)
class Budget:
    """``seconds`` of wall clock for the call ``call`` from ``started`` (``time.perf_counter()``)."""

    seconds: float
    call: str
    started: float

    @property
    def deadline(self) -> float:
        return self.started + self.seconds

    def expired(self) -> bool:
        """Whether the budget has run out."""
        return time.perf_counter() > self.deadline

    def reason(self) -> str:
        """Why a curve ended where the budget ran out, and what gives it more time."""
        return (f"the time budget of {self.call} ({self.seconds:g} s) ran out; {self.call}(time_budget=...) "
                f"gives it more seconds (None: no limit)")


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("bp_core_time_budget", default=None)


@contextlib.contextmanager
def within(seconds: float | None, call: str) -> Iterator[Budget | None]:
    """Run the block under a budget of ``seconds`` named after the public ``call`` (None: no budget of its
    own). A budget already in force with an earlier deadline stays in force."""
    outer = _current.get()
    if seconds is None or (outer is not None and outer.deadline <= time.perf_counter() + seconds):
        yield outer
        return
    token = _current.set(Budget(float(seconds), call, time.perf_counter()))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current() -> Budget | None:
    """The budget in force, if any."""
    return _current.get()


def expired() -> bool:
    """Whether a budget is in force and has run out."""
    budget = _current.get()
    return budget is not None and budget.expired()


def reason() -> str:
    """The stop reason of the budget in force (empty without one)."""
    budget = _current.get()
    return budget.reason() if budget is not None else ""


def check(seconds: float | None, call: str) -> None:
    """Refuse a ``time_budget`` of ``call`` that is neither a positive number of seconds nor None."""
    if seconds is not None and not (isinstance(seconds, (int, float)) and seconds > 0):
        raise ModelUseError(f"{call}(time_budget=...) takes a positive number of seconds or None (no limit), "
                            f"got {seconds!r}.")


def cut_short(stopped: str) -> bool:
    """Whether a curve that ended saying ``stopped`` was ended by the budget in force."""
    budget = _current.get()
    return budget is not None and budget.reason() in stopped


def warn_unfinished(call: str, unfinished: list[str], stacklevel: int = 3) -> None:
    """Tell the user which curves ``call`` cut short or left, and what gives it more time (``stacklevel``: the
    user's frame, counted as ``warnings.warn`` counts it from here)."""
    budget = _current.get()
    seconds = f" ({budget.seconds:g} s)" if budget is not None else ""
    warnings.warn(f"{call}: the time budget{seconds} ran out before every curve was followed: "
                  f"{'; '.join(unfinished)}. Give it more seconds ({call}(time_budget=120.) or None for no "
                  f"limit), fewer seeds, or a coarser par_resolution.", TimeBudgetWarning, stacklevel=stacklevel)
