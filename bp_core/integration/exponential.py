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
import functools
import hashlib
import importlib.metadata
from pathlib import Path

from bp_core.backend import cache
from bp_core.errors import IntegratorError
from bp_core.integration.diff_equation import DiffEquation, _loaded_names
from bp_core.integration.rendering import RenameTransformer, StepCode, StepContext, evaluate

__all__ = ["render_exponential_euler"]


class _Linearisation:
    """Tracks, statement by statement, which names depend on x and where their derivative is."""

    def __init__(self, eq: DiffEquation, ctx: StepContext):
        self.eq = eq
        self.ctx = ctx
        self.derivative: dict[str, str] = {eq.var_name: "1"}

    def derivative_code(self, value: ast.expr, renamer: RenameTransformer) -> str | None:
        key = [ast.dump(value), repr(sorted(self.derivative.items())), *_sympy_fingerprint()]
        found = cache.memoized("derivative", key, lambda: _symbolic_derivative(value, self.derivative))
        opaque = {name: ast.parse(text, mode="eval").body for name, text in found["opaque"].items()}
        for node in opaque.values():
            if _loaded_names(node) & set(self.derivative):
                raise IntegratorError(
                    f"exponential Euler cannot linearise {self.eq.func_name!r}: '{ast.unparse(node)}' depends "
                    f"on {self.eq.var_name!r} and has no symbolic derivative. Write it with arithmetic and "
                    f"np.exp/np.log/np.power/..., or choose another method (e.g. method='rk4')."
                )
        if found["derivative"] is None:
            return None
        node = ast.parse(found["derivative"], mode="eval").body
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


def _symbolic_derivative(value: ast.expr, derivative: dict[str, str]) -> dict:
    """The total derivative of ``value`` by x (chained through the names in ``derivative``), by sympy.

    Returns JSON data: ``derivative``, its text (None where it is 0), over opaque names that ``opaque`` maps to
    the text of the sub-expressions sympy does not know.
    """
    # imported here: sympy takes a large part of a second to import, and a process building a network it
    # built before reads this result from the cache instead (cache.memoized)
    import sympy

    from bp_core.integration.sympy_tools import SympyPrinter, SympyRender

    render = SympyRender()
    expr = render.render_node(value)
    opaque = {name: ast.unparse(node) for name, node in render.opaque.items()}
    if any(_loaded_names(node) & set(derivative) for node in render.opaque.values()):
        return {"derivative": None, "opaque": opaque}  # refused by the caller, naming the sub-expression
    total = sympy.Integer(0)
    for symbol in expr.free_symbols:
        if symbol.name in derivative:
            inner = derivative[symbol.name]
            total += sympy.diff(expr, symbol) * (1 if inner == "1" else sympy.Symbol(inner))
    return {"derivative": None if total == 0 else SympyPrinter().doprint(total), "opaque": opaque}


@functools.lru_cache(maxsize=None)
def _sympy_fingerprint() -> tuple[str, str]:
    # what shapes a derivative's text besides its inputs: sympy's version and this engine's printers
    here = Path(__file__).parent
    sources = "".join((here / name).read_text() for name in ("exponential.py", "sympy_tools.py"))
    return importlib.metadata.version("sympy"), hashlib.sha1(sources.encode()).hexdigest()


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
