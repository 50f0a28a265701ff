"""Points on a ``dask.distributed`` cluster, with the same per-point outcomes as local workers.

Dask itself reruns the tasks of a worker that dies, on other workers, until a task has been on
``distributed.scheduler.allowed-failures`` dead workers (3 by default): then the point is recorded as
``died``. A worker running a point past its timeout is restarted through its nanny, if it has one; the
tasks it also held are rerun by the scheduler.
"""

from __future__ import annotations

import queue
import time
import traceback
import uuid
from collections.abc import Iterator
from typing import Any

import cloudpickle

from bp_core.errors import ModelUseError, describe_value
from bp_core.running.outcome import SweepResult, failed, run_point

__all__ = ["run_on_cluster"]

POLL_S = 0.2
"""Longest wait between checks of deadlines and of the ``cancel`` event."""


def _remote_point(payload: bytes, index: int, params: dict) -> bytes:
    return run_point(cloudpickle.loads(payload), index, params)


def _threads(client: Any) -> int:
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception as err:
        raise ModelUseError(f"sweep(client=...) needs a dask.distributed Client connected to a cluster, got "
                            f"{describe_value(client)} ({type(err).__name__}: {err}).") from err


def _outcome(future: Any, index: int, params: dict) -> SweepResult:
    status = future.status
    if status == "finished":
        try:
            return cloudpickle.loads(future.result())
        except Exception as err:
            return failed(index, params, "unpicklable", f"the point's value could not be read back in the "
                                                        f"caller ({type(err).__name__}: {err}).")
    if status == "error":
        err = future.exception()
        if type(err).__name__ == "KilledWorker":
            return failed(index, params, "died", f"the cluster's workers died while running this point, too "
                                                 f"often to try again ({err}).")
        text = "".join(traceback.format_exception(type(err), err, future.traceback()))
        return failed(index, params, "exception", text)
    return failed(index, params, "lost", f"the cluster dropped this point (its future is {status}).")


def _cancel_and_restart(client: Any, future: Any, key: str) -> None:
    """Cancel ``future`` and restart the workers running its point: the one the scheduler assigns it to, and any
    still executing it (the two differ when the scheduler moved the task while its first worker had started it).

    The future is cancelled before the restart: a restarted worker's task that the client still wants is sent to
    another worker, which would start the stuck point again and keep its one thread for good, and every later
    point sent to that worker would wait for it."""
    try:
        workers = {worker for worker, keys in client.processing().items() if key in keys}
        workers |= {worker for worker, busy in client.run(_executes, key).items() if busy}
    except Exception:  # noqa: BLE001  a scheduler that cannot say: cancel it, restart nothing
        workers = set()
    future.cancel()
    try:
        if workers:
            client.restart_workers(sorted(workers))
    except Exception:  # noqa: BLE001  a cluster without nannies cannot restart a worker; the point stays failed
        pass


def _executes(key: str, dask_worker: Any = None) -> bool:
    """On a worker (``client.run``): whether one of its threads is running ``key``."""
    state = dask_worker.state
    return any(getattr(task, "key", None) == key
               for running in (state.executing, getattr(state, "long_running", ())) for task in running)


def run_on_cluster(client: Any, payload: bytes, points: Iterator[tuple[int, dict]], timeout: float | None,
                   cancel: Any = None) -> Iterator[SweepResult]:
    """Yield each point's :class:`SweepResult` as the cluster finishes it; a bounded number is submitted at once.

    The clock of ``timeout`` starts when a point is submitted; no more points are submitted than the cluster
    has threads, so a submitted point starts at once. Points still submitted when the generator ends (ran out,
    closed, interrupted) are cancelled on the cluster.
    """
    threads = _threads(client)
    in_flight = threads if timeout is not None else 2 * threads
    prefix = f"bp-sweep-{uuid.uuid4().hex[:12]}"
    done: queue.SimpleQueue = queue.SimpleQueue()
    running: dict[str, tuple[Any, int, dict, float]] = {}
    points = iter(points)
    try:
        while True:
            if cancel is not None and cancel.is_set():
                return
            for _, (index, params) in zip(range(in_flight - len(running)), points):
                try:
                    future = client.submit(_remote_point, payload, index, params, key=f"{prefix}-{index}",
                                           retries=0)
                except Exception as err:  # parameters that cannot be serialised are this point's failure
                    yield failed(index, params, "unpicklable", f"the point's parameters cannot be sent to the "
                                                               f"cluster ({type(err).__name__}: {err}).")
                    continue
                running[future.key] = (future, index, params, time.monotonic())
                future.add_done_callback(done.put)
            if not running:
                return
            try:
                finished = done.get(timeout=POLL_S)
            except queue.Empty:
                finished = None
            if finished is not None and finished.key in running:
                if finished.status in ("lost", "pending"):  # its result died with a worker: the cluster reruns it
                    finished.add_done_callback(done.put)
                    continue
                _, index, params, _ = running.pop(finished.key)
                yield _outcome(finished, index, params)
            yield from _overdue(client, running, timeout)
    finally:
        if running:
            client.cancel([entry[0] for entry in running.values()], force=True)


def _overdue(client: Any, running: dict, timeout: float | None) -> Iterator[SweepResult]:
    if timeout is None:
        return
    now = time.monotonic()
    for key in [k for k, entry in running.items() if now - entry[3] > timeout]:
        future, index, params, _ = running.pop(key)
        _cancel_and_restart(client, future, key)
        yield failed(index, params, "timeout", f"the point did not finish within the timeout of {timeout:g} s on "
                                               f"the cluster; it was cancelled and its worker restarted.")
