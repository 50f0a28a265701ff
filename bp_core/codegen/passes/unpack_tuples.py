"""A tuple assignment of a tuple written as one assignment per element, in Python's order.

``ST['A_source'], ST['A_target'], ST['w'] = A_source, A_target, w`` is how a Python programmer stores
several fields at once. Kept whole, it hides its stores from the passes that read single stores: the safe
mode's finiteness test of what is stored (``fold_finite``: the field is then scanned after the step), the
split of a loop's leading arithmetic (``split_loop``) and the stores a spike test can take in
(``split_event_branches``). Python evaluates every element of the right-hand side, then assigns the targets
from left to right, so the rewrite is::

    ST['a'], ST['b'], c = x, ST['a'] * 2., 1.    ->    _value = ST['a'] * 2.
                                                       ST['a'] = x
                                                       ST['b'] = _value
                                                       c = 1.

An element is bound to a new local first unless an earlier target's assignment cannot change it: a literal,
or an expression whose names no earlier target binds and which reads no array when an earlier target stores
into one. Arrays keep the same meaning: a local bound to an array (or a view of a state row) refers to it
as the tuple's element did.
"""

from __future__ import annotations

import ast

from bp_core.codegen.tree import Pass, StepTree, located, origin, rewrite_blocks

__all__ = ["UNPACK_TUPLES"]


def _run(tree: StepTree) -> None:
    tree.body = rewrite_blocks(tree.body, lambda stmt: _unpacked(tree, stmt))


def _unpacked(tree: StepTree, stmt: ast.stmt) -> list[ast.stmt]:
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and
            isinstance(stmt.targets[0], (ast.Tuple, ast.List)) and isinstance(stmt.value, (ast.Tuple, ast.List))):
        return [stmt]
    targets, values = stmt.targets[0].elts, stmt.value.elts
    if len(targets) != len(values) or any(isinstance(n, ast.Starred) for n in (*targets, *values)) or \
            not all(isinstance(t, (ast.Name, ast.Subscript)) for t in targets):
        return [stmt]  # nested or starred unpacking: left to Python's own rules
    bound, held = [], []
    for k, value in enumerate(values):
        if _unchanged(value, targets[:k]):
            held.append(value)
            continue
        name = tree.names.fresh("_value")
        bound.append(ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value))
        held.append(ast.Name(id=name, ctx=ast.Load()))
    stores = [ast.Assign(targets=[target], value=value) for target, value in zip(targets, held)]
    new = [ast.fix_missing_locations(ast.copy_location(s, stmt)) for s in bound + stores]
    return located(new, origin(stmt))


def _unchanged(value: ast.expr, earlier: list[ast.expr]) -> bool:
    """Whether assigning the ``earlier`` targets cannot change what ``value`` evaluates to."""
    if isinstance(value, ast.Constant):
        return True
    names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
    bound = {n.id for t in earlier for n in ast.walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if names & bound:
        return False
    stores_memory = any(isinstance(t, ast.Subscript) for t in earlier)
    reads_memory = any(isinstance(n, (ast.Subscript, ast.Attribute, ast.Call)) for n in ast.walk(value))
    return not (stores_memory and reads_memory)


UNPACK_TUPLES = Pass("assign tuples element by element", _run)
