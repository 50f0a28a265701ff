"""Rate functions of the form ``x / (1 - exp(-x / k))`` keep their limit where the denominator vanishes.

Hodgkin-Huxley-type rates divide a multiple of ``b`` by ``1 - exp(b)`` or ``exp(b) - 1``::

    alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))

At ``V = -40`` exactly (an initial value, a clamp, a grid) that is ``0 / 0``: NaN, and the safe mode stops the
run, though the rate has a limit there (1.0 here) and every textbook means it. Where the numerator is a constant
multiple ``c`` of ``b`` (sympy decides: ``numerator / b`` must not depend on what ``b`` depends on), the
division keeps its value wherever the denominator is not zero and takes the limit (``-c`` for ``1 - exp(b)``,
``c`` for ``exp(b) - 1``) where it is::

    _den = 1 - np.exp(-(V + 40) / 10)
    alpha = 0.1 * (V + 40) / _den if _den != 0.0 else 1.0                        # scalar mode
    alpha = 0.1 * (V + 40) / (_den + (_den == 0.0)) + (_den == 0.0) * 1.0         # vector mode (arrays)

The values where the denominator is not zero are the division's own, bit for bit (the vector form adds
``0.0`` to a quotient that is not zero there: the numerator vanishes only with ``b``). Within about 1e-16
of the point, where ``exp(b)`` rounds to 1, the limit stands for the quotient, which differs from it by
about ``|b|``.
"""

from __future__ import annotations

import ast
import copy

from bp_core.codegen.tree import Pass, StepTree, located, origin, rewrite_blocks

__all__ = ["REMOVABLE_SINGULARITIES"]

_EXP = {"exp"}
_MODULES = {"np", "numpy", "math"}


def _run(tree: StepTree) -> None:
    tree.body = rewrite_blocks(tree.body, lambda stmt: _with_limits(tree, stmt))


def _with_limits(tree: StepTree, stmt: ast.stmt) -> list[ast.stmt]:
    """``stmt`` with its quotients rewritten, after the denominators they now read."""
    before: list[ast.stmt] = []
    for holder, field in _roots(stmt):
        setattr(holder, field, _rewrite(tree, getattr(holder, field), before))
    return located(before, origin(stmt)) + [stmt]


def _roots(stmt: ast.stmt) -> list[tuple[ast.AST, str]]:
    """The expressions of ``stmt`` evaluated once, where it stands (not a ``while`` test, re-evaluated)."""
    if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)) and stmt.value is not None:
        return [(stmt, "value")]
    if isinstance(stmt, ast.Expr):
        return [(stmt, "value")]
    if isinstance(stmt, ast.If):
        return [(stmt, "test")]
    return []


def _rewrite(tree: StepTree, node: ast.expr, before: list[ast.stmt]) -> ast.expr:
    if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return node  # names bound inside: leave it
    for field, value in ast.iter_fields(node):
        if isinstance(value, ast.expr):
            setattr(node, field, _rewrite(tree, value, before))
        elif isinstance(value, list):
            setattr(node, field, [_rewrite(tree, v, before) if isinstance(v, ast.expr) else v for v in value])
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)):
        return node
    found = _exp_difference(node.right)
    if found is None:
        return node
    exponent, sign = found
    limit = _limit(node.left, exponent, sign, set(tree.param_args.values()))
    if limit is None:
        return node
    den = tree.names.fresh("_den")
    before.append(ast.Assign([ast.Name(den, ast.Store())], node.right, lineno=0))
    quotient = ast.BinOp(node.left, ast.Div(), ast.Name(den, ast.Load()))
    vanishes = ast.Compare(ast.Name(den, ast.Load()), [ast.Eq()], [ast.Constant(0.0)])
    if tree.scalar:
        holds = ast.Compare(ast.Name(den, ast.Load()), [ast.NotEq()], [ast.Constant(0.0)])
        return ast.IfExp(holds, quotient, limit)
    shifted = ast.BinOp(node.left, ast.Div(), ast.BinOp(ast.Name(den, ast.Load()), ast.Add(), vanishes))
    return ast.BinOp(shifted, ast.Add(), ast.BinOp(copy.deepcopy(vanishes), ast.Mult(), limit))


def _exp_difference(node: ast.expr) -> tuple[ast.expr, int] | None:
    """``(b, -1)`` for ``1 - exp(b)``, ``(b, 1)`` for ``exp(b) - 1``; None otherwise."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub)):
        return None
    if _is_one(node.left) and _is_exp(node.right):
        return node.right.args[0], -1  # type: ignore[attr-defined]
    if _is_exp(node.left) and _is_one(node.right):
        return node.left.args[0], 1  # type: ignore[attr-defined]
    return None


def _is_one(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and not isinstance(node.value, bool) and node.value == 1


def _is_exp(node: ast.expr) -> bool:
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords):
        return False
    func = node.func
    return isinstance(func, ast.Name) and func.id in _EXP or isinstance(func, ast.Attribute) and \
        isinstance(func.value, ast.Name) and func.value.id in _MODULES and func.attr in _EXP


def _limit(numerator: ast.expr, exponent: ast.expr, sign: int, parameters: set[str]) -> ast.expr | None:
    """The quotient's limit where ``exponent`` vanishes, when ``numerator`` is a multiple of it by a factor of
    ``parameters`` and literals."""
    import sympy  # only steps with such a quotient need it: importing the engine does not load it

    from bp_core.integration.sympy_tools import OPAQUE_PREFIX, SympyRender, sympy2str
    render = SympyRender()
    try:
        num, b = render.render_node(numerator), render.render_node(exponent)
        varying = {s for s in b.free_symbols if s.name not in parameters}
        if not varying:
            return None
        # exact rationals for the floats, so that cancelling finds the common factor
        ratio = sympy.cancel(sympy.nsimplify(num / b, rational=True))
    except (TypeError, ValueError, ZeroDivisionError, sympy.SympifyError):
        return None
    if ratio.free_symbols & varying or ratio.has(sympy.zoo, sympy.oo, sympy.nan) or ratio == 0:
        return None
    if any(s.name.startswith(OPAQUE_PREFIX) for s in ratio.free_symbols):
        return None  # an opaque part would have to be printed back
    limit = sign * ratio
    try:
        return ast.parse(sympy2str(limit if not limit.is_number else sympy.Float(limit)), mode="eval").body
    except SyntaxError:
        return None


REMOVABLE_SINGULARITIES = Pass("rate functions keep their limit", _run,
                               applies=lambda tree: any(_is_exp(n) for s in tree.body for n in ast.walk(s)))
