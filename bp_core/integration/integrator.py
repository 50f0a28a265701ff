"""One-step integrators built from a derivative function: ``integrate`` and the method classes.

An integrator is called like the derivative function it was made from and returns
the value one step ``dt`` later::

    @bp.integrate(method='rk4')
    def int_m(m, t, V):
        ...
    m_next = int_m(m, t, V)

Numbers the function reads from outside (module-level parameters) are passed to
the generated code as arguments, so changing them, through ``int_m.pars`` or by
reassigning the global, takes effect at the next call without recompiling.
"""

from __future__ import annotations

import linecache
import re
from collections.abc import MutableMapping
from typing import Any, Callable, Iterator

import numpy as np

from bp_core import profile
from bp_core.errors import CodeError, IntegratorError, ModelDefError, ModelUseError, close_matches
from bp_core.integration.diff_equation import DiffEquation, is_numeric_parameter, lookup_global
from bp_core.integration.methods import METHODS, render_step
from bp_core.integration.rendering import NameAllocator, StepContext

__all__ = ["Integrator", "Euler", "ExponentialEuler", "MidPoint", "Heun", "RK2", "RK3", "RK4",
           "RK4Alternative", "MilsteinIto", "MilsteinStra", "integrate", "get_integrator", "ParameterView"]


class ParameterView(MutableMapping):
    """The runtime parameters of an integrator: the numbers its function reads from outside.

    Reading a key gives the value in use: the one set here, else the current global.
    Setting a key overrides the global for this integrator; deleting it goes back to the global.
    """

    def __init__(self, diff_eq: DiffEquation, names: list[str]):
        self._eq = diff_eq
        self._names = list(names)
        self._overrides: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        self._check_name(name)
        if name in self._overrides:
            return self._overrides[name]
        value = lookup_global(self._eq.func, name)
        if not is_numeric_parameter(value):
            raise ModelUseError(
                f"parameter {name!r} of {self._eq.func_name!r} must stay a number or numeric array, "
                f"but it is now {value!r}; set it with {self._eq.func_name}.pars[{name!r}] = value."
            )
        return value

    def __setitem__(self, name: str, value: Any) -> None:
        self._check_name(name)
        if not is_numeric_parameter(value) and not isinstance(value, (list, tuple)):
            raise ModelUseError(f"parameter {name!r} of {self._eq.func_name!r} must be a number or a numeric "
                                f"array, got {value!r}.")
        value = np.asarray(value, dtype=float) if isinstance(value, (list, tuple)) else value
        self._overrides[name] = value

    def __delitem__(self, name: str) -> None:
        self._check_name(name)
        self._overrides.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def _check_name(self, name: str) -> None:
        if name not in self._names:
            raise ModelUseError(f"{self._eq.func_name!r} has no parameter {name!r}."
                                f"{close_matches(name, self._names) if self._names else ' It has no parameters.'}")

    def values_in_order(self) -> list[Any]:
        """Current values in the order of the generated function's arguments."""
        return [self[name] for name in self._names]

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{k!r}: {self[k]!r}" for k in self._names) + "}"


class Integrator:
    """A compiled one-step integrator of a differential equation.

    Parameters
    ----------
    diff_eq : DiffEquation or callable
        The equation, or the derivative function to read it from.

    Attributes
    ----------
    diff_eq : DiffEquation
    method : str
        The method keyword.
    """

    method: str = ""

    def __init__(self, diff_eq: DiffEquation | Callable, **options: Any):
        self.diff_eq = diff_eq if isinstance(diff_eq, DiffEquation) else DiffEquation(diff_eq)
        self.options = options
        spec = METHODS[self.method]
        if self.diff_eq.is_stochastic and spec.sde is None:
            render_step(self.diff_eq, self.method, self._context(NameAllocator()))  # raises the clear error
        self.dt: float | None = None
        self._source: str | None = None
        self._scope: dict[str, Any] | None = None
        self._pars: ParameterView | None = None
        self._compiled: dict[bool, Any] = {}

    # -- generated code -----------------------------------------------------------------------

    def _context(self, names: NameAllocator, params: list[str] = ()) -> StepContext:
        eq = self.diff_eq
        args = {a: a for a in [*eq.arg_names, *params]}
        dw = names.fresh("_dW") if eq.is_stochastic else None
        return StepContext(x=eq.var_name, t=eq.t_name, dt=names.fresh("_dt"), args=args, names=names, dW=dw)

    def _build(self) -> None:
        if self._source is not None:
            return
        eq = self.diff_eq
        parameters, scope = eq.resolve_free_names()
        names = NameAllocator([eq.var_name, eq.t_name, *eq.arg_names, *eq.local_names, *eq.free_names,
                               "np", "exprel", eq.func_name])
        ctx = self._context(names, list(parameters))
        step = render_step(eq, self.method, ctx, **self.options)
        signature = [eq.var_name, eq.t_name, *eq.arg_names, *parameters, ctx.dt] + ([ctx.dW] if ctx.dW else [])
        returned = ", ".join([step.result, *step.extras])
        body = "\n".join("    " + line for line in step.lines)
        self._source = (
            f"def {eq.func_name}({', '.join(signature)}):\n"
            f'    """{self.method} step of {eq.func_name}, generated by bp_core."""\n'
            f"{body}\n    return {returned}\n"
        )
        self._scope = scope
        self._pars = ParameterView(eq, list(parameters))

    @property
    def py_func_name(self) -> str:
        """Name of the user's derivative function."""
        return self.diff_eq.func_name

    @property
    def update_code(self) -> str:
        """Readable Python source of the generated step function."""
        self._build()
        return self._source

    @property
    def code_scope(self) -> dict[str, Any]:
        """Compile-time names of the generated code (modules, functions)."""
        self._build()
        return dict(self._scope)

    @property
    def pars(self) -> ParameterView:
        """Runtime parameters: the numbers the function reads from outside."""
        self._build()
        return self._pars

    @property
    def update_func(self) -> Callable:
        """The compiled step function (full signature: inputs, parameters, dt[, dW])."""
        return self._compiled_function()

    @property
    def compile_count(self) -> int:
        """How many machine-code versions numba has built for this integrator (0 without jit)."""
        return sum(c.compile_count for c in self._compiled.values())

    def _compiled_function(self):
        jit = profile.is_jit()
        if jit not in self._compiled:
            from bp_core.backend.compile import compile_source

            self._build()
            self._compiled[jit] = compile_source(self._source, self.diff_eq.func_name, self._scope, jit=jit)
        return self._compiled[jit]

    # -- calling --------------------------------------------------------------------------------

    def __call__(self, *args: Any) -> Any:
        """Advance by one step: ``integrator(x, t, *other_args)`` returns the new x (and extras)."""
        return self.step(*args)

    def step(self, *args: Any, dt: float | None = None, dW: Any = None) -> Any:
        """Advance by one step with an explicit step size and, for SDEs, Wiener increment.

        Parameters
        ----------
        *args
            The derivative function's arguments: x, t, then the others.
        dt : float, optional
            Step size; default ``self.dt`` or, when that is None, ``profile.get_dt()``.
        dW : float or array, optional
            Wiener increment (variance ``dt``), shaped like x; drawn from the seeded
            NumPy generator when not given.
        """
        eq = self.diff_eq
        expected = 2 + len(eq.arg_names)
        if len(args) != expected:
            names = ", ".join([eq.var_name, eq.t_name, *eq.arg_names])
            raise ModelUseError(f"{eq.func_name!r} takes {expected} arguments ({names}), got {len(args)}.")
        dt = dt if dt is not None else (self.dt if self.dt is not None else profile.get_dt())
        compiled = self._compiled_function()
        extra = [dt]
        if eq.is_stochastic:
            if dW is None:
                shape = np.shape(args[0])
                dW = np.sqrt(dt) * (np.random.standard_normal(shape) if shape else np.random.standard_normal())
            extra.append(dW)
        try:
            return compiled(*args, *self._pars.values_in_order(), *extra)
        except CodeError as err:
            raise _at_users_line(err, compiled, eq.func_name) from None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.diff_eq.func_name!r}>"


_ORIGIN_COMMENT = re.compile(r"#\s(.+), line (\d+)$")


def _at_users_line(err: CodeError, compiled: Any, name: str) -> Exception:
    """A ModelDefError naming the user's line of the generated line numba failed on (its origin comment)."""
    text = getattr(err, "details", str(err))
    generated = compiled.source.split("\n")
    file = compiled.path.rsplit("/", 1)[-1]
    for match in re.finditer(r'File "([^"]+)", line (\d+)', text):
        number = int(match.group(2))
        if match.group(1).endswith(file) and 0 < number <= len(generated):
            origin = _ORIGIN_COMMENT.search(generated[number - 1])
            if origin:
                user_file, line = origin.group(1), int(origin.group(2))
                reason = next((ln.strip() for ln in text.split("\n") if ln.strip() and
                               not ln.startswith("Failed in")), "")
                source = linecache.getline(user_file, line).strip()
                return ModelDefError(f"derivative function {name!r} cannot be compiled: {reason}\n"
                                     f"  at {user_file}, line {line}" + (f": {source}" if source else "") +
                                     "\nRun with bp.profile.set(jit=False) to debug it in Python.")
    return err


def _integrator_class(name: str, keyword: str, doc: str) -> type[Integrator]:
    return type(name, (Integrator,), {"method": keyword, "__doc__": doc, "__module__": __name__})


Euler = _integrator_class("Euler", "euler", "Forward Euler (ODE) and Euler-Maruyama (Ito SDE); order 1 / 0.5.")
ExponentialEuler = _integrator_class(
    "ExponentialEuler", "exponential",
    "Exponential Euler with A = df/dx derived by sympy; exact on linear ODEs, Ito for SDEs.")
MidPoint = _integrator_class("MidPoint", "midpoint", "Explicit midpoint method; order 2, ODEs only.")
Heun = _integrator_class("Heun", "heun", "Heun's method (ODE, order 2) and the Stratonovich Heun scheme (SDE).")
RK3 = _integrator_class("RK3", "rk3", "Kutta's third-order method; ODEs only.")
RK4 = _integrator_class("RK4", "rk4", "Classical fourth-order Runge-Kutta; ODEs only.")
RK4Alternative = _integrator_class("RK4Alternative", "rk4_alternative", "Kutta's 3/8-rule fourth-order method.")
MilsteinIto = _integrator_class("MilsteinIto", "milstein_ito",
                                "Derivative-free Milstein scheme for Ito SDEs (strong order 1); Euler on ODEs.")
MilsteinStra = _integrator_class("MilsteinStra", "milstein_stra",
                                 "Euler-Heun scheme for Stratonovich SDEs (strong order 1); Euler on ODEs.")


class RK2(Integrator):
    """Parametric second-order Runge-Kutta; ``beta`` 1/2 midpoint, 2/3 Ralston (default), 1 Heun."""

    method = "rk2"

    def __init__(self, diff_eq: DiffEquation | Callable, beta: float = 2 / 3):
        if not 0 < beta <= 1:
            raise IntegratorError(f"RK2 needs 0 < beta <= 1, got beta={beta!r}.")
        super().__init__(diff_eq, beta=beta)


CLASSES: dict[str, type[Integrator]] = {
    cls.method: cls for cls in (Euler, ExponentialEuler, MidPoint, Heun, RK2, RK3, RK4, RK4Alternative,
                                MilsteinIto, MilsteinStra)
}
"""Method keyword -> integrator class (``linear`` adds its own, bp_core.integration.linear_integrator)."""


def get_integrator(method: str | type[Integrator]) -> type[Integrator]:
    """Return the integrator class of a method keyword (an Integrator subclass is returned as is)."""
    if isinstance(method, type) and issubclass(method, Integrator):
        return method
    if not isinstance(method, str) or method not in CLASSES:
        raise IntegratorError(f"unknown integration method {method!r}.{close_matches(str(method), CLASSES)}")
    return CLASSES[method]


def integrate(func: Callable | None = None, method: str | type[Integrator] | None = None):
    """Make a one-step integrator from a derivative function; usable as a decorator.

    Parameters
    ----------
    func : callable, optional
        The derivative function. Without it, returns a decorator.
    method : str or Integrator subclass, optional
        One of ``euler, exponential, midpoint, heun, rk2, rk3, rk4, rk4_alternative,
        milstein_ito, milstein_stra, linear``; default ``profile.get_numerical_method()``.
        ``linear`` integrates a linear system exactly; its function takes the variables before the
        time and returns one derivative each (:class:`~bp_core.integration.linear_integrator.LinearIntegrator`).

    Returns
    -------
    Integrator or callable

    Examples
    --------
    >>> @integrate(method='rk4')
    ... def int_x(x, t, tau):
    ...     return -x / tau
    """
    if isinstance(func, str) and method is None:  # @integrate('rk4')
        func, method = None, func
    if func is None:
        get_integrator(method or profile.get_numerical_method())  # fail at decoration time
        return lambda f: integrate(f, method)
    method = method or profile.get_numerical_method()
    cls = get_integrator(method)
    if getattr(cls, "reads_function", False):  # a linear system: its variables come before the time
        return cls(func)
    try:
        return cls(DiffEquation(func))
    except IntegratorError as err:
        raise IntegratorError(str(err)) from None
