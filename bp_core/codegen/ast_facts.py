"""Questions about a piece of AST that several passes ask."""

from __future__ import annotations

import ast
import copy

__all__ = ["COMPARISONS", "bound_names", "used_outside", "read_of"]

COMPARISONS = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
"""Comparison nodes and the operator text runtime helpers take."""


def bound_names(body: list[ast.stmt]) -> set[str]:
    """Names the body binds or writes through (``x = ...``, ``x[...] = ...``, ``x += ...``)."""
    out: set[str] = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                out.add(node.id)
            elif isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store):
                base = node.value
                while isinstance(base, (ast.Subscript, ast.Attribute)):
                    base = base.value
                if isinstance(base, ast.Name):
                    out.add(base.id)
    return out


def used_outside(function: ast.Module, loop: ast.For, name: str) -> bool:
    """Whether ``name`` appears in ``function`` outside ``loop``."""
    inside = {id(n) for n in ast.walk(loop)}
    return any(isinstance(n, ast.Name) and n.id == name and id(n) not in inside for n in ast.walk(function))


def read_of(target: ast.expr) -> ast.expr:
    """A copy of the assignment target ``target`` that reads it (``X[i]`` of ``X[i] += v``)."""
    node = copy.deepcopy(target)
    for sub in ast.walk(node):
        if hasattr(sub, "ctx"):
            sub.ctx = ast.Load()
    return node
