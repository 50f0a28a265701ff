"""Questions about a piece of AST that several passes ask."""

from __future__ import annotations

import ast
import copy
import math
from typing import Any, Callable, Mapping

import numpy as np

__all__ = ["COMPARISONS", "bound_names", "used_outside", "read_of", "PURE_FUNCTIONS", "is_invariant", "pure_helpers",
           "homogeneous_in", "factor_of", "math_call"]

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


PURE_FUNCTIONS = frozenset({
    "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "power", "pow", "sin", "cos", "tan",
    "arcsin", "arccos", "arctan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "abs", "fabs", "absolute",
    "floor", "ceil", "minimum", "maximum", "exp2", "square", "reciprocal", "sign", "heaviside", "clip", "fmin",
    "fmax", "arctan2", "hypot",
})
"""Functions of ``np`` / ``math`` without side effects, so calls to them may move out of the loop."""

_PURE_BUILTINS = frozenset({"exprel", "simd_exp", "simd_expm1", "decay_powers", "abs", "min", "max", "float"})
_CONSTANTS = frozenset({"pi", "e", "inf", "nan"})
_MODULES = frozenset({"np", "numpy", "math"})


def is_invariant(node: ast.AST, invariant: set[str], leaf: Callable[[ast.AST], bool] | None = None,
                 pure: frozenset[str] = frozenset()) -> bool:
    """Whether ``node`` is built of ``invariant`` names, literals and pure operations (or of ``leaf`` nodes).

    ``pure`` names the helper functions that declare themselves free of side effects (:func:`pure_helpers`).
    """
    if leaf is not None and leaf(node):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.Name):
        return node.id in invariant
    if isinstance(node, ast.Attribute):
        return isinstance(node.value, ast.Name) and node.value.id in _MODULES and node.attr in _CONSTANTS
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and is_invariant(node.operand, invariant, leaf, pure)
    if isinstance(node, ast.BinOp):
        return is_invariant(node.left, invariant, leaf, pure) and is_invariant(node.right, invariant, leaf, pure)
    if isinstance(node, ast.Call):
        return not node.keywords and _is_pure(node.func, pure) and \
            all(is_invariant(a, invariant, leaf, pure) for a in node.args)
    return False


def _is_pure(func: ast.expr, pure: frozenset[str] = frozenset()) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _PURE_BUILTINS or func.id in pure
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
        func.value.id in _MODULES and func.attr in PURE_FUNCTIONS


def pure_helpers(scope: Mapping[str, Any]) -> frozenset[str]:
    """Helper functions of a step's ``scope`` that declare themselves free of side effects (``bp_pure = True``)."""
    return frozenset(name for name, value in scope.items()
                     if callable(value) and getattr(value, "bp_pure", False) is True)


def homogeneous_in(node: ast.expr, x: str, invariant: set[str]) -> bool:
    """Whether ``node`` is the name ``x`` times a product of ``invariant`` names and literals (linear, no
    intercept): ``-x / tau``, ``x * a - x * b``."""
    if isinstance(node, ast.Name) and node.id == x:
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return homogeneous_in(node.operand, x, invariant)
    if isinstance(node, ast.BinOp):
        left, right = node.left, node.right
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return homogeneous_in(left, x, invariant) and homogeneous_in(right, x, invariant)
        if isinstance(node.op, ast.Mult):
            return homogeneous_in(left, x, invariant) and is_invariant(right, invariant) or \
                is_invariant(left, invariant) and homogeneous_in(right, x, invariant)
        if isinstance(node.op, ast.Div):
            return homogeneous_in(left, x, invariant) and is_invariant(right, invariant)
    return False


def factor_of(node: ast.expr, x: str) -> ast.expr:
    """A copy of ``node`` with the name ``x`` read as 1.0: the factor of an expression homogeneous in ``x``."""

    class _One(ast.NodeTransformer):
        def visit_Name(self, name: ast.Name) -> ast.expr:
            return ast.Constant(1.0) if name.id == x else name

    return _One().visit(copy.deepcopy(node))


_MATH_NAMES = ("exp", "expm1")


def math_call(call: ast.Call, scope: Mapping[str, Any]) -> str | None:
    """``'exp'`` or ``'expm1'`` where ``call`` calls NumPy's or ``math``'s function of that name with one argument
    (as ``np.exp``, ``math.exp`` or a name of the step's module bound to one), else None."""
    if len(call.args) != 1 or call.keywords or isinstance(call.args[0], ast.Starred):
        return None
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in _MODULES:
        return func.attr if func.attr in _MATH_NAMES else None
    if isinstance(func, ast.Name):
        value = scope.get(func.id)
        for name in _MATH_NAMES:
            # identity, not ==: a module's value may compare element-wise (an array) or symbolically
            if value is getattr(np, name) or value is getattr(math, name):
                return name
    return None
