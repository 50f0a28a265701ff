"""Questions about the statements of an element loop (``for _obj_i in range(n)``) that splitting it asks.

``_obj_i`` is the element; an array indexed by it alone is read or written at the element's own place.
"""

from __future__ import annotations

import ast

from bp_core.codegen.ast_facts import PURE_FUNCTIONS

__all__ = ["ELEMENT", "assigned", "array_of", "straight_line", "arithmetic", "parents_of", "at_element", "or_update",
           "written_arrays", "leaves_loop", "binds_float", "float_expression"]

ELEMENT = "_obj_i"
"""The element loop's variable."""

_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_CASTS = frozenset({"float32", "float64"})
_BUILTINS = frozenset({"abs", "min", "max", "float", "exprel", "simd_exp", "simd_expm1"})
_MODULES = frozenset({"np", "numpy", "math"})


def binds_float(name: str, first: list[ast.stmt], rows: set[str]) -> bool:
    """Whether ``first`` binds ``name`` to a float, whatever the types of the values it reads but own fields."""
    floats: set[str] = set()
    for stmt in first:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            if float_expression(stmt.value, floats, rows):
                floats.add(stmt.targets[0].id)
            else:
                floats.discard(stmt.targets[0].id)
        else:
            for t in assigned(stmt):
                if isinstance(t, ast.Name):
                    floats.discard(t.id)
    return name in floats


def float_expression(node: ast.expr, floats: set[str], rows: set[str]) -> bool:
    """Whether ``node`` is a float: a float literal, a local of ``floats``, an element of a float field of ``rows``,
    a division, or ``+ - *`` with a float operand."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, float)
    if isinstance(node, ast.Name):
        return node.id in floats
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id in rows
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Div):
            return True
        return isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)) and \
            (float_expression(node.left, floats, rows) or float_expression(node.right, floats, rows))
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and float_expression(node.operand, floats, rows)
    return False


def assigned(stmt: ast.stmt) -> list[ast.expr]:
    """The targets an assignment binds or stores into (a tuple's elements one by one); [] for other statements."""
    if isinstance(stmt, ast.Assign):
        return [e for t in stmt.targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
    if isinstance(stmt, ast.AugAssign):
        return [stmt.target]
    return []


def array_of(node: ast.Subscript) -> str:
    """The name of the array ``node`` indexes ('' when it is not a name)."""
    return node.value.id if isinstance(node.value, ast.Name) else ""


def straight_line(stmt: ast.stmt) -> bool:
    """An assignment of arithmetic to locals or to ``array[_obj_i]``: nothing that branches, draws or calls."""
    if not isinstance(stmt, (ast.Assign, ast.AugAssign)) or not assigned(stmt):
        return False
    for target in assigned(stmt):
        if isinstance(target, ast.Subscript):
            if not (isinstance(target.value, ast.Name) and isinstance(target.slice, ast.Name)
                    and target.slice.id == ELEMENT):
                return False
        elif not isinstance(target, ast.Name):
            return False
    return arithmetic(stmt.value)


def arithmetic(node: ast.expr) -> bool:
    """Whether ``node`` is built of literals, names, array elements, operators and pure functions (nothing that
    draws random numbers or has effects)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float, bool))
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.Attribute):
        return isinstance(node.value, ast.Name) and node.value.id in _MODULES
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, _OPS) and arithmetic(node.left) and arithmetic(node.right)
    if isinstance(node, ast.UnaryOp):
        return arithmetic(node.operand)
    if isinstance(node, ast.Compare):
        return all(arithmetic(n) for n in [node.left, *node.comparators])
    if isinstance(node, ast.BoolOp):
        return all(arithmetic(v) for v in node.values)
    if isinstance(node, ast.IfExp):
        return all(arithmetic(n) for n in (node.test, node.body, node.orelse))
    if isinstance(node, ast.Tuple):
        return all(arithmetic(e) for e in node.elts)
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and arithmetic(node.slice)
    if isinstance(node, ast.Call):
        func = node.func
        pure = isinstance(func, ast.Name) and func.id in _BUILTINS or \
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
            func.value.id in _MODULES and (func.attr in PURE_FUNCTIONS or func.attr in _CASTS)
        return pure and not node.keywords and all(arithmetic(a) for a in node.args)
    return False


def parents_of(nodes: list[ast.AST]) -> dict[int, ast.AST]:
    """``id(child)`` -> its parent node, over ``nodes``."""
    return {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}


def at_element(name: ast.Name, parents: dict[int, ast.AST]) -> bool:
    """Whether ``name`` is used as ``name[_obj_i]``."""
    parent = parents.get(id(name))
    return isinstance(parent, ast.Subscript) and parent.value is name and \
        isinstance(parent.slice, ast.Name) and parent.slice.id == ELEMENT


def or_update(name: ast.Name, parents: dict[int, ast.AST]) -> bool:
    """Whether ``name`` is the target of ``|=``."""
    parent = parents.get(id(name))
    return isinstance(parent, ast.AugAssign) and parent.target is name and isinstance(parent.op, ast.BitOr)


def written_arrays(statements: list[ast.stmt]) -> set[str]:
    """Arrays ``statements`` may write: stored through a subscript, or used otherwise than read at an index or
    for their ``shape`` (passed to a call, bound to another name)."""
    nodes = [n for s in statements for n in ast.walk(s)]
    parents = parents_of(nodes)
    out = set()
    for node in nodes:
        if not isinstance(node, ast.Name):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if not isinstance(parent.ctx, ast.Load):
                out.add(node.id)
        elif isinstance(parent, ast.Attribute) and parent.attr == "shape":
            continue
        elif isinstance(node.ctx, ast.Load):
            out.add(node.id)
    return out


def leaves_loop(statements: list[ast.stmt]) -> bool:
    """Whether a ``break`` leaves the loop these statements are the body of (not one of an inner loop)."""
    for stmt in statements:
        if isinstance(stmt, ast.Break):
            return True
        if isinstance(stmt, (ast.For, ast.While)):
            continue  # its breaks are its own (its else runs in this loop, checked below)
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt) and leaves_loop(inner):
                return True
        if any(leaves_loop(h.body) for h in getattr(stmt, "handlers", [])):
            return True
    return any(isinstance(s, (ast.For, ast.While)) and leaves_loop(s.orelse) for s in statements)
