"""Numeric literals that follow the profile's float type.

Under numba, ``float32 * 0.5`` and ``float32 + 40`` are computed in float64: a Python literal is a
float64 (an int an int64), and mixed arithmetic promotes. With
``bp.profile.set(float_type='float32')`` the state and the parameters are float32, so every
literal in a step's arithmetic would turn the whole expression, and every local it reaches,
back to float64 and make float32 slower than float64. This pass writes those literals as
``np.float32(...)`` (numba folds the call into a constant).

Float literals are converted wherever they are operands of arithmetic or assigned to a local;
int literals only as operands of arithmetic that does not compute an index: not inside a
subscript or ``range(...)``, not next to a name the function uses as an index, and not in a value
assigned to such a name. Exponents
stay as they are (``x ** 2`` keeps float32 and the fast integer power).
"""

from __future__ import annotations

import ast

import numpy as np

from bp_core.codegen.tree import Pass, StepTree

__all__ = ["FOLLOW_FLOAT_TYPE", "follow_float_type"]


def follow_float_type(statements: list[ast.stmt], float_type: type) -> list[ast.stmt]:
    """Rewrite the literals of ``statements`` (a step's body) to ``float_type`` (no-op for float64)."""
    if np.dtype(float_type) == np.float64:
        return statements
    name = np.dtype(float_type).name
    module = ast.Module(body=statements, type_ignores=[])
    _Literals(name, _index_names(module)).visit(module)
    return [ast.fix_missing_locations(s) for s in module.body]


def _index_names(module: ast.Module) -> set[str]:
    """Names used in subscripts and ``range(...)``, and names computed from them."""
    names: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Subscript):
            names |= {n.id for n in ast.walk(node.slice) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("range", "len"):
            names |= {n.id for a in node.args for n in ast.walk(a) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    changed = True
    while changed:  # x = i + 1 with i an index makes x one
        changed = False
        for node in ast.walk(module):
            if isinstance(node, ast.Assign) and _integer_like(node.value, names) and \
                    any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node.value)):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in names:
                        names.add(target.id)
                        changed = True
    return names


def _outer_names(node: ast.AST) -> set[str]:
    """Names in ``node`` outside the index of any subscript (``V[i] + 1`` mentions ``V``, not ``i``)."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Subscript):
        return _outer_names(node.value)
    return {name for child in ast.iter_child_nodes(node) for name in _outer_names(child)}


def _integer_like(node: ast.expr, names: set[str]) -> bool:
    """An expression of index names, int literals and + - * // % only."""
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)) and \
            _integer_like(node.left, names) and _integer_like(node.right, names)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.USub) and _integer_like(node.operand, names)
    return False


class _Literals(ast.NodeTransformer):
    def __init__(self, type_name: str, index_names: set[str]):
        self.type_name = type_name
        self.index_names = index_names
        self._index_depth = 0

    def _wrap(self, node: ast.expr, ints: bool) -> ast.expr:
        value = node.value if isinstance(node, ast.Constant) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return node
        if isinstance(value, int) and not ints:
            return node
        call = ast.Call(ast.Attribute(ast.Name("np", ast.Load()), self.type_name, ast.Load()),
                        [ast.Constant(float(value))], [])
        return ast.copy_location(call, node)

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        node.value = self.visit(node.value)
        self._index_depth += 1
        node.slice = self.visit(node.slice)
        self._index_depth -= 1
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id in ("range", "len"):
            return node
        self.generic_visit(node)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if self._index_depth:
            return node
        ints = not (_outer_names(node) & self.index_names)
        node.left = self._wrap(node.left, ints)
        if not isinstance(node.op, ast.Pow):
            node.right = self._wrap(node.right, ints)
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.USub) and not self._index_depth:
            node.operand = self._wrap(node.operand, ints=False)
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        if any(isinstance(t, ast.Name) and t.id in self.index_names for t in node.targets):
            # the value becomes an index (j = idx[k] - 3200): its int literals stay ints
            self._index_depth += 1
            self.generic_visit(node)
            self._index_depth -= 1
            return node
        self.generic_visit(node)
        if all(isinstance(t, ast.Name) for t in node.targets):
            node.value = self._wrap(node.value, ints=False)
        return node


def _run(tree: StepTree) -> None:
    tree.prelude = follow_float_type(tree.prelude, tree.inputs.float_type)
    tree.body = follow_float_type(tree.body, tree.inputs.float_type)


FOLLOW_FLOAT_TYPE = Pass("follow the float type", _run,
                         applies=lambda tree: np.dtype(tree.inputs.float_type) != np.float64)
