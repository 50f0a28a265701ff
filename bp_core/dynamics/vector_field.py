"""The vector field of a NeuType, read from its integrators as sympy expressions.

The analyzers work on ``dx/dt = f(x; p)``: each target variable is a variable whose
derivative function an integrator of the model defines; the derivative's other
arguments are target variables, fixed values, or the parameters being varied; the
model's parameters (module-level numbers) take their values from ``pars_update`` or
the model. sympy gives f and its Jacobian exactly; both are compiled to NumPy.
"""

from __future__ import annotations

import ast
from functools import cached_property
from typing import Any

import numpy as np
import sympy

from bp_core.dynamics.compiled_field import CompiledField
from bp_core.errors import ModelUseError, close_matches
from bp_core.integration.diff_equation import DiffEquation
from bp_core.integration.sympy_tools import SympyRender
from bp_core.model.obj_type import NeuType

__all__ = ["VectorField", "model_equations", "check_range"]

#: sympy functions with a kink or a jump.
_NON_SMOOTH = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Max, sympy.Min, sympy.Piecewise, sympy.floor,
               sympy.ceiling)


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


def check_range(kind: str, name: str, bounds: Any) -> tuple[float, float]:
    """Return ``(lo, hi)`` or raise when the range is malformed."""
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ModelUseError(f"the range of {kind} {name!r} must be [min, max], got {bounds!r}.") from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise ModelUseError(f"the range of {kind} {name!r} must have min < max, got {bounds!r}.")
    return lo, hi


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
        self.symbols = [sympy.Symbol(v, real=True) for v in self.variables]
        self.free_symbols = [sympy.Symbol(p, real=True) for p in self.free]
        known_args = set(self.variables) | set(self.fixed) | set(self.free) | set(pars)
        self.exprs = [self._expression(equations[v], known_args) for v in self.variables]
        self.func_names = [equations[v].func_name for v in self.variables]
        matrix = sympy.Matrix(self.exprs)
        self.jacobian_exprs = matrix.jacobian(sympy.Matrix(self.symbols))
        self.par_derivative_exprs = matrix.jacobian(sympy.Matrix(self.free_symbols)) if self.free else None
        args = self.symbols + self.free_symbols
        self._f = sympy.lambdify(args, self.exprs, "numpy")
        self._jac = sympy.lambdify(args, self.jacobian_exprs, "numpy")
        self._dfdp = sympy.lambdify(args, self.par_derivative_exprs, "numpy") if self.free else None

    @cached_property
    def compiled(self) -> CompiledField:
        """The same field compiled with numba, for continuation."""
        return CompiledField(self.exprs, self.symbols, self.free_symbols)

    @property
    def dim(self) -> int:
        """Number of dynamical variables."""
        return len(self.variables)

    def _value(self, name: str, eq: DiffEquation, known: set[str]) -> sympy.Expr:
        if name in self.variables:
            return sympy.Symbol(name, real=True)
        if name in self.free:
            return sympy.Symbol(name, real=True)
        if name in self.fixed:
            return sympy.nsimplify(self.fixed[name]) if isinstance(self.fixed[name], int) else \
                sympy.Float(float(self.fixed[name]))
        if name in self.pars:
            value = self.pars[name]
            if np.ndim(value):
                raise ModelUseError(f"parameter {name!r} is an array; analysis needs one value (pars_update).")
            return sympy.Float(float(value))
        raise ModelUseError(
            f"{name!r}, an argument of derivative function {eq.func_name!r}, is neither an analysed variable "
            f"({', '.join(self.variables)}) nor given in fixed_vars; give it a value there.")

    def _expression(self, eq: DiffEquation, known: set[str]) -> sympy.Expr:
        if eq.uses_time:
            raise ModelUseError(f"derivative function {eq.func_name!r} depends on time; phase plane and "
                                f"bifurcation analysis need an autonomous system.")
        if not eq.is_straight_line:
            raise ModelUseError(f"derivative function {eq.func_name!r} has branches or loops; it cannot be "
                                f"analysed symbolically.")
        render = SympyRender()
        env: dict[sympy.Symbol, sympy.Expr] = {}
        for name in [*eq.arg_names, *eq.free_names]:
            if name in ("np", "numpy", "math"):
                continue
            env[sympy.Symbol(name, real=True)] = self._value(name, eq, known)
        env[sympy.Symbol(eq.var_name, real=True)] = sympy.Symbol(eq.var_name, real=True)
        for stmt in eq.body:
            target = stmt.targets[0].id if isinstance(stmt, ast.Assign) else stmt.target.id
            value = stmt.value
            if isinstance(stmt, ast.AugAssign):
                value = ast.BinOp(left=ast.Name(target, ast.Load()), op=stmt.op, right=stmt.value)
            env[sympy.Symbol(target, real=True)] = render.render_node(value).xreplace(env)
        expr = render.render_node(eq.f_expr).xreplace(env)
        if render.opaque:
            parts = ", ".join(ast.unparse(n) for n in render.opaque.values())
            raise ModelUseError(f"derivative function {eq.func_name!r} uses {parts}, which has no symbolic "
                                f"form; analysis needs arithmetic and elementary functions.")
        return expr

    def require_smooth(self, purpose: str) -> None:
        """Raise unless every right-hand side is smooth in the variables and free parameters: continuation
        differentiates them, and at a kink (``abs``, ``sign``, ``maximum``, ``minimum``) Newton's method
        meets a singular or jumping Jacobian."""
        smooth_in = set(self.symbols) | set(self.free_symbols)
        for expr, name in zip(self.exprs, self.func_names):
            kinks = [str(a) for a in expr.atoms(*_NON_SMOOTH) if a.free_symbols & smooth_in]
            if kinks:
                raise ModelUseError(f"derivative function {name!r} is not smooth ({', '.join(sorted(kinks))}); "
                                    f"{purpose} needs derivatives everywhere. Write a smooth form, for example "
                                    f"sqrt(x**2 + eps**2) for abs(x) or tanh(x / eps) for sign(x), with a small eps.")

    # -- numeric evaluation ---------------------------------------------------------------------

    def f(self, x: Any, p: Any = ()) -> np.ndarray:
        """Derivatives at state ``x`` (shape (dim, ...)) and free parameters ``p``."""
        x = np.asarray(x, dtype=float)
        out = self._f(*x, *np.atleast_1d(p))
        return np.array([np.broadcast_to(o, x.shape[1:]) for o in out], dtype=float)

    def jacobian(self, x: Any, p: Any = ()) -> np.ndarray:
        """Jacobian df/dx at one state, shape (dim, dim)."""
        return np.array(self._jac(*np.asarray(x, dtype=float), *np.atleast_1d(p)), dtype=float)

    def par_derivative(self, x: Any, p: Any = ()) -> np.ndarray:
        """df/dp at one state, shape (dim, number of free parameters)."""
        if self._dfdp is None:
            raise ModelUseError("no free parameter to differentiate with respect to.")
        return np.array(self._dfdp(*np.asarray(x, dtype=float), *np.atleast_1d(p)), dtype=float)
