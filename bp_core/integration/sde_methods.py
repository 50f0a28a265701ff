"""Stochastic methods for ``dx = f dt + g dW`` with a scalar Wiener process per element.

Euler-Maruyama and the derivative-free Milstein scheme converge to the Ito
solution (strong orders 0.5 and 1.0). The Heun scheme and the Euler-Heun
scheme of ``milstein_stra`` converge to the Stratonovich solution (strong order
1.0 for scalar noise). When the noise does not depend on the variable the
correction terms vanish and the schemes reduce to Euler-Maruyama.
"""

from __future__ import annotations

from bp_core.integration.diff_equation import DiffEquation
from bp_core.integration.rendering import Evaluation, StepCode, StepContext, evaluate

__all__ = ["render_euler_maruyama", "render_milstein_ito", "render_milstein_stratonovich", "render_heun_sde"]


def _result(eq: DiffEquation, ctx: StepContext) -> str:
    return ctx.names.fresh(ctx.result or f"_{eq.var_name}_new")


def render_euler_maruyama(eq: DiffEquation, ctx: StepContext, first: Evaluation) -> StepCode:
    """``x + f dt + g dW``."""
    result = _result(eq, ctx)
    line = f"{result} = {ctx.x} + {first.f} * {ctx.dt} + {first.g} * {ctx.dW}"
    return StepCode(first.lines + [line], result, first.extras)


def render_milstein_ito(eq: DiffEquation, ctx: StepContext, first: Evaluation) -> StepCode:
    """Derivative-free Milstein: ``x + f dt + g dW + (g(x_bar) - g) (dW^2 - dt) / (2 sqrt(dt))``,
    with ``x_bar = x + f dt + g sqrt(dt)``."""
    if not eq.is_functional_noise:
        return render_euler_maruyama(eq, ctx, first)
    lines = list(first.lines)
    sqrt_dt = ctx.names.fresh("_sqrt_dt")
    x_bar = ctx.names.fresh(f"_{eq.var_name}_bar")
    lines += [f"{sqrt_dt} = {ctx.dt} ** 0.5",
              f"{x_bar} = {ctx.x} + {first.f} * {ctx.dt} + {first.g} * {sqrt_dt}"]
    bar = evaluate(eq, ctx, x_bar, ctx.t, tag="bar", want="g")
    lines += bar.lines
    result = _result(eq, ctx)
    lines.append(f"{result} = {ctx.x} + {first.f} * {ctx.dt} + {first.g} * {ctx.dW} + "
                 f"({bar.g} - {first.g}) * ({ctx.dW} * {ctx.dW} - {ctx.dt}) / (2 * {sqrt_dt})")
    return StepCode(lines, result, first.extras)


def render_milstein_stratonovich(eq: DiffEquation, ctx: StepContext, first: Evaluation) -> StepCode:
    """Euler-Heun for Stratonovich SDEs: ``x + f dt + (g + g(x_bar)) dW / 2``, ``x_bar = x + g dW``."""
    if not eq.is_functional_noise:
        return render_euler_maruyama(eq, ctx, first)
    lines = list(first.lines)
    x_bar = ctx.names.fresh(f"_{eq.var_name}_bar")
    lines.append(f"{x_bar} = {ctx.x} + {first.g} * {ctx.dW}")
    bar = evaluate(eq, ctx, x_bar, ctx.t, tag="bar", want="g")
    lines += bar.lines
    result = _result(eq, ctx)
    lines.append(f"{result} = {ctx.x} + {first.f} * {ctx.dt} + ({first.g} + {bar.g}) * {ctx.dW} / 2")
    return StepCode(lines, result, first.extras)


def render_heun_sde(eq: DiffEquation, ctx: StepContext, first: Evaluation) -> StepCode:
    """Stratonovich Heun: predictor ``x1 = x + f dt + g dW``, then the averages of f and g."""
    lines = list(first.lines)
    x_1 = ctx.names.fresh(f"_{eq.var_name}_1")
    lines.append(f"{x_1} = {ctx.x} + {first.f} * {ctx.dt} + {first.g} * {ctx.dW}")
    t_1 = ctx.t
    if eq.uses_time:
        t_1 = ctx.names.fresh(f"_{eq.t_name}_1")
        lines.append(f"{t_1} = {ctx.t} + {ctx.dt}")
    predicted = evaluate(eq, ctx, x_1, t_1, tag="1", want="fg")
    lines += predicted.lines
    result = _result(eq, ctx)
    lines.append(f"{result} = {ctx.x} + ({first.f} + {predicted.f}) * {ctx.dt} / 2 + "
                 f"({first.g} + {predicted.g}) * {ctx.dW} / 2")
    return StepCode(lines, result, first.extras)
