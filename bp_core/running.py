"""Running many simulations: process pools and parameter sweeps (local processes or a Dask cluster)."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import cloudpickle

from bp_core.errors import ModelUseError

__all__ = ["process_pool", "process_pool_lock", "sweep", "SweepResult", "grid_points"]


def _call(func: Callable, params: Any, lock: Any = None) -> Any:
    extra = {} if lock is None else {"lock": lock}
    if isinstance(params, dict):
        return func(**params, **extra)
    if isinstance(params, (tuple, list)):
        return func(*params, **extra)
    return func(params, **extra)


def process_pool(func: Callable, all_net_params: Iterable, nb_process: int) -> list:
    """Run ``func`` once per parameter set on ``nb_process`` processes; results in input order.

    Each parameter set is a tuple (positional arguments) or a dict (keyword arguments).
    """
    params = list(all_net_params)
    with multiprocessing.Pool(int(nb_process)) as pool:
        handles = [pool.apply_async(_call, (func, p)) for p in params]
        return [h.get() for h in handles]


def process_pool_lock(func: Callable, all_net_params: Iterable, nb_process: int) -> list:
    """Like :func:`process_pool`, passing a shared ``lock=`` keyword so runs can take turns (e.g. writing a file)."""
    params = list(all_net_params)
    with multiprocessing.Manager() as manager:
        lock = manager.Lock()
        with multiprocessing.Pool(int(nb_process)) as pool:
            handles = [pool.apply_async(_call, (func, p, lock)) for p in params]
            return [h.get() for h in handles]


@dataclass
class SweepResult:
    """The outcome of one grid point: its parameters, and its value or the error it raised."""

    params: dict
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the point ran without error."""
        return self.error is None


def grid_points(grid: dict | list) -> list[dict]:
    """Expand a grid: a dict of lists becomes its Cartesian product; a list of dicts is kept as is."""
    if isinstance(grid, dict):
        keys = list(grid)
        for key in keys:
            if not isinstance(grid[key], (list, tuple)) and not hasattr(grid[key], "__iter__"):
                raise ModelUseError(f"grid[{key!r}] must be a list of values, got {grid[key]!r}.")
        return [dict(zip(keys, values)) for values in itertools.product(*(list(grid[k]) for k in keys))]
    if isinstance(grid, (list, tuple)) and all(isinstance(p, dict) for p in grid):
        return [dict(p) for p in grid]
    raise ModelUseError("grid must be a dict of lists or a list of dicts.")


def _run_point(payload: bytes, params: dict) -> SweepResult:
    run_func = cloudpickle.loads(payload)
    try:
        return SweepResult(params, value=run_func(**params))
    except Exception:  # a failing point is reported with its traceback; the others go on
        return SweepResult(params, error=traceback.format_exc())


def sweep(run_func: Callable[..., Any], grid: dict | list, client: Any = None,
          n_workers: int | None = None, on_result: Callable[[int, SweepResult], None] | None = None,
          start_method: str | None = None) -> list[SweepResult]:
    """Run ``run_func(**point)`` for every point of ``grid``.

    Parameters
    ----------
    run_func : callable
        Builds and runs a model for one parameter set and returns a (picklable) result.
    grid : dict of lists or list of dicts
        The parameter sets.
    client : dask.distributed.Client, optional
        Run on this cluster instead of local processes.
    n_workers : int, optional
        Local processes (default: the number of CPUs).
    on_result : callable, optional
        Called as ``on_result(k, result)`` in the calling thread as soon as point ``k`` (its place in the
        grid) is done, in the order points finish: a view can fill in while the sweep runs.
    start_method : str, optional
        How local workers start ('fork', 'forkserver' or 'spawn'; default: the platform's). Use 'spawn' or
        'forkserver' from a process with other threads running, such as a Jupyter kernel with a live run.

    Returns
    -------
    list of SweepResult
        In grid order; a point that raised has ``error`` set and the others are kept.
    """
    points = grid_points(grid)
    payload = cloudpickle.dumps(run_func)
    results: list[SweepResult | None] = [None] * len(points)
    if client is not None:
        from dask.distributed import as_completed as dask_completed

        futures = client.map(_run_point, [payload] * len(points), points, pure=False)
        place = {future.key: k for k, future in enumerate(futures)}
        for future in dask_completed(futures):
            _collect(results, place[future.key], future.result(), on_result)
        return results  # type: ignore[return-value]
    workers = n_workers or os.cpu_count() or 1
    context = multiprocessing.get_context(start_method) if start_method else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(_run_point, payload, point): k for k, point in enumerate(points)}
        for future in as_completed(futures):
            _collect(results, futures[future], future.result(), on_result)
    return results  # type: ignore[return-value]


def _collect(results: list, k: int, result: SweepResult, on_result: Callable | None) -> None:
    results[k] = result
    if on_result is not None:
        on_result(k, result)
