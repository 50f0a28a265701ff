"""Rendering a derivative function's body as source code at a given point.

Every method evaluates ``f`` (and ``g``) at one or more points: the start of the
step and its stages. :func:`evaluate` writes the user's statements once per point,
with the variable, time and locals renamed, so the generated step is plain,
readable straight-line Python. The same renderer serves standalone integrators
and the inlined integrators of compiled networks.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm
from typing import Callable, Sequence

from bp_core.integration.diff_equation import DiffEquation, _loaded_names, _stored_names

__all__ = ["NameAllocator", "StepContext", "Evaluation", "StepCode", "evaluate", "linear_combination",
           "RenameTransformer"]


class NameAllocator:
    """Hands out identifiers that collide with nothing already taken."""

    def __init__(self, taken: Sequence[str] = ()):
        self.taken = set(taken)

    def reserve(self, *names: str) -> None:
        """Mark ``names`` as used."""
        self.taken.update(names)

    def fresh(self, preferred: str) -> str:
        """Return ``preferred`` if free, else ``preferred_2``, ``preferred_3``, ..."""
        name, k = preferred, 2
        while name in self.taken:
            name, k = f"{preferred}_{k}", k + 1
        self.taken.add(name)
        return name


@dataclass
class StepContext:
    """Where the rendered step reads its inputs and how it names its temporaries.

    Attributes
    ----------
    x, t, dt : str
        Names (or expressions) of the current value, the time and the step size.
    args : dict
        Argument and parameter name of the derivative function -> name or expression in the caller.
    names : NameAllocator
        Source of fresh temporaries.
    dW : str, optional
        Name of the Wiener increment of this step (SDEs).
    result : str
        Preferred name of the new value.
    local_prefix : str
        Prefix for the function's locals at the start point ('' keeps their names, which
        the caller must then have reserved).
    """

    x: str
    t: str
    dt: str
    args: dict[str, str]
    names: NameAllocator
    dW: str | None = None
    result: str = ""
    local_prefix: str = ""


@dataclass
class Evaluation:
    """The code evaluating a derivative at one point, and the names holding f, g and extras."""

    lines: list[str]
    f: str | None
    g: str | None
    extras: list[str] = field(default_factory=list)
    renamer: "RenameTransformer | None" = None


@dataclass
class StepCode:
    """Code of one integration step: ``lines`` leave the new value in ``result``.

    Methods write their steps as lines of source (sympy prints the derivatives); code generators
    take them as a tree with ``statements()`` and ``value()``.
    """

    lines: list[str]
    result: str
    extras: list[str]

    def statements(self) -> list[ast.stmt]:
        """The step's statements, as AST."""
        return ast.parse("\n".join(self.lines)).body if self.lines else []

    def value(self) -> ast.expr:
        """The expression the integrator call becomes: the new value, or a tuple with the extra results."""
        result = ast.Name(self.result, ast.Load())
        if not self.extras:
            return result
        return ast.Tuple([result] + [ast.parse(e, mode="eval").body for e in self.extras], ast.Load())


class RenameTransformer(ast.NodeTransformer):
    """Replace names: loads by expressions, stores by new names."""

    def __init__(self, loads: dict[str, ast.expr], stores: dict[str, str]):
        self.loads = loads
        self.stores = stores

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load):
            if node.id in self.stores:
                return ast.copy_location(ast.Name(self.stores[node.id], ast.Load()), node)
            if node.id in self.loads:
                return copy.deepcopy(self.loads[node.id])
            return node
        return ast.copy_location(ast.Name(self.stores.get(node.id, node.id), node.ctx), node)


def _as_expr(code: str) -> ast.expr:
    return ast.parse(code, mode="eval").body


def _is_name(code: str) -> bool:
    return code.isidentifier()


def _needed_statements(eq: DiffEquation, outputs: list[ast.expr]) -> list[ast.stmt]:
    """Drop statements whose results no output needs (straight-line bodies only)."""
    if not eq.is_straight_line:
        return list(eq.body)
    needed = _loaded_names(outputs)
    kept = []
    for stmt in reversed(eq.body):
        targets = set(_stored_names([stmt]))
        if targets & needed:
            kept.append(stmt)
            if not isinstance(stmt, ast.AugAssign):
                needed -= targets
            needed |= _loaded_names(stmt)
    return kept[::-1]


def evaluate(eq: DiffEquation, ctx: StepContext, x: str, t: str, tag: str | None = None,
             want: str = "fg", before_statement: Callable[[ast.stmt, RenameTransformer], list[str]] | None = None
             ) -> Evaluation:
    """Write the code evaluating ``eq`` at the point ``(x, t)``.

    Parameters
    ----------
    eq : DiffEquation
    ctx : StepContext
    x, t : str
        Names or expressions of the point.
    tag : str, optional
        Suffix of this point's temporaries; None for the start of the step.
    want : str
        Which results are needed: any of 'f', 'g', 'e' (extras).
    before_statement : callable, optional
        Called with each statement and the renamer in effect; its lines are written
        before the statement (exponential Euler writes derivatives there).

    Returns
    -------
    Evaluation
    """
    outputs = ([eq.f_expr] if "f" in want else []) + ([eq.g_expr] if "g" in want and eq.g_expr else []) \
        + (eq.extra_exprs if "e" in want else [])
    statements = eq.body if before_statement else _needed_statements(eq, outputs)
    loads = {eq.var_name: _as_expr(x), eq.t_name: _as_expr(t)}
    loads.update({name: _as_expr(code) for name, code in ctx.args.items()})
    stores = {}
    for local in _stored_names(statements):
        if tag is None and not ctx.local_prefix:
            stores[local] = local
        elif tag is None:
            stores[local] = ctx.names.fresh(f"{ctx.local_prefix}{local}")
        else:
            stores[local] = ctx.names.fresh(f"{ctx.local_prefix or '_'}{local}_{tag}")
    renamer = RenameTransformer(loads, stores)
    lines: list[str] = []
    for stmt in statements:
        if before_statement is not None:
            lines += before_statement(stmt, renamer)
        # each line says where it came from (in the standalone integrator's source; a network's translation
        # reads the lines as a tree, where the comment falls away and the line map takes over)
        lines += [f"{text}  # {eq.where(stmt)}" for text in ast.unparse(renamer.visit(copy.deepcopy(stmt))).split("\n")]
    suffix = "" if tag is None else f"_{tag}"

    def result(node: ast.expr | None, preferred: str) -> str | None:
        if node is None:
            return None
        code = ast.unparse(renamer.visit(copy.deepcopy(node)))
        if _is_name(code):
            return code
        name = ctx.names.fresh(preferred + suffix)
        lines.append(f"{name} = {code}  # {eq.where(node)}")
        return name

    var = eq.var_name
    f = result(eq.f_expr, f"_d{var}_dt") if "f" in want else None
    g = result(eq.g_expr, f"_g_{var}") if "g" in want else None
    extras = [ast.unparse(renamer.visit(copy.deepcopy(e))) for e in eq.extra_exprs] if "e" in want else []
    return Evaluation(lines, f, g, extras, renamer)


def _coefficient_text(c: float | Fraction) -> Fraction | float:
    """Return ``c`` as an exact small fraction when it is one, else as a float."""
    if isinstance(c, Fraction):
        return c
    frac = Fraction(c).limit_denominator(1000)
    return frac if float(frac) == float(c) else float(c)


def linear_combination(dt: str, coefficients: Sequence[float | Fraction], terms: Sequence[str]) -> str:
    """Write ``dt * sum(c_i * term_i)`` readably, with a common denominator for fractions.

    Examples
    --------
    >>> linear_combination('_dt', [Fraction(1, 6), Fraction(1, 3), Fraction(1, 3), Fraction(1, 6)],
    ...                    ['k1', 'k2', 'k3', 'k4'])
    '_dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6'
    """
    pairs = [(_coefficient_text(c), term) for c, term in zip(coefficients, terms) if c != 0]
    if all(isinstance(c, Fraction) for c, _ in pairs):
        denominator = lcm(*[c.denominator for c, _ in pairs])
        pairs = [(int(c * denominator), term) for c, term in pairs]
    else:
        denominator = 1
    text = ""
    for c, term in pairs:
        sign = "-" if c < 0 else "+"
        magnitude = abs(c)
        piece = term if magnitude == 1 else f"{magnitude!r} * {term}"
        text += (f" {sign} " if text else ("-" if sign == "-" else "")) + piece
    if len(pairs) > 1 or text.startswith("-"):
        text = f"({text})"
    return f"{dt} * {text}" + (f" / {denominator}" if denominator != 1 else "")
