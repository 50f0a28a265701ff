"""Statements of kernel operations, built as syntax trees from fixed patterns.

An operation writes its lowering as a constant pattern of Python source whose upper-case names
are placeholders (``"IDX[0] = (IDX[0] + 1) % IDX[1]"``), and ``statements`` parses the pattern and
puts the operation's names, numbers or expressions in place of the placeholders, node by node.
No generated text is spliced into source, so a name can never change the code around it.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Iterable, Union

__all__ = ["Filler", "statements", "statement", "expression", "names_read"]

Filler = Union[str, int, float, bool, ast.expr]
"""What a placeholder stands for: a name (str), a number, or an expression."""


@lru_cache(maxsize=256)
def _parsed(pattern: str) -> ast.Module:
    return ast.parse(pattern)


def _filled(node: object, fillers: dict[str, Filler], prefixes: dict[str, str]) -> object:
    """A copy of ``node`` with its placeholders filled (a plain recursive copy: deepcopy is several times slower,
    and the kernel is rebuilt on every run)."""
    if isinstance(node, list):
        return [_filled(item, fillers, prefixes) for item in node]
    if not isinstance(node, ast.AST) or isinstance(node, ast.expr_context):
        return node
    if isinstance(node, ast.Name):
        if node.id in fillers:
            value = fillers[node.id]
            if isinstance(value, ast.expr):
                return _filled(value, {}, {})
            return ast.Name(value, node.ctx) if isinstance(value, str) else ast.Constant(value)
        head, sep, tail = node.id.partition("_")
        if sep and head in prefixes:  # Q_pos with prefix Q -> <queue>_pos
            return ast.Name(f"{prefixes[head]}_{tail}", node.ctx)
    new = node.__class__()
    for name, value in ast.iter_fields(node):
        setattr(new, name, _filled(value, fillers, prefixes))
    for name in node._attributes:
        if hasattr(node, name):
            setattr(new, name, getattr(node, name))
    return new


def statements(pattern: str, prefixes: dict[str, str] | None = None, **fillers: Filler) -> list[ast.stmt]:
    """The statements of ``pattern`` with each placeholder name replaced.

    Parameters
    ----------
    pattern : str
        Fixed Python source (never built from the operation's values).
    prefixes : dict, optional
        Placeholder prefix -> name prefix: with ``{'Q': 'q3'}``, ``Q_pos`` becomes ``q3_pos``.
    **fillers
        Placeholder -> a name (str), a number, or an expression node.
    """
    body = _filled(_parsed(pattern).body, fillers, prefixes or {})
    assert isinstance(body, list)
    return body


def statement(pattern: str, prefixes: dict[str, str] | None = None, **fillers: Filler) -> ast.stmt:
    """The one statement of ``pattern`` (see ``statements``)."""
    (stmt,) = statements(pattern, prefixes, **fillers)
    return stmt


def expression(pattern: str, prefixes: dict[str, str] | None = None, **fillers: Filler) -> ast.expr:
    """The expression ``pattern`` (see ``statements``)."""
    stmt = statement(pattern, prefixes, **fillers)
    assert isinstance(stmt, ast.Expr), pattern
    return stmt.value


def names_read(nodes: Iterable[ast.AST]) -> set[str]:
    """Every name ``nodes`` load (``a`` in ``a[0] = b`` too: storing into an array reads the array)."""
    return {node.id for root in nodes for node in ast.walk(root)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
