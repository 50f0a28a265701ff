"""The loop over elements of a scalar-mode step.

A scalar-mode step is written for one element; its body now runs inside
``for _obj_i in range(n):`` (``prange`` when the iterations are independent), after the lines
that compute the indices the body reads (``_pre_i = pre_ids[_obj_i]`` of a synapse). The
prelude stays before the loop and the epilogue after it.
"""

from __future__ import annotations

import ast

from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["ELEMENT_LOOP"]


def _run(tree: StepTree) -> None:
    read = {n.id for s in tree.body for n in ast.walk(s) if isinstance(n, ast.Name)}
    indices = [f"{name} = {expr}" for name, expr in tree.inputs.scalar_indices.items() if name in read]
    loop = ast.parse(f"for _obj_i in {'prange' if tree.parallel else 'range'}({tree.inputs.loop_size}):\n"
                     + "".join(f"    {line}\n" for line in indices) + "    pass").body[0]
    first = origin(tree.body[0]) if tree.body else None
    loop.body = located(loop.body[:len(indices)], first) + (tree.body or [ast.Pass()])
    tree.body = located([loop], first)


ELEMENT_LOOP = Pass("loop over elements", _run, applies=lambda tree: tree.scalar)
