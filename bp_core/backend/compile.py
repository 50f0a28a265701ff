"""Compiling generated source: the engine's entry to its targets (and the module that brings in numba).

The work is done by the targets (``targets/``: ``python`` and ``numba_cpu`` here, ``cuda`` in ``cuda/``)
and the on-disk cache (``cache.py``); this module keeps the names the rest of the engine calls.
Importing it imports numba, so the engine imports it inside the functions that first compile something.
"""

from __future__ import annotations

from typing import Any

from bp_core import profile
from bp_core.backend.cache import cache_dir
from bp_core.backend.targets import CompiledFunction, Target, get_target, register_target, target_for
from bp_core.backend.targets.numba_cpu import jit_function, seed_compiled_random, typed_index_list, typed_index_rows

__all__ = ["CompiledFunction", "compile_source", "cache_dir", "jit_function", "seed_compiled_random",
           "typed_index_list", "typed_index_rows", "Target", "get_target", "register_target", "target_for"]


def compile_source(source: str, func_name: str, scope: dict[str, Any], jit: bool | None = None,
                   checked: tuple[str, ...] = (), parallel: tuple[str, ...] = ()) -> CompiledFunction:
    """Compile generated ``source`` on the CPU and return its function ``func_name``.

    Every top-level function of the source is compiled; functions call each other
    through the module's globals, so numba compiles callees into their callers.

    Parameters
    ----------
    source : str
        Python source of one or more functions.
    func_name : str
        The function to return.
    scope : dict
        Global names the source uses (modules, helper functions, constants).
    jit : bool, optional
        Compile with numba (target ``numba_cpu``) or keep plain Python (target ``python``); defaults to
        ``profile.is_jit()``.
    checked : tuple of str
        Functions compiled with bounds checking (user code, in the safe default).
    parallel : tuple of str
        Functions compiled with numba's ``parallel`` option (their ``prange`` loops use all cores);
        the others are compiled without it, which would only add overhead to them.

    Returns
    -------
    CompiledFunction
    """
    jit = profile.is_jit() if jit is None else jit
    target = get_target("numba_cpu" if jit else "python")
    return target.compile(source, func_name, scope, checked=checked, parallel=parallel)
