"""Per-synapse expressions of summed variables: ``"ST['w'] * (pre['V'] - post['V'])"``, checked.

An expression is written as a step writes a value of one synapse: ``ST[...]`` is the synapse's field,
``pre[...]`` and ``post[...]`` its pre- and postsynaptic neuron's. It may use numbers, arithmetic and
``np`` functions, nothing else: it is evaluated for every synapse at the start of each step (Brian2's
``Igap_post = w * (V_pre - V_post) : 1 (summed)``), so it sees the neurons as the previous step left them.
"""

from __future__ import annotations

import ast

from bp_core.errors import ModelDefError

__all__ = ["expression_fields", "STATES"]

STATES = ("ST", "pre", "post")
"""The names an expression reads fields through."""

_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop, ast.Constant, ast.Subscript,
            ast.Name, ast.Attribute, ast.Call, ast.Load)


def expression_fields(where: str, text: str) -> tuple[tuple[str, str], ...]:
    """The ``(state, field)`` pairs that the expression ``text`` reads, in order of first use.

    Raises
    ------
    ModelDefError
        For text that is not an expression of the allowed form (``where`` names the declaration).
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ModelDefError(f"{where}: {text!r} is neither a synapse field name nor a Python expression.") from None
    fields: list[tuple[str, str]] = []
    keys = {id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ModelDefError(f"{where}: {text!r} uses {type(node).__name__}; a summed expression may use "
                                f"numbers, arithmetic, np functions and ST[...], pre[...], post[...] fields.")
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not isinstance(node.value, (int, float))
                                               ) and id(node) not in keys:
            raise ModelDefError(f"{where}: {text!r} uses the constant {node.value!r}; use numbers.")
        if isinstance(node, ast.Subscript):
            fields.append(_field(where, text, node))
        elif isinstance(node, ast.Call) and not _is_np(node.func):
            raise ModelDefError(f"{where}: {text!r} calls {ast.unparse(node.func)}; only np functions "
                                f"(np.exp, np.tanh, ...) may be called.")
        elif isinstance(node, ast.Attribute) and not _is_np(node):
            raise ModelDefError(f"{where}: {text!r} uses {ast.unparse(node)}; only np functions are attributes "
                                f"an expression may use.")
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    unknown = sorted(names - set(STATES) - {"np"})
    if unknown:
        raise ModelDefError(f"{where}: {text!r} names {unknown[0]!r}; an expression reads fields as ST['x'], "
                            f"pre['x'] or post['x'] (make a parameter a synapse field to use it here).")
    if not fields:
        raise ModelDefError(f"{where}: {text!r} reads no field; a summed expression depends on the synapse.")
    return tuple(dict.fromkeys(fields))


def _field(where: str, text: str, node: ast.Subscript) -> tuple[str, str]:
    state, key = node.value, node.slice
    if not (isinstance(state, ast.Name) and state.id in STATES and isinstance(key, ast.Constant)
            and isinstance(key.value, str)):
        raise ModelDefError(f"{where}: {text!r} indexes {ast.unparse(node)}; write a field as ST['x'], "
                            f"pre['x'] or post['x'] (the synapse's own value, with no index).")
    return state.id, key.value


def _is_np(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np"
