"""Index checks of a step run on a GPU (the safe mode's bounds checking, as numba's ``boundscheck`` on the CPU).

Compiled GPU code checks no index: an element out of range reads or writes whatever memory lies
there. In the safe mode every index of user data in a step kernel goes through the device function
``checked_index``, in place, so Python's order of evaluation is kept (a conditional expression checks
only the branch it takes)::

    post_ge[j] += w     ->    post_ge[checked_index(j, post_ge.shape[0], _gpu_bad, _gpu_step * 2**20 + 51)] += w

An index in range (negative ones counted from the end, as Python and numba do) is returned as it is;
one out of range lowers the device value ``_gpu_bad`` to ``step * 2**20 + line`` (the earliest step, then
the smallest of the user's lines) and is replaced by 0, so the thread touches no memory outside the
array. The host reads the value between chunks of steps, refuses the run naming the step and the line,
and keeps the state the run started from. The index of ``cuda.atomic.add`` (the device form of a shared
``+=``) is checked the same way. The grid's own element (``_obj_i``, below the count of the grid) and
slices (which clip, as NumPy's) are not checked.
"""

from __future__ import annotations

import ast

from bp_core.codegen.tree import StepTree, origin

__all__ = ["BOUNDS_ARG", "LINE_BITS", "check_indices"]

BOUNDS_ARG = "_gpu_bad"
"""Kernel argument: one int64, ``step * 2**LINE_BITS + line`` of the earliest index out of range."""
LINE_BITS = 20
_CHECK = "checked_index"
_UNCHECKED = {"_obj_i"}


def check_indices(tree: StepTree, step_arg: str) -> bool:
    """Route every index of user data in ``tree``'s grid through ``checked_index``; whether any was found."""
    checker = _Checker(step_arg)
    for part in (tree.prelude, tree.body):
        checker.block(part, None)
    return checker.found


class _Checker(ast.NodeTransformer):
    def __init__(self, step_arg: str):
        self.step_arg = step_arg
        self.line: int | None = None
        self.found = False

    def block(self, statements: list[ast.stmt], parent: int | None) -> None:
        for stmt in statements:
            line = origin(stmt) if origin(stmt) is not None else parent
            for name, child in ast.iter_fields(stmt):
                if isinstance(child, list) and child and isinstance(child[0], ast.stmt):
                    self.block(child, line)
                elif isinstance(child, ast.expr):
                    self.line = line
                    setattr(stmt, name, self.visit(child))
                elif isinstance(child, list):
                    self.line = line
                    setattr(stmt, name, [self.visit(c) if isinstance(c, ast.expr) else c for c in child])

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.slice, ast.Tuple):
            node.slice.elts = [self.wrap(node.value, index, dim) for dim, index in enumerate(node.slice.elts)]
        else:
            node.slice = self.wrap(node.value, node.slice, 0)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if ast.unparse(node.func) == "cuda.atomic.add" and len(node.args) == 3:
            node.args[1] = self.wrap(node.args[0], node.args[1], 0)
        return node

    def wrap(self, array: ast.expr, index: ast.expr, dim: int) -> ast.expr:
        if isinstance(index, ast.Slice) or isinstance(index, ast.Name) and index.id in _UNCHECKED:
            return index
        if isinstance(array, ast.Name) and array.id.startswith("_events") or isinstance(array, ast.Attribute):
            return index  # the engine's own event list, indexed below its count; an array's shape
        self.found = True
        code = f"{self.step_arg} * {2 ** LINE_BITS} + {self.line or 0}"
        call = ast.parse(f"{_CHECK}(0, ({ast.unparse(array)}).shape[{dim}], {BOUNDS_ARG}, {code})",
                         mode="eval").body
        call.args[0] = index
        return call
