"""The vector field of a NeuType, read from its integrators as sympy expressions.

The analyzers work on ``dx/dt = f(x; p)``: each target variable is a variable whose
derivative function an integrator of the model defines; the derivative's other
arguments are target variables, fixed values, or the parameters being varied; the
model's parameters (module-level numbers) take their values from ``pars_update`` or
the model. sympy gives f and its Jacobian exactly; both are compiled to NumPy.

What continuation needs of sympy (the compiled field's source, which right-hand sides have kinks) is memoized
on disk by the equations' syntax trees and the value of every name they read: a process analysing a model
analysed before reads it back and never imports sympy (most of a second); a changed parameter value, fixed
value or equation is a different key.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import numpy as np

from bp_core.backend import cache
from bp_core.dynamics.compiled_field import CompiledField, field_source
from bp_core.dynamics.helper_calls import inline_helpers, is_helper
from bp_core.errors import ModelUseError, close_matches
from bp_core.integration.diff_equation import BUILTIN, DiffEquation, lookup_global
from bp_core.model.obj_type import NeuType

__all__ = ["VectorField", "model_equations", "check_range"]


def _non_smooth() -> tuple:
    """sympy functions with a kink or a jump."""
    import sympy

    return (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Max, sympy.Min, sympy.Piecewise, sympy.floor,
            sympy.ceiling)


@functools.lru_cache(maxsize=None)
def _derivation_fingerprint() -> tuple[str, str]:
    # what shapes the memoized text besides the equations: sympy's version and the code deriving and printing it
    here = Path(__file__).parent
    files = [here / "vector_field.py", here / "compiled_field.py", here.parent / "integration" / "sympy_tools.py"]
    sources = "".join(path.read_text() for path in files)
    return importlib.metadata.version("sympy"), hashlib.sha1(sources.encode()).hexdigest()


def model_equations(model: NeuType) -> dict[str, DiffEquation]:
    """Variable name -> its differential equation, for every integrator the model's steps call."""
    if not isinstance(model, NeuType):
        raise ModelUseError(f"dynamics analysis needs a NeuType, got {model!r}.")
    equations: dict[str, DiffEquation] = {}
    for step in model.steps:
        for integrator in step.integrators.values():
            if not isinstance(integrator.diff_eq, DiffEquation):  # a system integrated at once (method='linear')
                raise ModelUseError(
                    f"model '{model.name}': step '{getattr(step, 'name', step)}' integrates "
                    f"{', '.join(getattr(integrator.diff_eq, 'var_names', ['a system']))} together with "
                    f"method='{integrator.method}'; the analysers read one derivative function per variable. "
                    "To analyse the model, give each variable its own integrator (e.g. method='exponential' "
                    "or 'rk4').")
            equations.setdefault(integrator.diff_eq.var_name, integrator.diff_eq)
    return equations


RANGE_LIMIT = 1e150
"""Largest magnitude of a range bound: squared distances in it stay finite in float64."""


def check_range(kind: str, name: str, bounds: Any) -> tuple[float, float]:
    """Return ``(lo, hi)`` or raise when the range is malformed."""
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ModelUseError(f"the range of {kind} {name!r} must be [min, max], got {bounds!r}.") from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise ModelUseError(f"the range of {kind} {name!r} must have min < max, got {bounds!r}.")
    if max(abs(lo), abs(hi)) > RANGE_LIMIT:
        # Distances and their squares (step lengths, norms) overflow to inf beyond this: the analysis would
        # find nothing and say nothing.
        raise ModelUseError(f"the range of {kind} {name!r} must lie within +-{RANGE_LIMIT:g}, got {bounds!r}; "
                            f"give the range where the model lives (rescale the variable if it is that large).")
    return lo, hi


def _check_values(model: NeuType, argument: str, values: dict | None) -> None:
    """Refuse a NaN, infinite or non-numeric value: the analysis would find no fixed point and say nothing."""
    for name, value in (values or {}).items():
        try:
            finite = not isinstance(value, (str, bytes)) and bool(np.isfinite(np.asarray(value, dtype=float)).all())
        except (TypeError, ValueError):
            finite = False
        if not finite:
            raise ModelUseError(f"{argument}[{name!r}] of the analysis of model {model.name!r} must be a finite "
                                f"number, got {value!r}; give it a value, {argument}={{{name!r}: 0.5}}.")


class VectorField:
    """``f(x; p)`` and its Jacobian for chosen variables of a NeuType.

    Parameters
    ----------
    model : NeuType
    variables : list of str
        The dynamical variables, in order (one or two).
    fixed : dict
        Values of other derivative arguments and variables held constant.
    pars_update : dict
        Values of model parameters replacing the model's own.
    free : list of str
        Parameters left symbolic (the ones a bifurcation analysis varies).
    max_dim : int or None
        Most variables accepted (phase planes draw two; continuation takes any number).
    """

    def __init__(self, model: NeuType, variables: list[str], fixed: dict | None = None,
                 pars_update: dict | None = None, free: list[str] = (), max_dim: int | None = 2):
        model.resolve_late()
        equations = model_equations(model)
        for var in variables:
            if var not in equations:
                raise ModelUseError(f"{var!r} is not a variable of model {model.name!r} with a differential "
                                    f"equation.{close_matches(var, equations) if equations else ''}")
        if not variables:
            raise ModelUseError("analysis needs at least one dynamical variable.")
        if max_dim is not None and len(variables) > max_dim:
            raise ModelUseError(f"a phase plane has one or two variables, got {len(variables)} "
                                f"({', '.join(variables)}); fix the others with fixed_vars, or use "
                                f"BifurcationAnalyzer, which takes any number.")
        self.model = model
        self.variables = list(variables)
        self.free = list(free)
        _check_values(model, "fixed_vars", fixed)
        _check_values(model, "pars_update", pars_update)
        self.fixed = dict(fixed or {})
        pars = dict(model.pars)
        for key in pars_update or {}:
            if key not in pars:
                raise ModelUseError(f"model {model.name!r} has no parameter {key!r}.{close_matches(key, pars)}")
        pars.update(pars_update or {})
        self.pars = pars
        arguments = {name for eq in equations.values() for name in eq.arg_names}
        for name in free:
            if name not in pars and name not in arguments:
                known = sorted(set(pars) | (arguments - set(equations)))
                raise ModelUseError(f"model {model.name!r} has no parameter or derivative argument {name!r} to vary."
                                    f"{close_matches(name, known)} Its parameters and inputs: {', '.join(known)}.")
        self._equations = [equations[v] for v in self.variables]
        self.func_names = [eq.func_name for eq in self._equations]
        key = [repr(self.variables), repr(self.free), *_derivation_fingerprint()]
        key += [self._describe(eq) for eq in self._equations]  # raises for names without a value, before sympy
        self._derived = cache.memoized("vector_field", key, self._derive)

    def _derive(self) -> dict[str, Any]:
        """What continuation needs of sympy, as JSON data: the compiled field's source and each right-hand
        side's kinks in the variables and free parameters."""
        smooth_in = set(self.symbols) | set(self.free_symbols)
        kinks = [sorted(str(a) for a in expr.atoms(*_non_smooth()) if a.free_symbols & smooth_in)
                 for expr in self.exprs]
        return {"source": field_source(self.exprs, self.symbols, self.free_symbols), "kinks": kinks}

    # sympy is imported inside the methods that need it: a process that reads the derivation from the cache
    # (continuation of a model analysed before) never imports it
    @cached_property
    def symbols(self) -> list:
        """The variables as sympy symbols."""
        import sympy

        return [sympy.Symbol(v, real=True) for v in self.variables]

    @cached_property
    def free_symbols(self) -> list:
        """The free parameters as sympy symbols."""
        import sympy

        return [sympy.Symbol(p, real=True) for p in self.free]

    @cached_property
    def exprs(self) -> list:
        """The right-hand sides as sympy expressions."""
        return [self._expression(eq) for eq in self._equations]

    @cached_property
    def jacobian_exprs(self) -> Any:
        """df/dx as a sympy matrix."""
        import sympy

        return sympy.Matrix(self.exprs).jacobian(sympy.Matrix(self.symbols))

    @cached_property
    def par_derivative_exprs(self) -> Any:
        """df/dp as a sympy matrix (None without free parameters)."""
        import sympy

        return sympy.Matrix(self.exprs).jacobian(sympy.Matrix(self.free_symbols)) if self.free else None

    # Each made where it is first used: the right-hand sides alone (the roots of a one-variable field) need no
    # derivative, and sympy's differentiation of them costs more than the rest of a small diagram.
    @cached_property
    def _lambdified_f(self) -> Callable:
        return self._lambdify(self.exprs)

    @cached_property
    def _lambdified_jacobian(self) -> Callable:
        return self._lambdify(self.jacobian_exprs)

    @cached_property
    def _lambdified_par_derivative(self) -> Callable:
        return self._lambdify(self.par_derivative_exprs)

    def _lambdify(self, exprs: Any) -> Callable:
        import sympy

        return sympy.lambdify(self.symbols + self.free_symbols, exprs, "numpy")

    @cached_property
    def compiled(self) -> CompiledField:
        """The same field compiled with numba, for continuation (built from the memoized source)."""
        return CompiledField.from_source(self._derived["source"], self.dim, len(self.free))

    @property
    def dim(self) -> int:
        """Number of dynamical variables."""
        return len(self.variables)

    def _binding(self, name: str, eq: DiffEquation) -> tuple:
        """What ``name``, read by ``eq``, stands for: ``('symbol',)``, ``('int', v)`` or ``('float', v)``."""
        if name in self.variables or name in self.free:
            return ("symbol",)
        if name in self.fixed:
            value = self.fixed[name]
            return ("int", value) if isinstance(value, int) else ("float", float(value))
        if name in self.pars:
            value = self.pars[name]
            if np.ndim(value):
                raise ModelUseError(f"parameter {name!r} is an array; analysis needs one value (pars_update).")
            return ("float", float(value))
        raise ModelUseError(
            f"{name!r}, an argument of derivative function {eq.func_name!r}, is neither an analysed variable "
            f"({', '.join(self.variables)}) nor given in fixed_vars; give it a value there.")

    def _names(self, eq: DiffEquation) -> list[str]:
        # a Python builtin (abs, min, max) is a function of the expression, not a value to bind; a helper of
        # the user's is inlined (helper_calls.py)
        return [*eq.arg_names, *(name for name in eq.free_names if name not in ("np", "numpy", "math")
                                 and lookup_global(eq.func, name) is not BUILTIN
                                 and not is_helper(lookup_global(eq.func, name)))]

    def _describe(self, eq: DiffEquation) -> str:
        """Everything the equation's sympy form depends on, as text: its syntax and the value of each name."""
        if eq.uses_time:
            raise ModelUseError(f"derivative function {eq.func_name!r} depends on time; phase plane and "
                                f"bifurcation analysis need an autonomous system.")
        if not eq.is_straight_line:
            raise ModelUseError(f"derivative function {eq.func_name!r} has branches or loops; it cannot be "
                                f"analysed symbolically.")
        bindings = {name: self._binding(name, eq) for name in self._names(eq)}
        body, f_expr = inline_helpers(eq)
        # repr of a float is exact (it reads back to the same double), so a changed value is a changed key
        return "\n".join([eq.func_name, eq.var_name, *map(ast.dump, body), ast.dump(f_expr),
                          repr(sorted(bindings.items()))])

    def _value(self, name: str, eq: DiffEquation) -> Any:
        import sympy

        kind, *value = self._binding(name, eq)
        if kind == "symbol":
            return sympy.Symbol(name, real=True)
        return sympy.nsimplify(value[0]) if kind == "int" else sympy.Float(value[0])

    def _expression(self, eq: DiffEquation) -> Any:
        import sympy

        from bp_core.integration.sympy_tools import SympyRender

        render = SympyRender()
        env: dict = {}
        for name in self._names(eq):
            env[sympy.Symbol(name, real=True)] = self._value(name, eq)
        env[sympy.Symbol(eq.var_name, real=True)] = sympy.Symbol(eq.var_name, real=True)
        body, f_expr = inline_helpers(eq)
        for stmt in body:
            target = stmt.targets[0].id if isinstance(stmt, ast.Assign) else stmt.target.id
            value = stmt.value
            if isinstance(stmt, ast.AugAssign):
                value = ast.BinOp(left=ast.Name(target, ast.Load()), op=stmt.op, right=stmt.value)
            env[sympy.Symbol(target, real=True)] = render.render_node(value).xreplace(env)
        expr = render.render_node(f_expr).xreplace(env)
        if render.opaque:
            parts = ", ".join(ast.unparse(n) for n in render.opaque.values())
            raise ModelUseError(f"derivative function {eq.func_name!r} uses {parts}, which has no symbolic "
                                f"form; analysis needs arithmetic and elementary functions.")
        return expr

    def require_smooth(self, purpose: str) -> None:
        """Raise unless every right-hand side is smooth in the variables and free parameters: continuation
        differentiates them, and at a kink (``abs``, ``sign``, ``maximum``, ``minimum``) Newton's method
        meets a singular or jumping Jacobian."""
        for kinks, name in zip(self._derived["kinks"], self.func_names):
            if kinks:
                raise ModelUseError(f"derivative function {name!r} is not smooth ({', '.join(kinks)}); "
                                    f"{purpose} needs derivatives everywhere. Write a smooth form, for example "
                                    f"sqrt(x**2 + eps**2) for abs(x) or tanh(x / eps) for sign(x), with a small eps.")

    # -- numeric evaluation ---------------------------------------------------------------------

    def f(self, x: Any, p: Any = ()) -> np.ndarray:
        """Derivatives at state ``x`` (shape (dim, ...)) and free parameters ``p``."""
        x = np.asarray(x, dtype=float)
        out = self._lambdified_f(*x, *np.atleast_1d(p))
        return np.array([np.broadcast_to(o, x.shape[1:]) for o in out], dtype=float)

    def jacobian(self, x: Any, p: Any = ()) -> np.ndarray:
        """Jacobian df/dx at one state, shape (dim, dim)."""
        return np.array(self._lambdified_jacobian(*np.asarray(x, dtype=float), *np.atleast_1d(p)), dtype=float)

    def par_derivative(self, x: Any, p: Any = ()) -> np.ndarray:
        """df/dp at one state, shape (dim, number of free parameters)."""
        if not self.free:
            raise ModelUseError("no free parameter to differentiate with respect to.")
        return np.array(self._lambdified_par_derivative(*np.asarray(x, dtype=float), *np.atleast_1d(p)),
                        dtype=float)
