"""Read a field that holds one value in every element once per step, not once per element.

A field set by an input of one value per step and changed by nothing else (``kernel_ops.uniform``; the
planner offers such fields as ``StepInputs.uniform_fields``) holds the same value in every element when
a scalar-mode step runs. Read per element, what the step computes from it alone (Kremer et al.'s moving
bar: ``np.cos(ST['direction'])`` for each of 1,936 neurons at each step) is computed for every element;
read once, the hoisting passes move that work before the element loop, as Brian2 computes expressions of
shared variables once a step::

    direction = ST_direction[_obj_i]           ->     _u_direction = ST_direction[0]   (before the loop)
    across = x * np.cos(direction)                    _c = np.cos(_u_direction)        (before the loop)
                                                      across = x * _c

The element read is the first one: every element holds the same value, and the planner offers the field
only for a group with elements (a blocked kernel's slice reads its own first element). Runs after
``REWRITE_ACCESS``, which makes the per-element reads, and before the hoisting passes.
"""

from __future__ import annotations

import ast

from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["READ_UNIFORM_FIELDS", "read_uniform_fields"]


def read_uniform_fields(tree: StepTree) -> None:
    """Replace each per-element read of an offered field by a local read once, first in the body."""
    arrays = {arg: key for arg, (state, key) in tree.row_args.items() if (state, key) in tree.inputs.uniform_fields}
    indices = {access.index for access in tree.inputs.states.values() if access.index}
    found: dict[str, tuple[str, int | None]] = {}  # array -> (local, the user's line of its first read)

    class Reads(ast.NodeTransformer):
        line: int | None = None

        def visit(self, node: ast.AST) -> ast.AST:
            if isinstance(node, ast.stmt) and origin(node) is not None:
                self.line = origin(node)
            return super().visit(node)

        def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
            if isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name) and node.value.id in arrays and \
                    isinstance(node.slice, ast.Name) and node.slice.id in indices:
                if node.value.id not in found:
                    found[node.value.id] = (tree.names.fresh(f"_u_{arrays[node.value.id]}"), self.line)
                return ast.copy_location(ast.Name(found[node.value.id][0], ast.Load()), node)
            return self.generic_visit(node)

    tree.body = [Reads().visit(stmt) for stmt in tree.body]
    reads = [located(ast.parse(f"{local} = {array}[0]").body, line)[0] for array, (local, line) in found.items()]
    tree.body = reads + tree.body
    tree.uniform_arrays |= set(found)


READ_UNIFORM_FIELDS = Pass("read uniform fields once", read_uniform_fields,
                           applies=lambda tree: tree.scalar and bool(tree.inputs.uniform_fields))
