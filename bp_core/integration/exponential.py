"""Exponential Euler: ``x + dt * exprel(dt * A) * f (+ exp(dt * A) * g * dW)`` with ``A = df/dx``.

``A`` is derived symbolically by forward-mode differentiation through the
function's statements: for each assignment ``a = E`` that depends on ``x`` the
step also computes ``_da_dx`` from sympy's partial derivatives of ``E``. The
generated code keeps the user's intermediate names and stays linear in size.
On a linear equation ``dx/dt = A x + B`` the step is exact.
"""

from __future__ import annotations

import ast
import copy

import sympy

from bp_core.errors import IntegratorError
from bp_core.integration.diff_equation import DiffEquation, _loaded_names
from bp_core.integration.rendering import RenameTransformer, StepCode, StepContext, evaluate
from bp_core.integration.sympy_tools import SympyPrinter, SympyRender

__all__ = ["render_exponential_euler"]


class _Linearisation:
    """Tracks, statement by statement, which names depend on x and where their derivative is."""

    def __init__(self, eq: DiffEquation, ctx: StepContext):
        self.eq = eq
        self.ctx = ctx
        self.derivative: dict[str, str] = {eq.var_name: "1"}
        self.printer = SympyPrinter()

    def derivative_code(self, value: ast.expr, renamer: RenameTransformer) -> str | None:
        render = SympyRender()
        expr = render.render_node(value)
        for node in render.opaque.values():
            if _loaded_names(node) & set(self.derivative):
                raise IntegratorError(
                    f"exponential Euler cannot linearise {self.eq.func_name!r}: '{ast.unparse(node)}' depends "
                    f"on {self.eq.var_name!r} and has no symbolic derivative. Write it with arithmetic and "
                    f"np.exp/np.log/np.power/..., or choose another method (e.g. method='rk4')."
                )
        total = sympy.Integer(0)
        for symbol in expr.free_symbols:
            if symbol.name in self.derivative:
                inner = self.derivative[symbol.name]
                total += sympy.diff(expr, symbol) * (1 if inner == "1" else sympy.Symbol(inner))
        if total == 0:
            return None
        node = ast.parse(self.printer.doprint(total), mode="eval").body
        opaque = {name: node_ for name, node_ in render.opaque.items()}
        node = _SubstituteOpaque(opaque).visit(node)
        return ast.unparse(renamer.visit(node))

    def before_statement(self, stmt: ast.stmt, renamer: RenameTransformer) -> list[str]:
        target = stmt.targets[0].id if isinstance(stmt, ast.Assign) else stmt.target.id
        value = stmt.value
        if isinstance(stmt, ast.AugAssign):
            value = ast.BinOp(left=ast.Name(target, ast.Load()), op=stmt.op, right=stmt.value)
        code = self.derivative_code(value, renamer)
        if code is None:
            self.derivative.pop(target, None)
            return []
        name = self.ctx.names.fresh(f"_d{target}_d{self.eq.var_name}")
        self.derivative[target] = name
        return [f"{name} = {code}"]


class _SubstituteOpaque(ast.NodeTransformer):
    def __init__(self, opaque: dict[str, ast.expr]):
        self.opaque = opaque

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return copy.deepcopy(self.opaque[node.id]) if node.id in self.opaque else node


def render_exponential_euler(eq: DiffEquation, ctx: StepContext) -> StepCode:
    """Write one exponential Euler step (ODE or SDE)."""
    if not eq.is_straight_line:
        raise IntegratorError(
            f"exponential Euler cannot linearise {eq.func_name!r}: its body has branches or loops. "
            f"Use plain assignments (np.where for choices) or choose another method (e.g. method='rk4')."
        )
    linear = _Linearisation(eq, ctx)
    first = evaluate(eq, ctx, ctx.x, ctx.t, want="fge", before_statement=linear.before_statement)
    lines = list(first.lines)
    a_code = linear.derivative_code(eq.f_expr, first.renamer)
    result = ctx.names.fresh(ctx.result or f"_{eq.var_name}_new")
    if a_code is None:  # f does not depend on x: the exponential step is the Euler step
        drift = f"{first.f} * {ctx.dt}"
        noise = f" + {first.g} * {ctx.dW}" if eq.is_stochastic else ""
    else:
        a_name = a_code
        if not a_code.isidentifier():
            a_name = ctx.names.fresh(f"_A_{eq.var_name}")
            lines.append(f"{a_name} = {a_code}")
        drift = f"{ctx.dt} * exprel({ctx.dt} * {a_name}) * {first.f}"
        noise = f" + np.exp({ctx.dt} * {a_name}) * {first.g} * {ctx.dW}" if eq.is_stochastic else ""
    lines.append(f"{result} = {ctx.x} + {drift}{noise}")
    return StepCode(lines, result, first.extras)
