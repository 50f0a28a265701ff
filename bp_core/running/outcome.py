"""What one grid point gives: a value or a recorded failure, never an exception that ends the sweep."""

from __future__ import annotations

import signal
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import cloudpickle

__all__ = ["SweepResult", "FAILURES", "run_point", "failed", "death_message"]

FAILURES = {
    "exception": "the point raised an exception (error holds its traceback)",
    "exit": "the point called sys.exit() or raised KeyboardInterrupt or another BaseException",
    "died": "the worker process running the point died (a signal such as SIGSEGV or SIGABRT, or os._exit)",
    "timeout": "the point ran longer than the sweep's timeout and its worker was ended",
    "unpicklable": "the point's value could not be sent back to the caller",
    "cancelled": "the sweep was interrupted or cancelled before the point finished",
    "lost": "the cluster could not run the point (its workers died or it was cancelled there)",
}
"""Kinds of failure recorded in :attr:`SweepResult.failure`."""


@dataclass
class SweepResult:
    """The outcome of one grid point.

    Attributes
    ----------
    params : dict
        The point's parameters.
    value : object
        What ``run_func`` returned (None when the point failed).
    error : str or None
        None when the point ran; otherwise why not (the traceback of an exception, the signal a worker died
        of, ...).
    failure : str or None
        The kind of failure, a key of :data:`FAILURES`.
    index : int
        The point's place in the grid.
    """

    params: dict
    value: Any = None
    error: str | None = None
    failure: str | None = None
    index: int = -1

    @property
    def ok(self) -> bool:
        """True when the point ran without error."""
        return self.error is None


def failed(index: int, params: dict, failure: str, error: str) -> SweepResult:
    """A failed point's record."""
    return SweepResult(params, error=error, failure=failure, index=index)


def death_message(exitcode: int | None) -> str:
    """Say how a worker process ended, from its exit code (negative: the signal that ended it)."""
    if exitcode is None:
        return "the worker process running this point stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the worker process running this point died of {name} (exit code {exitcode})"
    return f"the worker process running this point exited with code {exitcode} (os._exit or a fatal error)"


def run_point(run_func: Callable[..., Any], index: int, params: dict) -> bytes:
    """Run one point in a worker and return its pickled :class:`SweepResult`.

    Every outcome is caught here, ``SystemExit`` and ``KeyboardInterrupt`` included, and the value is pickled
    in the worker, so a value that cannot travel is a recorded failure of its point rather than an error that
    ends the sweep.
    """
    try:
        result = SweepResult(params, value=run_func(**params), index=index)
    except Exception:
        result = failed(index, params, "exception", traceback.format_exc())
    except BaseException as err:  # sys.exit() or KeyboardInterrupt in one point is that point's failure
        what = f"sys.exit({err.code!r})" if isinstance(err, SystemExit) else type(err).__name__
        result = failed(index, params, "exit", f"the point ended with {what}:\n{traceback.format_exc()}")
    try:
        return cloudpickle.dumps(result)
    except Exception as err:
        return cloudpickle.dumps(failed(index, params, "unpicklable",
                                        f"run_func returned {type(result.value).__name__}, which cannot be sent "
                                        f"back to the caller ({type(err).__name__}: {err}); return plain data "
                                        f"(numbers, arrays, dicts)."))
