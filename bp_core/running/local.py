"""Points on local worker processes, each process watched so a crash, a hang or a bad value stays one point's.

``concurrent.futures.ProcessPoolExecutor`` cannot do this: a worker that dies breaks the whole pool without
saying which task killed it, and a running task cannot be timed out. Here each worker runs one point at a
time over its own pipe, so the caller always knows which point a dead or overdue worker held: that point is
recorded as failed (no retry: a point that killed its worker would kill the next one too), the worker is
replaced, and the other points go on.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

import cloudpickle

from bp_core.running.outcome import SweepResult, death_message, failed, run_point

__all__ = ["run_local"]

POLL_S = 0.2
"""Longest wait between checks of deadlines and of the ``cancel`` event."""

READY = b""
"""A worker's first message once it has loaded ``run_func``."""

LOAD_FAILED = b"!"
"""The start of a worker's first message when ``run_func`` could not be loaded (its traceback follows)."""

END_GRACE_S = 1.0
"""How long a worker may take to leave after being asked to, before it is terminated, then killed."""


def _worker_main(conn: Connection, payload: bytes) -> None:
    # Ctrl-C in a terminal reaches the whole process group: the caller decides what an interrupt means and
    # ends its workers itself, so a worker never dies of it halfway through a point
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        run_func = cloudpickle.loads(payload)
    except Exception:
        conn.send_bytes(LOAD_FAILED + traceback.format_exc().encode())
        return
    conn.send_bytes(READY)  # a point's clock starts now, not while a spawned worker is still importing
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the caller is gone
            return
        if task is None:
            return
        conn.send_bytes(run_point(run_func, *cloudpickle.loads(task)))


class _Slot:
    """One worker process and the point it is running."""

    def __init__(self, context: Any, payload: bytes):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, payload), daemon=True,
                                       name="bp-sweep-worker")
        self.process.start()
        child.close()
        self.task: tuple[int, dict] | None = None
        self.ready = False
        self.started = 0.0

    def give(self, index: int, params: dict, blob: bytes) -> None:
        """Start point ``index`` (``blob``: the point, pickled)."""
        self.task = (index, params)
        self.started = time.monotonic()
        self.conn.send(blob)

    def overdue(self, timeout: float, now: float) -> bool:
        """True when the slot's point has run longer than ``timeout`` seconds."""
        return self.task is not None and self.ready and now - self.started > timeout

    def end(self) -> None:
        """Ask the worker to leave; terminate it, then kill it, if it does not."""
        try:
            if self.process.is_alive() and self.task is None:
                self.conn.send(None)
        except OSError:
            pass
        self.process.join(END_GRACE_S if self.task is None else 0.0)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(END_GRACE_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        self.process.close()


def _collect(slot: _Slot) -> SweepResult | None:
    """The outcome of the slot's point once its pipe is readable or its process has ended (None: it is ready)."""
    index, params = slot.task  # type: ignore[misc]
    try:
        blob = slot.conn.recv_bytes()
    except (EOFError, OSError):
        slot.task = None
        slot.process.join(END_GRACE_S)
        return failed(index, params, "died", death_message(slot.process.exitcode))
    if not slot.ready:
        if blob.startswith(LOAD_FAILED):
            slot.task = None
            return failed(index, params, "exception", "run_func could not be loaded in a worker process:\n"
                          + blob[len(LOAD_FAILED):].decode(errors="replace"))
        slot.ready, slot.started = True, time.monotonic()
        return None
    slot.task = None
    try:
        return cloudpickle.loads(blob)
    except Exception as err:  # e.g. the value's class cannot be imported in the caller
        return failed(index, params, "unpicklable", f"the point's value could not be read back in the caller "
                                                    f"({type(err).__name__}: {err}).")


def run_local(payload: bytes, points: Iterator[tuple[int, dict]], n_workers: int, timeout: float | None,
              start_method: str | None, cancel: Any = None) -> Iterator[SweepResult]:
    """Yield each point's :class:`SweepResult` as it finishes; at most ``n_workers`` points are in flight.

    Every worker is ended when the generator ends, whether it ran out, was closed, or was interrupted
    (a ``KeyboardInterrupt`` is re-raised once the workers are gone).
    """
    context = multiprocessing.get_context(start_method)
    slots: list[_Slot] = []
    points = iter(points)
    exhausted = False
    try:
        while True:
            if cancel is not None and cancel.is_set():
                return
            for slot in [s for s in slots if s.task is None] + [None] * (n_workers - len(slots)):
                point = next(points, None)
                if point is None:
                    exhausted = True
                    break
                blob = _pickled(point)
                if not isinstance(blob, bytes):
                    yield blob
                    continue
                if slot is None:
                    slot = _Slot(context, payload)
                    slots.append(slot)
                slot.give(*point, blob)
            if not any(s.task is not None for s in slots):
                if exhausted:
                    return
                continue
            busy = [s for s in slots if s.task is not None]
            yield from _finished(busy, timeout)
            for slot in [s for s in slots if not s.process.is_alive()]:  # died or ended: replaced when needed
                while slot.task is not None:  # it died after the wait above: its point's outcome is read now
                    result = _collect(slot)
                    if result is not None:
                        yield result
                slot.end()
                slots.remove(slot)
    finally:
        for slot in slots:
            slot.end()


def _pickled(point: tuple[int, dict]) -> bytes | SweepResult:
    """The point to send to a worker, or its failure when its parameters cannot be pickled."""
    try:
        return cloudpickle.dumps(point)
    except Exception as err:
        return failed(*point, "unpicklable", f"the point's parameters cannot be sent to a worker process "
                                             f"({type(err).__name__}: {err}); give plain values in the grid.")


def _finished(busy: list[_Slot], timeout: float | None) -> Iterator[SweepResult]:
    now = time.monotonic()
    started = [s.started for s in busy if s.ready]
    wait_s = POLL_S if timeout is None or not started else max(0.0, min(POLL_S, min(started) + timeout - now))
    by_handle = {}
    for slot in busy:
        by_handle[slot.conn] = slot
        by_handle[slot.process.sentinel] = slot
    ready = {id(by_handle[h]): by_handle[h] for h in wait(list(by_handle), wait_s)}
    for slot in ready.values():
        result = _collect(slot)
        if result is not None:
            yield result
    if timeout is None:
        return
    now = time.monotonic()
    for slot in busy:
        if slot.overdue(timeout, now):
            index, params = slot.task
            slot.process.kill()  # a point past its time may be stuck in compiled code that ignores SIGTERM
            slot.process.join()
            slot.task = None
            yield failed(index, params, "timeout", f"the point did not finish within the timeout of {timeout:g} s; "
                                                   f"its worker process was ended.")
