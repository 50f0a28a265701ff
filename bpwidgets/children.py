"""Child processes that end with the command that started them (the server, the warm-up).

SIGTERM and SIGINT are passed on to every child still running; a child that has not ended ``grace`` seconds
after the signal is killed together with every process under it (its kernels). Leaving the ``with`` block
any other way (an error, the server ending) stops the children the same way.
"""

from __future__ import annotations

import signal
import subprocess
import time
from typing import Callable, Sequence

import psutil

__all__ = ["Children", "kill_tree"]

POLL_SECONDS = 0.2  # short waits: a signal's grace must be noticed


class Children:
    """Start children with :meth:`start`; within the ``with`` block signals reach them, after it none is left."""

    def __init__(self, grace: float = 20.0):
        self.grace = grace
        self.processes: list[subprocess.Popen] = []
        self.received: list[float] = []
        self._previous: dict = {}

    @property
    def stopping(self) -> bool:
        """Whether SIGTERM or SIGINT has been received."""
        return bool(self.received)

    def __enter__(self) -> "Children":
        self._previous = {sig: signal.signal(sig, self._forward) for sig in (signal.SIGTERM, signal.SIGINT)}
        return self

    def __exit__(self, *exc) -> None:
        try:
            if not self.received and any(p.poll() is None for p in self.processes):
                self._forward(signal.SIGTERM, None)
            self.wait_until(lambda: all(p.poll() is not None for p in self.processes), stop_on_signal=False)
        finally:
            for sig, handler in self._previous.items():
                signal.signal(sig, handler)

    def start(self, command: Sequence[str], **popen_kwargs) -> subprocess.Popen:
        """Start ``command`` as a child (``popen_kwargs`` go to :class:`subprocess.Popen`)."""
        process = subprocess.Popen(list(command), **popen_kwargs)
        self.processes.append(process)
        return process

    def wait_until(self, condition: Callable[[], bool], stop_on_signal: bool = True) -> bool:
        """Wait until ``condition()`` holds (True) or, with ``stop_on_signal``, a signal came (False); children
        still running ``grace`` seconds after a signal are killed meanwhile."""
        while not condition():
            if stop_on_signal and self.received:
                return False
            if self.received and time.monotonic() - self.received[0] > self.grace:
                for process in self.processes:
                    if process.poll() is None:
                        kill_tree(process.pid)
            time.sleep(POLL_SECONDS)
        return True

    def _forward(self, signum: int, _frame) -> None:
        self.received.append(time.monotonic())
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signum)


def kill_tree(pid: int) -> None:
    """Kill process ``pid`` and every process under it."""
    try:
        parent = psutil.Process(pid)
        processes = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
