"""numba's CPU target: generated modules compiled with ``numba.njit``, one thread or ``prange`` over cores.

Loading this module installs numba's implementation of every runtime helper (``numba_helpers``) as an
``overload`` of the helper's Python function, so the same generated source runs here and in plain Python.
"""

from __future__ import annotations

import ast
import inspect
from typing import Any, Callable, Sequence

import numba
import numpy as np
from numba import types as nb_types
from numba.extending import overload
from numba.typed import List

from bp_core import profile
from bp_core.backend import cache
from bp_core.backend.helpers import HELPERS
from bp_core.backend.targets import numba_helpers
from bp_core.backend.targets.numba_cache import cached_njit
from bp_core.backend.targets.base import CompiledFunction, Target
from bp_core.backend.targets.python import load_module

__all__ = ["NumbaCpuTarget", "jit_function", "seed_compiled_random", "typed_index_list", "typed_index_rows",
           "njit_options"]

for _entry in HELPERS.values():
    if numba_helpers.TARGET in _entry.compiled:
        _typer, _options = _entry.compiled[numba_helpers.TARGET]
        overload(_entry.python, **_options)(_typer)


def njit_options(options: dict[str, Any]) -> dict[str, Any]:
    """The profile's numba options as ``numba.njit`` takes them (it implies nopython and warns if given)."""
    return {k: v for k, v in options.items() if k != "nopython" and v is not None}


def _is_user_function(value: Any) -> bool:
    return inspect.isfunction(value) and all(value is not entry.python for entry in HELPERS.values())


class NumbaCpuTarget(Target):
    """Generated modules compiled by numba for the CPU (``jit=True``, device ``'cpu'``)."""

    name = "numba_cpu"
    jit = True

    def compile(self, source: str, func_name: str, scope: dict[str, Any], checked: Sequence[str] = (),
                parallel: Sequence[str] = ()) -> CompiledFunction:
        options = njit_options(profile.get_numba_profile())
        full_scope = {**self.scope(), **scope}
        if options.get("cache") and not all(map(cache.cacheable, full_scope.values())):
            options["cache"] = False
        full_scope = {k: jit_function(v) if _is_user_function(v) else v for k, v in full_scope.items()}
        full_scope["prange"] = numba.prange
        key = [repr(sorted(options.items())), repr(sorted(checked)), repr(sorted(parallel)), "jit=True"]
        path, module = load_module(source, func_name, full_scope, key)
        if not getattr(module, "_bp_compiled", False):
            _compile_module(module, source, func_name, options, checked, parallel)
        return CompiledFunction(getattr(module, func_name), source, str(path), True, self.name)

    def index_rows(self, ptr: np.ndarray, idx: np.ndarray) -> Any:
        return typed_index_rows(ptr, idx)

    def max_threads(self) -> int:
        return numba.config.NUMBA_NUM_THREADS

    def use_threads(self, count: int) -> None:
        # numba keeps the count per calling thread, so a widget's worker thread sets its own
        numba.set_num_threads(max(1, min(count, numba.config.NUMBA_NUM_THREADS)))


def _compile_module(module: Any, source: str, func_name: str, options: dict[str, Any], checked: Sequence[str],
                    parallel: Sequence[str]) -> None:
    """Replace every top-level function of ``module`` by its numba dispatcher."""
    compiled: dict[tuple, Any] = {}
    for name, body in _defined_functions(source):
        func_options = dict(options, parallel=name in parallel)
        if name in checked:
            func_options["boundscheck"] = True
        if name != func_name:
            # called only from compiled code: no wrapper to call it from Python (for a kernel's 40 arguments
            # the wrappers' code is a large part of what LLVM optimizes and emits at each level of calls),
            # and not cached on its own (a warm process loads the entry, which holds all the code it calls)
            func_options.update(no_cpython_wrapper=True, no_cfunc_wrapper=True, cache=False)
        # functions that differ only in name and docstring (the same step of two objects of one model) share
        # one dispatcher: numba compiles each dispatcher apart, once per signature
        same = (body, tuple(sorted(func_options.items())))
        if same not in compiled:
            compiled[same] = _njit(getattr(module, name), func_options)
        setattr(module, name, compiled[same])
    module._bp_compiled = True


def _defined_functions(source: str) -> list[tuple[str, str]]:
    """Each top-level function of ``source``: its name and its definition without name and docstring."""
    functions = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            body = node.body[1:] if ast.get_docstring(node, clean=False) is not None else node.body
            functions.append((node.name, ast.dump(ast.FunctionDef(
                "_", node.args, body, node.decorator_list, node.returns, node.type_comment))))
    return functions


def jit_function(func: Callable) -> Callable:
    """Compile a user helper function with numba (unchanged if already compiled)."""
    if isinstance(func, numba.core.registry.CPUDispatcher) or not inspect.isfunction(func):
        return func
    options = njit_options(profile.get_numba_profile())
    options.pop("parallel", None)
    if not cache.cacheable(func):
        options["cache"] = False
    return _njit(func, options)


def _njit(func: Callable, options: dict[str, Any]) -> Any:
    """``numba.njit(**options)(func)``; cached functions load from the cache without the compiler's set-up."""
    options = dict(options)
    if options.pop("cache", False):
        return cached_njit(func, **options)
    return numba.njit(**options)(func)


def _seed_numba(seed):
    np.random.seed(seed)


_seed_numba = cached_njit(_seed_numba)


def seed_compiled_random(seed: int) -> None:
    """Seed numba's random generator of the calling thread."""
    _seed_numba(seed)


profile.on_seed(seed_compiled_random)


def typed_index_list(arrays: list) -> Any:
    """Return a list of int64 index arrays as a numba typed List (what compiled steps iterate over)."""
    ptr = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays)), out=ptr[1:])
    return typed_index_rows(ptr, np.concatenate(arrays) if len(arrays) else np.zeros(0, dtype=np.int64))


def typed_index_rows(ptr: np.ndarray, idx: np.ndarray) -> Any:
    """Compressed rows (row ``r`` is ``idx[ptr[r]:ptr[r + 1]]``) as a numba typed List of int64 arrays."""
    # made and filled by compiled code, loaded from numba's cache: appending from Python costs about 15 us a row
    # (ten million rows: minutes), and even an empty List made from Python compiles numba's constructor in every
    # process
    return _index_rows(np.asarray(ptr, dtype=np.int64), np.asarray(idx, dtype=np.int64))


_ROW = nb_types.int64[::1]


def _index_rows(ptr, idx):
    out = List.empty_list(_ROW)
    for row in range(ptr.size - 1):
        out.append(idx[ptr[row]:ptr[row + 1]].copy())
    return out


_index_rows = cached_njit(_index_rows)


cache.add_engine_file(__file__)
