"""Ctrl-C during a run, taken where the state, the clock and the records agree.

A compiled kernel cannot be stopped halfway (the time loop runs in native code), and Python delivers a
``KeyboardInterrupt`` at the first bytecode after it returns: before this module, that was between the kernel's
return and the bookkeeping of its steps, so the state had moved on while the clock and the monitors had not,
and the next ``advance`` continued from a time the state had left. While a run executes in the main thread,
a first Ctrl-C is noted instead and raised once the steps run so far are recorded (at the end of the kernel call
in progress: the end of the run, or of a chunk of a ``report=True`` run); a second Ctrl-C raises at once, for a
step that never ends under ``jit=False``.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

__all__ = ["DeferredInterrupt"]


class DeferredInterrupt:
    """A context in which SIGINT is noted (``pending``) rather than raised, in the main thread only.

    Elsewhere (a widget's worker thread, a process that handles SIGINT itself) it changes nothing.
    """

    def __init__(self) -> None:
        self.pending = False
        self._previous: Any = None

    def __enter__(self) -> DeferredInterrupt:
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous = signal.signal(signal.SIGINT, self._note)
        return self

    def _note(self, signum: int, frame: Any) -> None:
        if self.pending:  # asked twice: stop now, wherever the run is
            raise KeyboardInterrupt
        self.pending = True

    def raise_if_pending(self) -> None:
        """Raise the noted ``KeyboardInterrupt`` (call once what ran is recorded)."""
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt("the run was interrupted; the state, the clock (net.t_end) and the monitors "
                                    "hold the steps run until then")

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
        if kind is None:
            self.raise_if_pending()
