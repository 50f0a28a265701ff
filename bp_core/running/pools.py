"""Process pools: one function over a list of parameter sets (the spec's ``process_pool``).

They run on the sweep's watched workers, so a run that crashes its process, exits or hangs is reported
instead of leaving the pool waiting for ever.
"""

from __future__ import annotations

import functools
import multiprocessing
from typing import Any, Callable, Iterable

from bp_core.errors import RunError
from bp_core.running.sweep import sweep

__all__ = ["process_pool", "process_pool_lock"]


def _call(func: Callable, params: Any, lock: Any = None) -> Any:
    extra = {} if lock is None else {"lock": lock}
    if isinstance(params, dict):
        return func(**params, **extra)
    if isinstance(params, (tuple, list)):
        return func(*params, **extra)
    return func(params, **extra)


def _run(func: Callable, params: list, nb_process: int) -> list:
    results = sweep(func, [{"params": p} for p in params], n_workers=nb_process)
    failed = [r for r in results if not r.ok]
    if failed:
        first = failed[0]
        err = RunError(f"process_pool: {len(failed)} of {len(results)} runs failed; run {first.index} "
                       f"(parameters {first.params['params']!r}) failed with:\n{first.error}\nThe outcome of "
                       f"every run is in this error's .results.")
        err.results = results
        raise err
    return [r.value for r in results]


def process_pool(func: Callable, all_net_params: Iterable, nb_process: int) -> list:
    """Run ``func`` once per parameter set on ``nb_process`` processes; results in input order.

    Each parameter set is a tuple (positional arguments) or a dict (keyword arguments).

    Raises
    ------
    RunError
        When a run raised, exited or crashed its process, once every run has ended; its ``results``
        attribute holds every run's :class:`SweepResult`, the good ones included.
    """
    return _run(functools.partial(_call, func), list(all_net_params), int(nb_process))


def process_pool_lock(func: Callable, all_net_params: Iterable, nb_process: int) -> list:
    """Like :func:`process_pool`, passing a shared ``lock=`` keyword so runs can take turns (e.g. writing a file)."""
    with multiprocessing.Manager() as manager:
        return _run(functools.partial(_call, func, lock=manager.Lock()), list(all_net_params), int(nb_process))
