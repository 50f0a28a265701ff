"""The registry of integration methods: keyword -> how to write an ODE step and an SDE step.

The table of supported combinations follows the BrainPy 0.3 documentation:

============== =============== ===== =============
method         keyword         ODE   SDE
============== =============== ===== =============
Euler          euler           yes   yes (Ito)
ExponentialEuler exponential   yes   yes (Ito)
MidPoint       midpoint        yes   no
Heun           heun            yes   yes (Stratonovich)
RK2            rk2             yes   not yet
RK3            rk3             yes   not yet
RK4            rk4             yes   not yet
RK4Alternative rk4_alternative yes   no
MilsteinIto    milstein_ito    yes   yes (Ito)
MilsteinStra   milstein_stra   yes   yes (Stratonovich)
Linear         linear          exact no
============== =============== ===== =============

On an ODE the two Milstein methods are the Euler method (their noise terms vanish).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bp_core import profile
from bp_core.errors import IntegratorError, close_matches
from bp_core.integration import sde_methods, tableaus
from bp_core.integration.diff_equation import DiffEquation
from bp_core.integration.linear import render_linear_step
from bp_core.integration.rendering import StepCode, StepContext, evaluate

__all__ = ["Method", "METHODS", "METHOD_NAMES", "register_method", "render_step"]

Renderer = Callable[..., StepCode]


@dataclass(frozen=True)
class Method:
    """One integration method.

    Attributes
    ----------
    keyword : str
        Name used in ``integrate(method=...)``.
    ode : callable
        ``ode(eq, ctx, **options) -> StepCode``.
    sde : callable or None
        Same for SDEs; None when unsupported.
    sde_note : str
        Why SDEs are unsupported, for the error message.
    ode_order, sde_order : float
        Convergence orders (strong order for SDEs).
    """

    keyword: str
    ode: Renderer
    sde: Renderer | None
    sde_note: str = ""
    ode_order: float = 1.0
    sde_order: float | None = None


METHODS: dict[str, Method] = {}


def register_method(method: Method) -> Method:
    """Add ``method`` to the registry under its keyword (and to the profile's valid ``numerical_method``)."""
    METHODS[method.keyword] = method
    profile.register_numerical_methods([method.keyword])
    return method


def _from_start(render: Callable[..., StepCode]) -> Renderer:
    """Adapt a renderer that needs the start-point evaluation to the registry's signature."""
    def renderer(eq: DiffEquation, ctx: StepContext, **options) -> StepCode:
        first = evaluate(eq, ctx, ctx.x, ctx.t, want="fge")
        return render(eq, ctx, first, **options)
    return renderer


def _tableau(tableau: tableaus.ButcherTableau) -> Renderer:
    return _from_start(lambda eq, ctx, first: tableaus.render_explicit_rk(tableau, eq, ctx, first))


def _rk2(eq: DiffEquation, ctx: StepContext, first, beta: float = 2 / 3) -> StepCode:
    return tableaus.render_explicit_rk(tableaus.rk2_tableau(beta), eq, ctx, first)


def _exponential_euler(*args, **kwargs) -> StepCode:
    # imported when first used: the exponential Euler method is the one method that needs sympy, and a
    # kernel that integrates with another one need not import sympy at all
    from bp_core.integration.exponential import render_exponential_euler

    return render_exponential_euler(*args, **kwargs)


_NOT_YET = "stochastic equations are not supported by this method yet"
_NEVER = "this method integrates ordinary differential equations only"

for _method in (
    Method("euler", _tableau(tableaus.EULER), _from_start(sde_methods.render_euler_maruyama), ode_order=1,
           sde_order=0.5),
    Method("exponential", _exponential_euler, _exponential_euler, ode_order=1, sde_order=0.5),
    Method("midpoint", _tableau(tableaus.MIDPOINT), None, _NEVER, ode_order=2),
    Method("heun", _tableau(tableaus.HEUN), _from_start(sde_methods.render_heun_sde), ode_order=2, sde_order=1.0),
    Method("rk2", _from_start(_rk2), None, _NOT_YET, ode_order=2),
    Method("rk3", _tableau(tableaus.RK3), None, _NOT_YET, ode_order=3),
    Method("rk4", _tableau(tableaus.RK4), None, _NOT_YET, ode_order=4),
    Method("rk4_alternative", _tableau(tableaus.RK4_ALTERNATIVE), None, _NEVER, ode_order=4),
    Method("milstein_ito", _tableau(tableaus.EULER), _from_start(sde_methods.render_milstein_ito), ode_order=1,
           sde_order=1.0),
    Method("milstein_stra", _tableau(tableaus.EULER), _from_start(sde_methods.render_milstein_stratonovich),
           ode_order=1, sde_order=1.0),
    Method("linear", render_linear_step, None, _NEVER, ode_order=float("inf")),
):
    register_method(_method)

METHOD_NAMES: tuple[str, ...] = tuple(METHODS)


def render_step(eq: DiffEquation, method: str, ctx: StepContext, **options) -> StepCode:
    """Write one integration step of ``eq`` with ``method`` (the entry point for code generators).

    Raises
    ------
    IntegratorError
        For an unknown method, or an SDE given to a method without SDE support.
    """
    if method not in METHODS:
        raise IntegratorError(f"unknown integration method {method!r} for {eq.func_name!r}."
                              f"{close_matches(str(method), METHODS)}")
    spec = METHODS[method]
    if eq.is_stochastic:
        if spec.sde is None:
            supported = ", ".join(k for k, m in METHODS.items() if m.sde is not None)
            raise IntegratorError(
                f"method {method!r} cannot integrate {eq.func_name!r}, which returns a noise term "
                f"(f, g) and so is a stochastic equation: {spec.sde_note}. Use one of: {supported}."
            )
        return spec.sde(eq, ctx, **options)
    return spec.ode(eq, ctx, **options)
