"""Explicit Runge-Kutta methods as Butcher tableaus, and the one generator that writes them.

A method is data: stage nodes ``c``, the strictly lower triangular matrix ``a`` and
the weights ``b``. Adding a method means adding a tableau here and a line to the
registry in :mod:`bp_core.integration.methods`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction as F

from bp_core.integration.diff_equation import DiffEquation
from bp_core.integration.rendering import Evaluation, StepCode, StepContext, evaluate, linear_combination

__all__ = ["ButcherTableau", "EULER", "MIDPOINT", "HEUN", "RK3", "RK4", "RK4_ALTERNATIVE", "rk2_tableau",
           "render_explicit_rk"]


@dataclass(frozen=True)
class ButcherTableau:
    """An explicit Runge-Kutta method.

    Attributes
    ----------
    c : tuple
        Stage times as fractions of the step.
    a : tuple of tuples
        ``a[i]`` holds the weights of the earlier stages in stage ``i`` (``a[0]`` is empty).
    b : tuple
        Weights of the stages in the new value.
    order : int
        Order of convergence.
    """

    c: tuple
    a: tuple
    b: tuple
    order: int

    def __post_init__(self) -> None:
        stages = len(self.b)
        if len(self.c) != stages or len(self.a) != stages or any(len(r) != i for i, r in enumerate(self.a)):
            raise ValueError("a Butcher tableau needs len(c) == len(b) stages and a strictly lower a")


EULER = ButcherTableau(c=(F(0),), a=((),), b=(F(1),), order=1)
MIDPOINT = ButcherTableau(c=(F(0), F(1, 2)), a=((), (F(1, 2),)), b=(F(0), F(1)), order=2)
HEUN = ButcherTableau(c=(F(0), F(1)), a=((), (F(1),)), b=(F(1, 2), F(1, 2)), order=2)
RK3 = ButcherTableau(c=(F(0), F(1, 2), F(1)), a=((), (F(1, 2),), (F(-1), F(2))),
                     b=(F(1, 6), F(2, 3), F(1, 6)), order=3)
RK4 = ButcherTableau(c=(F(0), F(1, 2), F(1, 2), F(1)), a=((), (F(1, 2),), (F(0), F(1, 2)), (F(0), F(0), F(1))),
                     b=(F(1, 6), F(1, 3), F(1, 3), F(1, 6)), order=4)
RK4_ALTERNATIVE = ButcherTableau(c=(F(0), F(1, 3), F(2, 3), F(1)),
                                 a=((), (F(1, 3),), (F(-1, 3), F(1)), (F(1), F(-1), F(1))),
                                 b=(F(1, 8), F(3, 8), F(3, 8), F(1, 8)), order=4)


def rk2_tableau(beta: float = 2 / 3) -> ButcherTableau:
    """Return the parametric second-order method (1/2 midpoint, 2/3 Ralston, 1 Heun)."""
    if not 0 < beta <= 1:
        raise ValueError(f"RK2 needs 0 < beta <= 1, got {beta!r}")
    exact = F(beta).limit_denominator(1000)
    beta = exact if float(exact) == beta else F(beta)
    half = 1 / (2 * beta)
    return ButcherTableau(c=(F(0), beta), a=((), (beta,)), b=(1 - half, half), order=2)


def _scaled(dt: str, c: F) -> str:
    if c == 1:
        return dt
    if c.numerator == 1:
        return f"{dt} / {c.denominator}"
    return f"{dt} * {c.numerator} / {c.denominator}"


def render_explicit_rk(tableau: ButcherTableau, eq: DiffEquation, ctx: StepContext, first: Evaluation) -> StepCode:
    """Write one step of an explicit Runge-Kutta method, given the start-point evaluation."""
    lines = list(first.lines)
    slopes = [first.f]
    for i in range(1, len(tableau.b)):
        stage = str(i + 1)
        x_i = ctx.names.fresh(f"_{eq.var_name}_{stage}")
        lines.append(f"{x_i} = {ctx.x} + {linear_combination(ctx.dt, tableau.a[i], slopes)}")
        t_i = ctx.t
        if eq.uses_time and tableau.c[i] != 0:
            t_i = ctx.names.fresh(f"_{eq.t_name}_{stage}")
            lines.append(f"{t_i} = {ctx.t} + {_scaled(ctx.dt, tableau.c[i])}")
        stage_eval = evaluate(eq, ctx, x_i, t_i, tag=stage, want="f")
        lines += stage_eval.lines
        slopes.append(stage_eval.f)
    result = ctx.names.fresh(ctx.result or f"_{eq.var_name}_new")
    lines.append(f"{result} = {ctx.x} + {linear_combination(ctx.dt, tableau.b, slopes)}")
    return StepCode(lines, result, first.extras)
