"""Which state fields hold events: fields a model's steps only ever set to 0 or 1.

A monitored event field is recorded as a list of (element, step) pairs instead of a dense
(steps x elements) array, so recording costs memory and time in proportion to the events.
The engine decides it from the model's own step functions: every store into ``ST[key]``
(whole, sliced or indexed, in any step) must be a *binary* value, and the field's default
value must be 0 or 1. Binary values are the literals 0, 1, True and False, comparisons,
``and``/``or``/``not`` of binary values, ``np.logical_*`` calls, ``&``, ``|``, ``^`` and ``~`` of
binary values, and local names whose every assignment is binary (including arrays made with
``np.zeros``/``np.ones``/``np.*_like`` and then set element-wise to binary values).

A field named ``spike`` (the spec's convention) is recorded as events even when the analysis
cannot prove it binary; its recorded values are then kept too, so the dense view is exact
whatever the steps store.
"""

from __future__ import annotations

import ast
import functools
from typing import Iterable

__all__ = ["binary_fields", "stored_fields", "EVENT_NAMES"]

EVENT_NAMES = frozenset({"spike", "spikes"})
"""Field names recorded as events even when no proof of binary values is found."""

_LOGICAL_CALLS = {"logical_and", "logical_or", "logical_not", "logical_xor", "isnan", "isinf", "isfinite",
                  "greater", "greater_equal", "less", "less_equal", "equal", "not_equal"}
_FILLED = {"zeros": 0.0, "ones": 1.0, "zeros_like": 0.0, "ones_like": 1.0}
_PASS_THROUGH = {"asarray", "array", "ascontiguousarray", "copy"}


def binary_fields(steps: Iterable[ast.FunctionDef], defaults: dict[str, float]) -> set[str]:
    """Return the fields of ``ST`` that some step sets and every step only sets to binary values.

    Parameters
    ----------
    steps : iterable of ast.FunctionDef
        The model's step functions.
    defaults : dict
        Field -> default value.
    """
    steps = list(steps)
    candidates = {key for key, value in defaults.items() if value in (0, 1)}
    candidates &= {key for func in steps for key in stored_fields(func, "ST")}
    for func in steps:
        binary_names = _binary_locals(func)
        for node in ast.walk(func):
            if isinstance(node, ast.AugAssign):
                for key in _stored_fields(node.target):
                    candidates.discard(key)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                binary = node.value is not None and _is_binary(node.value, binary_names)
                for target in targets:
                    for key in _stored_fields(target):
                        if not binary:
                            candidates.discard(key)
            elif isinstance(node, ast.Call):
                # ST['spike'] handed to a function (np.copyto(ST['spike'], x), out=...) may be written to
                for arg in list(node.args) + [k.value for k in node.keywords]:
                    key = _field_key(arg)
                    if key is not None and not _is_logical_call(node):
                        candidates.discard(key)
        for name in _state_aliases(func):
            candidates.discard(name)
    return candidates


@functools.lru_cache(maxsize=1024)  # every run asks it of every step (see recording.values_needed)
def stored_fields(func: ast.AST, state: str) -> frozenset[str]:
    """Fields of the state argument ``state`` (``'ST'``, ``'pre'``, ``'post'``) that ``func`` may write."""
    out: set[str] = set()
    for node in ast.walk(func):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            out.update(_stored_fields(target, state))
        if isinstance(node, ast.Call):
            for arg in list(node.args) + [k.value for k in node.keywords]:
                key = _field_key(arg, state)
                if key is not None and not _is_logical_call(node):
                    out.add(key)
    return frozenset(out | _state_aliases(func, state))


def _field_key(node: ast.AST, state: str = "ST") -> str | None:
    """``key`` when ``node`` is ``state['key']``, possibly indexed further."""
    while isinstance(node, ast.Subscript):
        if isinstance(node.value, ast.Name) and node.value.id == state and isinstance(node.slice, ast.Constant) \
                and isinstance(node.slice.value, str):
            return node.slice.value
        node = node.value
    return None


def _stored_fields(target: ast.AST, state: str = "ST") -> list[str]:
    if isinstance(target, (ast.Tuple, ast.List)):
        return [key for element in target.elts for key in _stored_fields(element, state)]
    key = _field_key(target, state)
    return [key] if key is not None else []


def _state_aliases(func: ast.FunctionDef, state: str = "ST") -> set[str]:
    """Fields read into a local that is then written through (``sp = ST['spike']; sp[0] = 2.``)."""
    aliases: dict[str, str] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            key = _field_key(node.value, state) if isinstance(node.value, ast.Subscript) else None
            if key is not None:
                aliases[node.targets[0].id] = key
    written: set[str] = set()
    for node in ast.walk(func):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AugAssign) else []
        for target in targets:
            if isinstance(target, ast.Subscript):
                base = target
                while isinstance(base, ast.Subscript):
                    base = base.value
                if isinstance(base, ast.Name) and base.id in aliases:
                    written.add(aliases[base.id])
    return written


def _binary_locals(func: ast.FunctionDef) -> set[str]:
    """Local names whose every assignment (whole or element-wise) is a binary value."""
    assigned: dict[str, list[ast.AST]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                base = target
                while isinstance(base, ast.Subscript):
                    base = base.value
                if isinstance(base, ast.Name):
                    assigned.setdefault(base.id, []).append(node.value)
                elif isinstance(target, (ast.Tuple, ast.List)):
                    for element in target.elts:
                        if isinstance(element, ast.Name):
                            assigned.setdefault(element.id, []).append(ast.Constant(2.0))  # unknown: not binary
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AnnAssign, ast.NamedExpr)):
            target = node.target
            while isinstance(target, ast.Subscript):
                target = target.value
            if isinstance(target, ast.Name):
                assigned.setdefault(target.id, []).append(ast.Constant(2.0))
    arguments = {a.arg for a in func.args.args}
    binary = {name for name in assigned if name not in arguments}
    changed = True
    while changed:  # a name is binary when all its values are, given what is known of the others
        changed = False
        for name in list(binary):
            if not all(_is_binary(value, binary) for value in assigned[name]):
                binary.discard(name)
                changed = True
    return binary


def _is_logical_call(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
        func.value.id in ("np", "numpy") and func.attr in _LOGICAL_CALLS


def _is_binary(node: ast.AST, names: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return not isinstance(node.value, str) and node.value in (0, 1)
    if isinstance(node, ast.Compare):
        return True
    if isinstance(node, ast.BoolOp):
        return all(_is_binary(v, names) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.Not, ast.Invert)) and _is_binary(node.operand, names) or \
            isinstance(node.op, ast.Not)
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)) and \
            _is_binary(node.left, names) and _is_binary(node.right, names)
    if isinstance(node, ast.IfExp):
        return _is_binary(node.body, names) and _is_binary(node.orelse, names)
    if isinstance(node, ast.Name):
        return node.id in names or node.id in ("True", "False")
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id in names
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "astype":
            return _is_binary(func.value, names)
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and
                func.value.id in ("np", "numpy")):
            return False
        if func.attr in _LOGICAL_CALLS:
            return True
        if func.attr in _FILLED:
            return True
        if func.attr == "full" or func.attr == "full_like":
            return len(node.args) >= 2 and _is_binary(node.args[1], names)
        if func.attr in _PASS_THROUGH:
            return bool(node.args) and _is_binary(node.args[0], names)
        if func.attr == "where":
            return len(node.args) == 3 and _is_binary(node.args[1], names) and _is_binary(node.args[2], names)
    return False
