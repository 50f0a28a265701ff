"""Functions of the user's that a derivative function calls, inlined for the symbolic reader.

A derivative function may compute its right-hand side with helpers of its own (a membrane current written once
for two coupled cells); the simulation calls them, and the analyses read the right-hand side as one sympy
expression, so each call is replaced by the helper's returned expression with the call's arguments in place of
its parameters. Names the helper reads from outside take the values they have in the helper's own scope (its
closure, then its module): a number there is a constant of the equation, as it is in the simulation, even where
the derivative function has a variable of the same name.
"""

from __future__ import annotations

import ast
import copy
import inspect
import textwrap
import types
from typing import Any, Callable

from bp_core.errors import ModelUseError
from bp_core.integration.diff_equation import BUILTIN, MISSING, DiffEquation, is_numeric_parameter, lookup_global

__all__ = ["inline_helpers", "is_helper"]

MODULE_NAMES = ("np", "numpy", "math")
#: Helpers calling helpers are inlined to this depth (deeper is taken as recursion).
DEPTH = 8


def is_helper(value: Any) -> bool:
    """True for a function written in Python (a ``def`` or a lambda), which the reader inlines."""
    return isinstance(value, types.FunctionType)


def inline_helpers(eq: DiffEquation) -> tuple[list[ast.stmt], ast.expr]:
    """``eq``'s body and drift with every call of a helper replaced by the expression it returns.

    Raises
    ------
    ModelUseError
        When a helper's source cannot be read, it is more than assignments and one return, it is called with
        keyword arguments or the wrong number of them, or it reads a name that is neither a number nor a module.
    """
    body = [_Inliner(eq.func, eq.func_name, 0).visit(copy.deepcopy(stmt)) for stmt in eq.body]
    return body, _Inliner(eq.func, eq.func_name, 0).visit(copy.deepcopy(eq.f_expr))


class _Substituter(ast.NodeTransformer):
    def __init__(self, mapping: dict[str, ast.expr]):
        self.mapping = mapping

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and node.id in self.mapping:
            return copy.deepcopy(self.mapping[node.id])
        return node


class _Inliner(ast.NodeTransformer):
    def __init__(self, scope: Callable, where: str, depth: int):
        self.scope, self.where, self.depth = scope, where, depth

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Name):
            return node
        helper = lookup_global(self.scope, node.func.id)
        if not is_helper(helper):
            return node
        if self.depth >= DEPTH:
            raise ModelUseError(f"{self.where!r} calls {node.func.id!r} {DEPTH} levels deep; the analyses read "
                                "helper functions that end in an expression, not recursion.")
        return _expand(helper, node, self.where, self.depth + 1)


def _definition(helper: Callable, where: str) -> ast.FunctionDef | ast.Lambda:
    name = helper.__name__
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(helper)))
    except (OSError, TypeError, SyntaxError):
        raise ModelUseError(f"{where!r} calls {name!r}, whose source cannot be read; define it with 'def' in a "
                            "file or a notebook cell.") from None
    nodes = [n for n in ast.walk(tree) if (isinstance(n, ast.FunctionDef) and n.name == name)
             or (name == "<lambda>" and isinstance(n, ast.Lambda))]
    if len(nodes) != 1:
        raise ModelUseError(f"{where!r} calls {name!r}, whose definition cannot be told apart in its source; "
                            "define it with 'def'.")
    return nodes[0]


def _expand(helper: Callable, call: ast.Call, where: str, depth: int) -> ast.expr:
    name = helper.__name__
    node = _definition(helper, where)
    params = [a.arg for a in node.args.args]
    defaults = list(helper.__defaults__ or ())
    if call.keywords or node.args.vararg or node.args.kwarg or node.args.kwonlyargs \
            or not len(params) - len(defaults) <= len(call.args) <= len(params):
        raise ModelUseError(f"{where!r} calls {name!r} with {len(call.args)} positional argument(s) and "
                            f"{len(call.keywords)} keyword(s); the analyses read a helper called with its "
                            f"parameters ({', '.join(params)}) by position.")
    mapping: dict[str, ast.expr] = dict(zip(params, call.args))
    for param, value in zip(params[len(call.args):], defaults[len(defaults) - (len(params) - len(call.args)):]):
        mapping[param] = _constant(value, param, name)
    statements = [ast.Return(value=node.body)] if isinstance(node, ast.Lambda) else list(node.body)
    if statements and isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
        statements = statements[1:]  # the docstring
    inner = _Inliner(helper, where, depth)
    for i, stmt in enumerate(statements):
        last = i == len(statements) - 1
        if last and isinstance(stmt, ast.Return) and stmt.value is not None:
            return inner.visit(_Substituter(_outer(stmt.value, mapping, helper, name)).visit(copy.deepcopy(stmt.value)))
        if not last and isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            value = stmt.value
        elif not last and isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            value = ast.BinOp(left=ast.Name(stmt.target.id, ast.Load()), op=stmt.op, right=stmt.value)
        else:
            break
        target = stmt.targets[0].id if isinstance(stmt, ast.Assign) else stmt.target.id
        mapping[target] = inner.visit(_Substituter(_outer(value, mapping, helper, name)).visit(copy.deepcopy(value)))
    raise ModelUseError(f"{where!r} calls {name!r}, which is not assignments followed by one return; the "
                        "analyses read a helper whose result is one expression (no branches, loops or early "
                        "returns).")


def _outer(node: ast.AST, mapping: dict[str, ast.expr], helper: Callable, name: str) -> dict[str, ast.expr]:
    """``mapping`` with the numbers read from the helper's scope as constants."""
    outer = dict(mapping)
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Name) or sub.id in outer or sub.id in MODULE_NAMES:
            continue
        value = lookup_global(helper, sub.id)
        if value is MISSING:
            raise ModelUseError(f"helper {name!r} reads {sub.id!r}, which is not defined; define it or pass it "
                                "as an argument.")
        if is_numeric_parameter(value):
            outer[sub.id] = _constant(value, sub.id, name)
        elif not (value is BUILTIN or is_helper(value) or isinstance(value, types.ModuleType) or callable(value)):
            raise ModelUseError(f"helper {name!r} reads {sub.id!r} = {value!r}; the analyses read numbers, "
                                "modules and functions there.")
    return outer


def _constant(value: Any, param: str, name: str) -> ast.expr:
    if not is_numeric_parameter(value) or getattr(value, "ndim", 0):
        raise ModelUseError(f"helper {name!r}: {param!r} is {value!r}; the analyses read one number there.")
    number = float(value)
    return ast.UnaryOp(ast.USub(), ast.Constant(-number)) if number < 0 else ast.Constant(number)
