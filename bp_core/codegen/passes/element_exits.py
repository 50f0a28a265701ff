"""Early exits of a scalar-mode step that end the current element only, as they do in Python.

A scalar-mode step is written for one element, so its ``return`` ends that element's step; the
element loop then goes on with the next one. Inside the generated loop a bare ``return`` would end
the loop for every element left, so this pass rewrites it:

- a ``return`` outside the user's own loops becomes ``continue`` of the element loop::

      if ST['a'] > 0.:            if ST_a[_obj_i] > 0.0:
          return            ->        continue
      ST['b'] += 1.               ST_b[_obj_i] += 1.0

- a ``return`` inside a loop of the step (``for``, ``while``, or a loop an earlier pass made, such as
  a scan over blocks) sets a flag and leaves that loop with ``break``; after the loop the flag sends
  the element on (``continue``), or out of the next enclosing loop in turn. A ``break`` skips a
  loop's ``else`` clause and runs ``finally`` clauses, as ``return`` does. The flag is cleared at the
  start of each element.

The user's own ``break`` and ``continue`` stay where they are: they belong to the user's loops. The
pass runs after the passes that reorganize loops (event scans, hoisting, selects), which leave a
``return`` as they found it, and before the analyses that read the finished loop body.

It also refuses what has no faithful translation in scalar mode, naming the user's line: a state
(``ST``, ``pre``, ``post``) used whole, for instance handed to a helper function, when it stands for
one element (the generated code holds the fields of every element there).
"""

from __future__ import annotations

import ast

from bp_core.codegen.tree import Pass, StepTree, located, origin
from bp_core.errors import ModelDefError

__all__ = ["ELEMENT_EXITS", "lower_element_exits"]

_LOOPS = (ast.For, ast.While, ast.AsyncFor)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def lower_element_exits(body: list[ast.stmt], flag: str) -> tuple[list[ast.stmt], bool]:
    """Rewrite every ``return`` of the per-element ``body`` into an exit from the element loop.

    Parameters
    ----------
    body : list of ast.stmt
        The statements run once per element (rewritten in place).
    flag : str
        A free local name, set when a ``return`` inside a loop of ``body`` leaves that loop.

    Returns
    -------
    body : list of ast.stmt
    flagged : bool
        Whether ``flag`` is used; the caller then clears it at the start of each element.
    """
    lowering = _Lowering(flag)
    return lowering.block(body, in_loop=False), lowering.flagged


class _Lowering:
    def __init__(self, flag: str):
        self.flag = flag
        self.flagged = False

    def block(self, statements: list[ast.stmt], in_loop: bool) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in statements:
            out += self.statement(stmt, in_loop)
        return out

    def statement(self, stmt: ast.stmt, in_loop: bool) -> list[ast.stmt]:
        if isinstance(stmt, ast.Return):
            return located(self._exit(in_loop), origin(stmt))
        if isinstance(stmt, _SCOPES):
            return [stmt]  # a nested function's return is its own
        if isinstance(stmt, _LOOPS):
            before = self.flagged
            self.flagged = False
            stmt.body = self.block(stmt.body, in_loop=True)
            left_by_return = self.flagged
            self.flagged = before or left_by_return
            stmt.orelse = self.block(stmt.orelse, in_loop)  # the else clause runs outside the loop
            if not left_by_return:
                return [stmt]
            check = ast.If(ast.Name(self.flag, ast.Load()), [ast.Break() if in_loop else ast.Continue()], [])
            return [stmt] + located([check], origin(stmt))
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                setattr(stmt, name, self.block(inner, in_loop))
        for part in getattr(stmt, "handlers", []) + getattr(stmt, "cases", []):
            part.body = self.block(part.body, in_loop)
        return [stmt]

    def _exit(self, in_loop: bool) -> list[ast.stmt]:
        if not in_loop:
            return [ast.Continue()]
        self.flagged = True
        return [ast.Assign([ast.Name(self.flag, ast.Store())], ast.Constant(True)), ast.Break()]


def refuse_whole_states(tree: StepTree) -> None:
    """Raise ``ModelDefError`` where the user's scalar-mode step uses a state other than as ``state['field']``."""
    step = tree.inputs.step
    keyed = {id(node.value) for node in ast.walk(step.node) if isinstance(node, ast.Subscript) and
             isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)}
    for node in ast.walk(step.node):
        if isinstance(node, ast.Name) and node.id in tree.inputs.states and id(node) not in keyed:
            where = f"{step.source_file}, line {step.first_line + node.lineno - 1}"
            raise ModelDefError(
                f"{step.where()} uses the state {node.id!r} whole ({where}); in a scalar-mode step "
                f"{node.id} stands for one element and can only be read and written field by field. "
                f"Hand a helper function the fields it needs and store what it returns "
                f"(ST['V'] = helper(ST['V'], ST['w'])), or write the step in vector mode.")


def _run(tree: StepTree) -> None:
    refuse_whole_states(tree)
    if not any(isinstance(n, ast.Return) for s in tree.body for n in ast.walk(s)):
        return
    flag = tree.names.fresh("_returned")
    body, flagged = lower_element_exits(tree.body, flag)
    if flagged:
        clear = ast.Assign([ast.Name(flag, ast.Store())], ast.Constant(False))
        body = located([clear], origin(body[0]) if body else None) + body
    tree.body = body


ELEMENT_EXITS = Pass("exits end the element", _run, applies=lambda tree: tree.scalar)
