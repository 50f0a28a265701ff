"""Helpers on Python functions: copies, names, the globals they use, numba compilation."""

from __future__ import annotations

import builtins
import functools
import types
from typing import Any, Callable

from bp_core import profile

__all__ = ["jit", "func_copy", "numba_func", "get_func_name", "get_func_scope"]


def jit(func: Callable | list | tuple | None = None):
    """Compile user functions with numba when ``profile.is_jit()``; usable as a decorator.

    Parameters
    ----------
    func : callable, list or tuple of callables, optional
        What to compile. Without it, returns a decorator.

    Returns
    -------
    callable or list
        The compiled function(s), or the function(s) unchanged when jit is off.
    """
    if func is None:
        return jit
    if isinstance(func, (list, tuple)):
        return [jit(f) for f in func]
    if not profile.is_jit():
        return func
    from bp_core.backend.compile import jit_function

    return jit_function(func)


def func_copy(f: Callable) -> Callable:
    """Return a new function object with the code, globals, defaults and attributes of ``f``."""
    g = types.FunctionType(f.__code__, f.__globals__, name=f.__name__, argdefs=f.__defaults__,
                           closure=f.__closure__)
    g = functools.update_wrapper(g, f)
    g.__kwdefaults__ = f.__kwdefaults__
    del g.__wrapped__
    return g


def numba_func(func: Callable, params: dict[str, Any] | None = None) -> Callable:
    """Return ``func`` with the global names in ``params`` replaced, compiled when jit is on."""
    params = params or {}
    new_globals = {**func.__globals__, **params}
    g = types.FunctionType(func.__code__, new_globals, func.__name__, func.__defaults__, func.__closure__)
    return jit(g)


def get_func_name(func: Callable, replace: bool = False) -> str:
    """Return the name of ``func``; with ``replace``, one usable as an identifier."""
    name = getattr(func, "__name__", type(func).__name__)
    if replace:
        name = "".join(c if c.isalnum() or c == "_" else "_" for c in name).strip("_") or "func"
    return name


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def get_func_scope(func: Callable, include_dispatcher: bool = False) -> dict[str, Any]:
    """Return the global and closure names ``func`` reads, with their values.

    Parameters
    ----------
    func : callable
        A Python function, a numba dispatcher or an Integrator.
    include_dispatcher : bool
        Also include the scope of numba-compiled functions it calls.
    """
    py_func = getattr(func, "py_func", func)
    if not isinstance(py_func, types.FunctionType):
        return {}
    scope: dict[str, Any] = {}
    closure = dict(zip(py_func.__code__.co_freevars, [c.cell_contents for c in py_func.__closure__ or ()]))
    for name in sorted(_code_names(py_func.__code__) | set(closure)):
        if name in closure:
            scope[name] = closure[name]
        elif name in py_func.__globals__:
            scope[name] = py_func.__globals__[name]
        elif not hasattr(builtins, name):
            continue
    if include_dispatcher:
        for value in list(scope.values()):
            if hasattr(value, "py_func") and value is not func:
                scope.update(get_func_scope(value, include_dispatcher=True))
    return scope
