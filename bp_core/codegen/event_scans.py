"""Recognizing an event scan: the loop with which a step finds the elements that fired.

Synapse steps find the neurons that spiked with a loop like::

    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            ...deliver...

Two passes make such loops cheap (``passes.follow_event_lists`` and ``passes.skip_quiet_blocks``);
both rewrite only a loop this module accepts: the test reads one element and has no side effects,
and the body neither ``break``s out of the loop, nor changes what the test reads, nor binds the
loop variable, which is not used after the loop either.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bp_core.codegen.ast_facts import COMPARISONS, bound_names, used_outside

__all__ = ["EventScan", "match_scan", "implies_nonzero", "element_test"]

_MIRRORED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}


@dataclass
class EventScan:
    """A recognized scan ``for i in range(size): if values[i] <op> threshold: ...``."""

    values: ast.expr
    op: str
    threshold: ast.expr
    size: ast.expr


def match_scan(function: ast.Module, node: ast.For) -> EventScan | None:
    """The scan ``node`` is, when it may be rewritten; ``function`` is the body it belongs to."""
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
    if i in written or read & written or _breaks(body) or used_outside(function, node, i):
        return None
    return EventScan(values, op, threshold, node.iter.args[-1])


def element_test(test: ast.expr, i: str) -> tuple[ast.expr, str, ast.expr] | None:
    """``(values, op, threshold)`` of a test ``values[i] <op> threshold`` (either way round, or a bare ``values[i]``:
    ``!= 0``), else None."""
    return _comparison(test, i)


def implies_nonzero(scan: EventScan) -> bool:
    """Whether the test can hold only for a nonzero element (a constant threshold that says so)."""
    threshold = scan.threshold
    sign = 1
    if isinstance(threshold, ast.UnaryOp) and isinstance(threshold.op, ast.USub):
        threshold, sign = threshold.operand, -1
    if not (isinstance(threshold, ast.Constant) and isinstance(threshold.value, (int, float)) and
            not isinstance(threshold.value, bool)):
        return False
    value = sign * threshold.value
    return {">": value >= 0, ">=": value > 0, "<": value <= 0, "<=": value < 0,
            "==": value != 0, "!=": value == 0}[scan.op]


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
