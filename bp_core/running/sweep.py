"""Parameter sweeps: every point's outcome kept, streamed as points finish, on local processes or a cluster."""

from __future__ import annotations

import math
import multiprocessing
import numbers
import os
from collections.abc import Iterator
from typing import Any, Callable

import cloudpickle

from bp_core.errors import ModelUseError, describe_value
from bp_core.running.cluster import run_on_cluster
from bp_core.running.grid import grid_size, iter_grid
from bp_core.running.local import run_local
from bp_core.running.outcome import SweepResult, failed

__all__ = ["sweep", "sweep_iter"]


def _payload(run_func: Any) -> bytes:
    if not callable(run_func):
        raise ModelUseError(f"sweep: run_func must be a function, got {describe_value(run_func)}.")
    try:
        return cloudpickle.dumps(run_func)
    except Exception as err:
        raise ModelUseError(f"sweep: run_func {getattr(run_func, '__name__', run_func)!r} cannot be sent to worker "
                            f"processes ({type(err).__name__}: {err}); define it at module level and keep open "
                            f"files, locks and live networks out of what it refers to.") from err


def _check_options(n_workers: Any, timeout: Any, start_method: Any) -> None:
    methods = multiprocessing.get_all_start_methods()
    if start_method is not None and start_method not in methods:
        raise ModelUseError(f"sweep: start_method must be one of {methods} (or None for the platform's), got "
                            f"{start_method!r}.")
    if n_workers is not None and (isinstance(n_workers, bool) or not isinstance(n_workers, numbers.Integral)
                                  or n_workers < 1):
        raise ModelUseError(f"sweep: n_workers must be a whole number of at least 1, got {n_workers!r}.")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, numbers.Real)
                                or not math.isfinite(timeout) or timeout <= 0):
        raise ModelUseError(f"sweep: timeout is the most seconds one point may take, a positive number "
                            f"(or None for no limit); got {timeout!r}.")


def sweep_iter(run_func: Callable[..., Any], grid: dict | list, client: Any = None, n_workers: int | None = None,
               timeout: float | None = None, start_method: str | None = None,
               cancel: Any = None) -> Iterator[SweepResult]:
    """Run ``run_func(**point)`` for every point of ``grid``, yielding each outcome as it finishes.

    The grid is generated lazily and only a few points are in flight at once (one per worker), so the first
    results of a huge grid arrive in seconds and memory holds what the caller keeps. Each result's ``index``
    is its place in the grid.

    Parameters
    ----------
    run_func : callable
        Builds and runs a model for one parameter set and returns a (picklable) result.
    grid : dict of lists or list of dicts
        The parameter sets (see :func:`iter_grid`); checked before anything starts.
    client : dask.distributed.Client, optional
        Run on this cluster instead of local processes.
    n_workers : int, optional
        Local worker processes (default: the number of CPUs, at most one per point).
    timeout : float, optional
        The most seconds one point may run; a point past it is recorded as failed (``failure='timeout'``) and
        its worker ended.
    start_method : str, optional
        How local workers start ('fork', 'forkserver' or 'spawn'; default: the platform's). Use 'spawn' or
        'forkserver' from a process with other threads running, such as a Jupyter kernel with a live run.
    cancel : threading.Event, optional
        Set it (from any thread) to stop: points not yet finished are abandoned and every worker ended.

    Yields
    ------
    SweepResult
        In the order points finish. A point that raised, called ``sys.exit``, killed its worker, ran past
        ``timeout`` or returned a value that cannot be pickled is a result with ``error`` and ``failure`` set;
        the other points go on. Closing the iterator, or a ``KeyboardInterrupt`` while it waits (re-raised),
        ends every worker.
    """
    _check_options(n_workers, timeout, start_method)
    size = grid_size(grid)
    points = enumerate(iter_grid(grid))
    payload = _payload(run_func)
    if client is not None:
        return run_on_cluster(client, payload, points, timeout, cancel)
    workers = min(int(n_workers or os.cpu_count() or 1), size)
    return run_local(payload, points, workers, timeout, start_method, cancel)


def sweep(run_func: Callable[..., Any], grid: dict | list, client: Any = None,
          n_workers: int | None = None, on_result: Callable[[int, SweepResult], None] | None = None,
          start_method: str | None = None, timeout: float | None = None, cancel: Any = None) -> list[SweepResult]:
    """Run ``run_func(**point)`` for every point of ``grid`` and return every outcome in grid order.

    Takes the parameters of :func:`sweep_iter`, and:

    Parameters
    ----------
    on_result : callable, optional
        Called as ``on_result(k, result)`` in the calling thread as soon as point ``k`` (its place in the
        grid) is done, in the order points finish: a view can fill in while the sweep runs.

    Returns
    -------
    list of SweepResult
        One per point, in grid order; a point that failed has ``error`` and ``failure`` set and the others are
        kept. On ``KeyboardInterrupt`` (Ctrl-C, SIGINT) or ``cancel``, every worker is ended and the points
        that had not finished are returned with ``failure='cancelled'``, next to those that had.
    """
    stream = sweep_iter(run_func, grid, client=client, n_workers=n_workers, timeout=timeout,
                        start_method=start_method, cancel=cancel)
    done: dict[int, SweepResult] = {}
    try:
        for result in stream:
            done[result.index] = result
            if on_result is not None:
                on_result(result.index, result)
    except KeyboardInterrupt:
        pass  # the workers are ended by the stream; what finished is returned below
    finally:
        stream.close()
    return [done.get(k) or failed(k, params, "cancelled", "the sweep was interrupted before this point finished.")
            for k, params in enumerate(iter_grid(grid))]
