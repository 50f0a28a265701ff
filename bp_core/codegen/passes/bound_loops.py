"""A bound on every ``while`` loop of a step in the safe mode.

A compiled kernel cannot be interrupted while it runs: Ctrl-C is taken only when the kernel call
returns, and a widget's worker thread has no way to stop it. A ``while`` loop whose condition never
becomes false (``while v < v_th:`` where nothing moves ``v``, a ``break`` that is never reached) would
hold the process for ever. In the safe mode each ``while`` loop of the user's step counts its rounds
and stops the run with an error naming its line once one entry of the loop has gone round more than
``WHILE_LIMIT`` times::

    while x < 1.0:                     _while = 0
        x = x * 2.0          ->        while x < 1.0:
                                           _while += 1
                                           if _while > 100000000:
                                               raise RuntimeError('...')
                                           x = x * 2.0

The count is per entry of the loop (per element and step in scalar mode), so only a loop that runs a
hundred million rounds without its condition turning false is stopped: a compiled round of a tight loop
takes a nanosecond or so, the bound a fraction of a second. The increment and its predictable test cost
next to nothing (``benchmarks/while_bound.py``). ``bp.profile.set(safe=False)`` leaves loops unbounded.

The ``raise`` goes the way of any error in a step: compiled, the failing step is run again in Python to
find the line (with a lower bound, ``REPLAY_LIMIT``, since it loops for the same reason there); on the
GPU it is lowered to the device's error value and line.
"""

from __future__ import annotations

import ast

from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["BOUND_WHILE_LOOPS", "WHILE_LIMIT", "REPLAY_LIMIT", "LOOP_LIMIT_MESSAGE"]

WHILE_LIMIT = 100_000_000
"""Rounds one entry of a ``while`` loop of a step may make in the safe mode before the run stops."""

REPLAY_LIMIT = 1_000_000
"""The bound of the Python run that finds the line of a compiled step's failure (``step_errors``):
a loop that ran past ``WHILE_LIMIT`` compiled runs past it again on the same values, in less time."""

LOOP_LIMIT_MESSAGE = (
    f"a 'while' loop went round more than {WHILE_LIMIT:,} times in one pass without its condition becoming "
    f"false (the safe mode's bound on a loop); make sure the loop's condition turns false or that it reaches "
    f"its 'break', or run with bp.profile.set(safe=False) to leave loops unbounded")
"""What the error raised by a loop past its bound says (the step, object, time and line are added to it)."""


class _Bounder(ast.NodeTransformer):
    def __init__(self, tree: StepTree, limit: int):
        self.tree = tree
        self.limit = limit

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return node  # a nested scope's loops are its own (steps have none: they are refused at definition)

    def visit_While(self, node: ast.While) -> list[ast.stmt]:
        self.generic_visit(node)
        count = self.tree.names.fresh("_while")
        guard = ast.parse(f"{count} += 1\n"
                          f"if {count} > {self.limit}:\n"
                          f"    raise RuntimeError({LOOP_LIMIT_MESSAGE!r})").body
        start = ast.parse(f"{count} = 0").body
        # the guard reports the loop's own line
        node.body = located(guard, origin(node)) + node.body
        return located(start, origin(node)) + [node]


def _run(tree: StepTree) -> None:
    bounder = _Bounder(tree, tree.inputs.loop_limit)
    for part in ("prelude", "body", "epilogue"):
        statements: list[ast.stmt] = []
        for stmt in getattr(tree, part):
            new = bounder.visit(stmt)
            statements += new if isinstance(new, list) else [new]
        setattr(tree, part, statements)


def _has_while(tree: StepTree) -> bool:
    return any(isinstance(node, ast.While) for stmt in tree.statements() for node in ast.walk(stmt))


BOUND_WHILE_LOOPS = Pass("bound while loops", _run, applies=lambda tree: tree.inputs.loop_limit > 0 and _has_while(tree))
