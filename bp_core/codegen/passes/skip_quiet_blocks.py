"""Event scans that skip quiet blocks.

Synapse steps find the neurons that spiked with a loop like::

    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            ...deliver...

Spikes are rare (a few per thousand neurons per step), yet the test runs once per element
and, because the delivery code sits inside the loop, LLVM cannot vectorize it: at 20 Hz in a
4000-neuron network the scan costs as much as the delivery. The generator rewrites such a
loop to test 64 elements at a time with a vectorized count (``any_in_block``) and to run the
original loop only over blocks that hold a match::

    for _b in range(0, _n, 64):
        if _b + 64 > _full or any_in_block(spikes, _b, '>', 0.0):
            for i in range(_b, min(_b + 64, _n)):
                if spikes[i] > 0.:
                    ...deliver...

A block with no match would run no delivery in the original either, so the result is the
same; the rewrite applies only when the test has no side effects, the body does not
``break`` out of the loop or change what the test reads, and the loop variable is not used
after the loop.
"""

from __future__ import annotations

import ast

from bp_core.codegen.ast_facts import COMPARISONS, bound_names, used_outside
from bp_core.codegen.tree import Pass, StepTree, located, origin
from bp_core.integration.rendering import NameAllocator

__all__ = ["SKIP_QUIET_BLOCKS", "skip_quiet_blocks", "BLOCK"]

BLOCK = 64
"""Elements tested at once (a whole number of SIMD registers)."""

_MIRRORED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}


def skip_quiet_blocks(statements: list[ast.stmt], names: NameAllocator) -> list[ast.stmt]:
    """Rewrite every sparse event scan in ``statements`` (a function body) to skip quiet blocks."""
    function = ast.Module(body=statements, type_ignores=[])
    _Rewriter(function, names).visit(function)
    return function.body


class _Rewriter(ast.NodeTransformer):
    def __init__(self, function: ast.Module, names: NameAllocator):
        self.function = function
        self.names = names

    def visit_For(self, node: ast.For) -> ast.AST | list[ast.stmt]:
        self.generic_visit(node)
        scan = self._match(node)
        if scan is None:
            return node
        values, op, threshold = scan
        i = node.target.id
        prefix: list[ast.stmt] = []
        if not isinstance(values, ast.Name):
            bound = self.names.fresh("_scanned")
            prefix.append(ast.parse(f"{bound} = {ast.unparse(values)}").body[0])
            values = ast.Name(bound, ast.Load())
            test = node.body[0].test
            _replace_subscript_base(test, bound)
        n, full, b = self.names.fresh("_n"), self.names.fresh("_full"), self.names.fresh("_b")
        v = values.id
        size = ast.unparse(node.iter.args[-1])
        text = (f"{n} = {size}\n"
                f"{full} = min({n}, {v}.shape[0]) // {BLOCK} * {BLOCK}\n"
                f"for {b} in range(0, {n}, {BLOCK}):\n"
                f"    if {b} + {BLOCK} > {full} or any_in_block({v}, {b}, {op!r}, {ast.unparse(threshold)}):\n"
                f"        for {i} in range({b}, min({b} + {BLOCK}, {n})):\n"
                f"            pass\n")
        new = ast.parse(text).body
        inner = new[2].body[0].body[0]
        inner.body = node.body
        return located([ast.copy_location(s, node) for s in prefix + new], origin(node))

    def _match(self, node: ast.For) -> tuple[ast.expr, str, ast.expr] | None:
        """``(values, op, threshold)`` when ``node`` is a sparse scan that may be rewritten."""
        if not (isinstance(node.target, ast.Name) and not node.orelse and len(node.body) == 1 and
                isinstance(node.body[0], ast.If) and not node.body[0].orelse and _is_range(node.iter)):
            return None
        i, test, body = node.target.id, node.body[0].test, node.body[0].body
        match = _comparison(test, i)
        if match is None:
            return None
        values, op, threshold = match
        written = bound_names(body)
        read = {n.id for n in ast.walk(values) if isinstance(n, ast.Name)}
        if isinstance(threshold, ast.Name):
            read.add(threshold.id)
        if i in written or read & written or _breaks(body) or used_outside(self.function, node, i):
            return None
        return values, op, threshold


def _is_range(node: ast.expr) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"
            and not node.keywords):
        return False
    if len(node.args) == 2:
        return isinstance(node.args[0], ast.Constant) and node.args[0].value == 0
    return len(node.args) == 1


def _comparison(test: ast.expr, i: str) -> tuple[ast.expr, str, ast.expr] | None:
    """``values[i] <op> threshold`` (either way round), or a bare ``values[i]`` (``!= 0``)."""
    if _is_element(test, i):
        return test.value, "!=", ast.Constant(0.0)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in COMPARISONS):
        return None
    op = COMPARISONS[type(test.ops[0])]
    left, right = test.left, test.comparators[0]
    if _is_element(left, i) and _is_threshold(right):
        return left.value, op, right
    if _is_element(right, i) and _is_threshold(left):
        return right.value, _MIRRORED[op], left
    return None


def _is_element(node: ast.expr, i: str) -> bool:
    """``values[i]`` where ``values`` is a name or a constant slice of one (no calls, no side effects)."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name) and node.slice.id == i):
        return False
    base = node.value
    if isinstance(base, ast.Name):
        return True
    return isinstance(base, ast.Subscript) and isinstance(base.value, ast.Name) and \
        isinstance(base.slice, ast.Slice) and all(part is None or isinstance(part, ast.Constant)
                                                  for part in (base.slice.lower, base.slice.upper, base.slice.step))


def _is_threshold(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Name) or (isinstance(node, ast.Constant) and isinstance(node.value, (int, float)))


def _breaks(body: list[ast.stmt]) -> bool:
    """Whether a ``break`` in ``body`` leaves the scanned loop (not one of its inner loops)."""
    for stmt in body:
        if isinstance(stmt, ast.Break):
            return True
        if isinstance(stmt, (ast.For, ast.While)):
            if _breaks(stmt.orelse):
                return True
            continue
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            continue
        children = [c for c in ast.iter_child_nodes(stmt) if isinstance(c, ast.stmt)]
        children += [s for h in getattr(stmt, "handlers", []) for s in h.body]
        if _breaks(children):
            return True
    return False


def _replace_subscript_base(test: ast.expr, name: str) -> None:
    for node in ast.walk(test):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Subscript):
            node.value = ast.Name(name, ast.Load())
            return


def _run(tree: StepTree) -> None:
    tree.body = skip_quiet_blocks(tree.body, tree.names)


SKIP_QUIET_BLOCKS = Pass("skip quiet blocks", _run)
