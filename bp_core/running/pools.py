"""Process pools: one function over a list of parameter sets (the spec's ``process_pool``)."""

from __future__ import annotations

import multiprocessing
from typing import Any, Callable, Iterable

__all__ = ["process_pool", "process_pool_lock"]


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
