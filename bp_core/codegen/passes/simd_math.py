"""Calls of ``exp`` and ``expm1`` become the engine's forms of them that run on SIMD lanes.

``np.exp(x)``, ``math.exp(x)`` and ``np.expm1`` / ``math.expm1`` (or those functions under a name of the step's
module: ``from math import exp``) become ``simd_exp(x)`` and ``simd_expm1(x)``
(``backend/exponentials.py``)::

    _den = np.exp((13.0 - v + VT) * _inv) - 1.0   ->   _den = simd_exp((13.0 - v + VT) * _inv) - 1.0

Compiled, a call into the C library keeps LLVM from vectorising the element loop around it; the engine's forms
are arithmetic, and a Hodgkin-Huxley neuron step (eight ``exp`` and four ``exprel`` an element) runs four
elements at a time, in about two thirds of the time. Only the calls of the step's own straight-line statements
change, which every element (scalar mode) or the whole group (vector mode) runs at every step: a call under an
``if`` or in a loop of the user's runs for few elements (a spike's synapses), one at a time, where the C
library's table-driven ``exp`` is faster than a polynomial (Kremer's event-driven STDP ran 40 % slower with
every call changed). The forms are within 1-3 ulp of the C library's functions, not bit for bit; the decision
is taken before the passes that only the compiled target runs (splitting and fusing loops), so the plain NumPy
target runs the same forms at the same calls and jit on and off agree. Not for the GPU, whose ``exp`` is its
own.
"""

from __future__ import annotations

import ast
from typing import Any, Mapping

from bp_core import profile
from bp_core.codegen.ast_facts import math_call
from bp_core.codegen.tree import Pass, StepTree

__all__ = ["SIMD_MATH", "simd_calls"]

_FORMS = {"exp": "simd_exp", "expm1": "simd_expm1"}


def _replaced(call: ast.Call, scope: Mapping[str, Any]) -> str | None:
    """The engine's form of ``call``, or None."""
    name = math_call(call, scope)
    return None if name is None else _FORMS[name]


class _Rewrite(ast.NodeTransformer):
    def __init__(self, scope: Mapping[str, Any]):
        self.scope = scope

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        form = _replaced(node, self.scope)
        if form is None:
            return node
        return ast.copy_location(ast.Call(func=ast.Name(id=form, ctx=ast.Load()), args=node.args, keywords=[]), node)


def simd_calls(node: ast.AST, scope: Mapping[str, Any] | None = None) -> ast.AST:
    """``node`` with its ``exp`` and ``expm1`` calls in the engine's forms (in place where it can be)."""
    return ast.fix_missing_locations(_Rewrite(scope or {}).visit(node))


_BLOCKS = (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.FunctionDef)


def _run(tree: StepTree) -> None:
    scope = tree.inputs.step.all_scope()
    tree.body[:] = [statement if isinstance(statement, _BLOCKS) else simd_calls(statement, scope)
                    for statement in tree.body]


SIMD_MATH = Pass("exponentials on SIMD lanes", _run, applies=lambda tree: not profile.run_on_gpu())
