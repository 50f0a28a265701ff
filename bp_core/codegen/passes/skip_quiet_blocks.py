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
same. The loops it rewrites are those ``event_scans`` accepts that ``follow_event_lists`` left.
"""

from __future__ import annotations

import ast

from bp_core.codegen.event_scans import match_scan
from bp_core.codegen.tree import Pass, StepTree, located, origin
from bp_core.integration.rendering import NameAllocator

__all__ = ["SKIP_QUIET_BLOCKS", "skip_quiet_blocks", "BLOCK"]

BLOCK = 64
"""Elements tested at once (a whole number of SIMD registers)."""


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
        scan = match_scan(self.function, node)
        if scan is None:
            return node
        values, op, threshold = scan.values, scan.op, scan.threshold
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
        size = ast.unparse(scan.size)
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


def _replace_subscript_base(test: ast.expr, name: str) -> None:
    for node in ast.walk(test):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Subscript):
            node.value = ast.Name(name, ast.Load())
            return


def _run(tree: StepTree) -> None:
    tree.body = skip_quiet_blocks(tree.body, tree.names)


SKIP_QUIET_BLOCKS = Pass("skip quiet blocks", _run)
