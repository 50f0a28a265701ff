"""In-place updates whose right side may be a view of their own target read a copy of it.

NumPy computes ``a += a[::-1]`` as if the right side were copied first: it detects that the two arrays
overlap. Compiled, numba's in-place operation walks both arrays at once and reads elements it has already
updated (``[0, 1, 2.5]`` becomes ``[2.5, 2, 5]`` instead of ``[2.5, 2, 2.5]``), so a vector-mode step gave
another result with ``jit=True`` than with ``jit=False``, silently. This pass writes such a right side as
``fresh_copy(...)`` (a copy of an array, a number unchanged)::

    ST['V'] += ST['V'][::-1]        ->    ST['V'] += fresh_copy(ST['V'][::-1])
    r = ST['V'][:-1]
    ST['V'][1:] += r                ->    ST['V'][1:] += fresh_copy(r)

Only a right side that is itself a view can overlap: a name, a subscript, an attribute (``.T``) or a
function that returns a view (``np.flip``, ``x.reshape``, ...), of the same field as the target, directly or
through locals bound to such views. Arithmetic (``a += 2. * a[::-1]``) makes a new array first, and a right
side that is exactly the target (``a += a``) reads each element before it writes it: neither is copied, so
the common updates (``ST['V'] += dt * dV``) cost nothing more.
"""

from __future__ import annotations

import ast

from bp_core.codegen.tree import Pass, StepTree

__all__ = ["COPY_OVERLAPPING_UPDATES", "copy_overlapping_updates"]

VIEW_FUNCTIONS = frozenset({"flip", "fliplr", "flipud", "ravel", "reshape", "transpose", "swapaxes", "moveaxis",
                            "squeeze", "diagonal", "view", "atleast_1d", "atleast_2d", "asarray", "expand_dims"})
"""Functions and methods whose result may share memory with their (first) argument or object."""


def copy_overlapping_updates(statements: list[ast.stmt]) -> list[ast.stmt]:
    """Rewrite the in-place updates of ``statements`` (a step's body) whose right side may overlap their target."""
    module = ast.Module(body=statements, type_ignores=[])
    _Copier(_aliases(module)).visit(module)
    return [ast.fix_missing_locations(s) for s in module.body]


def _roots(node: ast.expr, aliases: dict[str, set[str]]) -> set[str] | None:
    """What the view ``node`` may share memory with (``'ST["V"]'`` for a field, a name otherwise); None if
    ``node`` is no view (arithmetic, a number, a call making a new array)."""
    if isinstance(node, ast.Subscript):
        if isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant) and \
                isinstance(node.slice.value, str):
            return {ast.unparse(node)}
        return _roots(node.value, aliases)
    if isinstance(node, ast.Attribute):
        return _roots(node.value, aliases)
    if isinstance(node, ast.Name):
        return aliases.get(node.id, {node.id})
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name not in VIEW_FUNCTIONS:
            return None
        if isinstance(func, ast.Attribute) and not (isinstance(func.value, ast.Name) and func.value.id == "np"):
            return _roots(func.value, aliases)  # x.reshape(...)
        return _roots(node.args[0], aliases) if node.args else None  # np.flip(x)
    return None


def _aliases(module: ast.Module) -> dict[str, set[str]]:
    """Local name -> what it may be a view of, for names bound to views (``r = ST['V'][::-1]``)."""
    bindings = [(node.targets[0].id, node.value) for node in ast.walk(module)
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)]
    aliases: dict[str, set[str]] = {}
    changed = True
    while changed:  # until every chain of names is followed (r = ST['V']; s = r[1:])
        changed = False
        for name, value in bindings:
            roots = _roots(value, aliases)
            if roots and not roots <= aliases.get(name, set()) and roots != {name}:
                aliases[name] = aliases.get(name, set()) | roots - {name}
                changed = True
    return aliases


class _Copier(ast.NodeTransformer):
    def __init__(self, aliases: dict[str, set[str]]):
        self.aliases = aliases

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        value = node.value
        if ast.unparse(value) == ast.unparse(node.target):
            return node
        target_roots, value_roots = _roots(node.target, self.aliases), _roots(value, self.aliases)
        if target_roots and value_roots and target_roots & value_roots:
            call = ast.Call(ast.Name("fresh_copy", ast.Load()), [value], [])
            node.value = ast.copy_location(call, value)
        return node


def _run(tree: StepTree) -> None:
    tree.body = copy_overlapping_updates(tree.body)


COPY_OVERLAPPING_UPDATES = Pass("copy overlapping updates", _run, applies=lambda tree: not tree.scalar)
