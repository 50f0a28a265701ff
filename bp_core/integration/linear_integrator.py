"""The ``linear`` integrator: one exact step of a linear ODE system (see :mod:`bp_core.integration.linear`).

A system is one derivative function whose state variables come before the time and
which returns one derivative per variable, in the same order::

    @bp.integrate(method='linear')
    def int_alpha(v, x, y, t, I):
        return (x - v) / tau, (y - x) / tau_s, (-y + I) / tau_s

    v, x, y = int_alpha(v, x, y, t, I)     # the values one step dt later

With one variable it is an ordinary derivative function (``def f(x, t, ...)``) and the
integrator returns the new value.
"""

from __future__ import annotations

import ast
from typing import Any, Callable

import numpy as np

from bp_core import profile
from bp_core.errors import DiffEquationError, ModelUseError
from bp_core.integration.diff_equation import (
    BUILTIN,
    MISSING,
    TIME_NAMES,
    _loaded_names,
    _read_function_node,
    _stored_names,
    is_numeric_parameter,
    lookup_global,
)
from bp_core.integration.integrator import CLASSES, Integrator, ParameterView
from bp_core.integration.linear import analyse_linear, linear_equations, render_linear
from bp_core.integration.rendering import NameAllocator

__all__ = ["LinearIntegrator"]


class _System:
    """A derivative function of several variables, read from its source (never executed)."""

    def __init__(self, func: Callable):
        self.func = func
        self.func_name: str = getattr(func, "__name__", "derivative")
        node = _read_function_node(func)
        if isinstance(node, ast.Lambda):
            raise DiffEquationError(f"write the linear system {self.func_name!r} with 'def'.")
        names = [a.arg for a in node.args.args]
        times = [i for i, n in enumerate(names) if n in TIME_NAMES]
        if not times or times[0] == 0 or node.args.vararg or node.args.kwarg or node.args.kwonlyargs:
            raise DiffEquationError(
                f"derivative function {self.func_name!r} takes ({', '.join(names)}); a system takes its "
                f"variables first, then the time 't', then its inputs, e.g. def {self.func_name}(v, w, t, I).")
        self.var_names: list[str] = names[:times[0]]
        self.t_name: str = names[times[0]]
        self.arg_names: list[str] = names[times[0] + 1:]
        body = list(node.body)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # docstring
        if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
            raise DiffEquationError(f"derivative function {self.func_name!r} must end with 'return dv, dw, ...'.")
        value = body[-1].value
        parts = value.elts if isinstance(value, ast.Tuple) else [value]
        if len(parts) != len(self.var_names):
            raise DiffEquationError(
                f"derivative function {self.func_name!r} has {len(self.var_names)} variables "
                f"({', '.join(self.var_names)}) but returns {len(parts)} value(s); return one derivative per "
                f"variable, in the same order (noise terms are not supported by method 'linear').")
        self.body: list[ast.stmt] = body[:-1]
        self.derivatives: list[ast.expr] = parts
        self.local_names = _stored_names(self.body)
        fixed = {*self.var_names, self.t_name, *self.arg_names}
        if set(self.local_names) & fixed:
            raise DiffEquationError(f"derivative function {self.func_name!r} assigns to its argument "
                                    f"{sorted(set(self.local_names) & fixed)[0]!r}; use another name.")
        self.free_names = sorted(_loaded_names(self.body + parts) - fixed - set(self.local_names))

    def resolve_free_names(self, missing: set[str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Numeric parameters and compile-time names the function reads from outside (an undefined one raises,
        or with ``missing`` given is added to it, as ``DiffEquation.resolve_free_names``)."""
        parameters, scope = {}, {}
        for name in self.free_names:
            value = lookup_global(self.func, name)
            if value is MISSING and missing is not None:
                missing.add(name)
                continue
            if value is MISSING:
                raise DiffEquationError(f"name {name!r} used in derivative function {self.func_name!r} is not "
                                        f"defined; define it before the function, or pass it as an argument.")
            if value is not BUILTIN:
                (parameters if is_numeric_parameter(value) else scope)[name] = value
        return parameters, scope


class LinearIntegrator(Integrator):
    """Exact one-step integrator of a linear ODE system with constant coefficients.

    Parameters
    ----------
    func : callable
        ``def f(x1, ..., xn, t, *inputs)`` returning the n derivatives.

    Attributes
    ----------
    method : str
        ``'linear'``.
    diff_eq
        The system read from ``func`` (its variables, time, inputs and parameters).
    """

    method = "linear"
    options: dict = {}
    reads_function = True  # made from the function itself: a system is no DiffEquation

    def __init__(self, func: Callable):  # noqa: D107 (documented on the class)
        self.diff_eq = _System(func)
        sys = self.diff_eq
        parameters, scope = sys.resolve_free_names()
        names = NameAllocator([*sys.var_names, sys.t_name, *sys.arg_names, *sys.local_names, *sys.free_names,
                               "np", sys.func_name])
        dt = names.fresh("_dt")
        results = [names.fresh(f"_{v}_new") for v in sys.var_names]
        body = self.render_call(sys.var_names, {n: n for n in [*sys.arg_names, *parameters]}, dt, names, results)
        signature = [*sys.var_names, sys.t_name, *sys.arg_names, *parameters, dt]
        returned = results[0] if len(results) == 1 else ", ".join(results)
        self._source = (f"def {sys.func_name}({', '.join(signature)}):\n"
                        f'    """exact linear step of {sys.func_name}, generated by bp_core."""\n'
                        + "".join(f"    {line}\n" for line in body) + f"    return {returned}\n")
        self._scope = {**scope, "np": np}
        self._pars = ParameterView(sys, list(parameters))
        self._compiled: dict[bool, Any] = {}
        self.dt: float | None = None

    @property
    def call_names(self) -> list[str]:
        """The arguments a call passes: the variables, the time, the inputs."""
        sys = self.diff_eq
        return [*sys.var_names, sys.t_name, *sys.arg_names]

    def render_call(self, state: list, args: dict, dt: str, names: NameAllocator, results: list) -> list[str]:
        """Lines storing the values one step later under ``results`` (for generated code).

        Parameters
        ----------
        state : list of str
            The caller's names of the current values.
        args : dict
            Input and parameter names of the function -> the caller's names.
        dt : str
            The caller's name of the step size.
        names : NameAllocator
            Source of the caller's fresh temporaries.
        results : list of str
        """
        prop = analyse_linear(linear_equations(self.diff_eq), "_dt_linear")
        return render_linear(prop, state, names, results, {**args, prop.dt_name: dt})

    def step(self, *args: Any, dt: float | None = None, dW: Any = None) -> Any:
        """Advance by one step of ``dt`` (default ``self.dt``, else ``profile.get_dt()``).

        ``integrator(x1, ..., xn, t, *inputs)`` returns the new values (one value for one variable).
        """
        sys = self.diff_eq
        if len(args) != len(self.call_names):
            raise ModelUseError(f"{sys.func_name!r} takes {len(self.call_names)} arguments "
                                f"({', '.join(self.call_names)}), got {len(args)}.")
        dt = dt if dt is not None else (self.dt if self.dt is not None else profile.get_dt())
        return self._compiled_function()(*args, *self._pars.values_in_order(), dt)

    def __repr__(self) -> str:
        return f"<LinearIntegrator of {self.diff_eq.func_name!r}>"


CLASSES[LinearIntegrator.method] = LinearIntegrator
