"""Analyses of a step's tree: facts later passes and the kernel rely on, read without rewriting anything.

- ``RISKY_FIELDS``, run on the user's form of the step (``ST['V']``, before state access is
  rewritten): the fields the step may make NaN or infinite. Fields only ever set to a constant, to
  the time or to a truth value, or moved by a constant (a spike flag, ``ST['spike'] = V >= V_th``,
  the last spike time, a counter) cannot, so the per-step check skips them. It also records every field the step may write, which tells the kernel
  whether an event list it made earlier in the step still holds.
- ``ELEMENT_LOCAL``, on the rewritten scalar-mode body: whether each iteration of the element loop
  writes only its own element and draws no random numbers, so the loop may run on all cores.
"""

from __future__ import annotations

import ast

import numpy as np

from bp_core.codegen.step_inputs import StateAccess
from bp_core.codegen.tree import Pass, StepTree
from bp_core.model.event_fields import stored_fields
from bp_core.model.step_function import READING_METHODS

__all__ = ["RISKY_FIELDS", "ELEMENT_LOCAL", "risky_fields", "written_fields", "element_local"]


def element_local(statements: list[ast.stmt], own_rows: set[str], rng: str) -> bool:
    """Whether loop iterations are independent: each writes only locals and its own element of ST."""
    for node in ast.walk(ast.Module(body=statements, type_ignores=[])):
        if isinstance(node, (ast.Return, ast.Break, ast.Global, ast.Nonlocal)) or \
                (isinstance(node, ast.Name) and node.id == rng):
            return False
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    continue
                if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and
                        target.value.id in own_rows and isinstance(target.slice, ast.Name) and
                        target.slice.id == "_obj_i"):
                    return False
    return not _carried(statements, set())


def _carried(statements: list[ast.stmt], defined: set[str]) -> bool:
    """Whether a local is moved (``x += ...``) before each iteration sets it afresh: an accumulation across
    elements. ``defined``: names every path so far has assigned anew (a counter set to 0 before its loop is
    the iteration's own, as the safe mode's ``while`` bound is)."""
    defined = set(defined)
    for stmt in statements:
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id not in defined:
            return True
        if isinstance(stmt, ast.Assign):
            read = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
            defined |= {t.id for t in stmt.targets if isinstance(t, ast.Name) and t.id not in read}
        for block in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, block, None), list) and _carried(getattr(stmt, block), defined):
                return True
        for handler in getattr(stmt, "handlers", []):
            if _carried(handler.body, defined):
                return True
    return False


def risky_fields(statements: list[ast.stmt], states: dict[str, StateAccess], arrays: bool
                 ) -> set[tuple[str, str]]:
    """Fields that may become non-finite: those stored with anything but a literal, the time or a truth value.

    Fields only ever set to constants, to ``_t`` or incremented by a constant (a spike flag, the
    last spike time, a counter) cannot, so the per-step NaN/inf check skips them. With ``arrays``
    (vector and matrix mode, where reading a field gives a view), a field read into a local that
    is then written through, or handed to a function, counts as stored.
    """
    risky: set[tuple[str, str]] = set()
    module = ast.Module(body=statements, type_ignores=[])
    for node in ast.walk(module):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bounded = _bounded(node.value) if isinstance(node, ast.Assign) else \
                isinstance(node.op, (ast.Add, ast.Sub)) and _bounded(node.value)
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and \
                            sub.value.id in states and isinstance(sub.slice, ast.Constant) and not bounded:
                        risky.add((sub.value.id, sub.slice.value))
    risky |= _whole_state_fields(module, states)
    if arrays:
        risky |= _escaping_views(module, states)
    return {(state, key) for state, key in risky if key in states[state].fields}


def written_fields(statements: list[ast.stmt], states: dict[str, StateAccess], arrays: bool
                   ) -> set[tuple[str, str]]:
    """Fields the step may write at all: what ``model.event_fields.stored_fields`` finds for each state,
    every field of a state used whole (handed on, aliased), and in vector mode views that escape."""
    module = ast.Module(body=statements, type_ignores=[])
    written = {(state, key) for state in states for key in stored_fields(module, state)}
    written |= _whole_state_fields(module, states)
    if arrays:
        written |= _escaping_views(module, states)
    return {(state, key) for state, key in written if key in states[state].fields}


def _whole_state_fields(module: ast.Module, states: dict[str, StateAccess]) -> set[tuple[str, str]]:
    """Every field of a state the step uses itself (passed on, aliased), not as ``state['key']``: anything
    may be written there."""
    keyed = {id(node.value) for node in ast.walk(module) if isinstance(node, ast.Subscript) and
             isinstance(node.value, ast.Name) and node.value.id in states}
    return {(node.id, key) for node in ast.walk(module)
            if isinstance(node, ast.Name) and node.id in states and id(node) not in keyed
            for key in states[node.id].fields}


def _field_of(node: ast.AST, states: dict[str, StateAccess]) -> tuple[str, str] | None:
    """``(state, field)`` if ``node`` is ``state['field']``, possibly sliced or indexed further."""
    while isinstance(node, ast.Subscript):
        if isinstance(node.value, ast.Name) and node.value.id in states and isinstance(node.slice, ast.Constant):
            return node.value.id, node.slice.value
        node = node.value
    return None


def _escaping_views(module: ast.Module, states: dict[str, StateAccess]) -> set[tuple[str, str]]:
    aliases: dict[str, tuple[str, str]] = {}
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            field_ = _field_of(node.value, states)
            if field_ is not None:
                aliases[node.targets[0].id] = field_
    risky: set[tuple[str, str]] = set()

    def field_of(arg: ast.AST) -> tuple[str, str] | None:
        return _field_of(arg, states) or (aliases.get(arg.id) if isinstance(arg, ast.Name) else None)

    for node in ast.walk(module):
        if isinstance(node, ast.Call):
            func = node.func
            numpy_call = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id in ("np", "numpy", "math")
            # a NumPy function reads its first argument; any later one may be its output (np.sqrt(x, out))
            for arg in (node.args[1:] if numpy_call else node.args) + [k.value for k in node.keywords]:
                if field_of(arg) is not None:
                    risky.add(field_of(arg))
            if isinstance(func, ast.Attribute) and func.attr not in READING_METHODS and \
                    field_of(func.value) is not None:
                risky.add(field_of(func.value))  # V.fill(x), V.sort(), V.put(...) write the field
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AugAssign) else []
        for target in targets:
            base = target
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases and (base is not target or
                                                                       isinstance(node, ast.AugAssign)):
                risky.add(aliases[base.id])
    return risky


_LOGICAL = frozenset({"logical_and", "logical_or", "logical_xor", "logical_not", "isnan", "isinf", "isfinite"})
_INTEGER_DRAWS = frozenset({"geometric"})
"""Draws of whole numbers from one argument, finite whatever it is (NumPy and numba raise for a bad one)."""


def _bounded(value: ast.expr) -> bool:
    """Whether ``value`` is finite whatever the state: a finite literal, the time, a truth value (a
    comparison, ``not``, NumPy's logical functions: a spike flag ``ST['spike'] = V >= V_th``) or one whole
    number drawn at random (``np.random.geometric(p)``)."""
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not) or \
            isinstance(value.op, (ast.USub, ast.UAdd)) and _bounded(value.operand)
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (int, float)) and np.isfinite(value.value)
    if isinstance(value, ast.Compare):
        return True
    if isinstance(value, ast.BoolOp):  # ``a and b`` is one of its operands
        return all(_bounded(operand) for operand in value.values)
    if isinstance(value, ast.IfExp):
        return _bounded(value.body) and _bounded(value.orelse)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
            isinstance(value.func.value, ast.Name) and value.func.value.id in ("np", "numpy"):
        return value.func.attr in _LOGICAL and not value.keywords  # ``out=`` would make it a store elsewhere
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
            ast.unparse(value.func.value) in ("np.random", "numpy.random"):
        return value.func.attr in _INTEGER_DRAWS and not value.args[1:] and not value.keywords  # one whole number
    return isinstance(value, ast.Name) and value.id == "_t"


def _record_risky(tree: StepTree) -> None:
    states, arrays = dict(tree.inputs.states), not tree.scalar
    tree.risky_fields = risky_fields(tree.body, states, arrays)
    tree.written_fields = written_fields(tree.body, states, arrays)


def _record_element_local(tree: StepTree) -> None:
    own_rows = {arg for arg, (state, _) in tree.row_args.items() if state == "ST"}
    tree.element_local = element_local(tree.body, own_rows, tree.inputs.rng)


def _describe_risky(tree: StepTree) -> str:
    def listed(fields: set[tuple[str, str]]) -> str:
        return ", ".join(sorted(f"{state}[{key!r}]" for state, key in fields)) or "nothing"
    return f"may become NaN or infinite: {listed(tree.risky_fields)}; writes: {listed(tree.written_fields)}"


def _describe_element_local(tree: StepTree) -> str:
    return "iterations are independent" if tree.element_local else "iterations depend on each other"


RISKY_FIELDS = Pass("risky fields", _record_risky, describe=_describe_risky)
ELEMENT_LOCAL = Pass("independent elements", _record_element_local, applies=lambda tree: tree.scalar,
                     describe=_describe_element_local)
