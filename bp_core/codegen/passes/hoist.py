"""Loop-invariant hoisting for scalar-mode steps.

A scalar-mode step runs its body once per element, but much of that body depends only
on uniform parameters and the step size: ``-1 / tau``, ``exprel(dt * A)`` of an
exponential-Euler update, the ``/ tau`` of a derivative. Numba does not move such work
out of the loop (it cannot hoist calls, and without fastmath it must keep every
division), so the generator does, in the source, where it stays readable:

- an assignment of an invariant expression to a local assigned nowhere else moves
  before the loop (the local becomes invariant in turn);
- a non-trivial invariant sub-expression is computed once, before the loop;
- a division by an invariant becomes a multiplication by its reciprocal, computed once.
  The result may differ from the division in the last bit; generated code is the same
  under numba and NumPy, so both backends still agree exactly.

Calls are moved only to functions without side effects: NumPy's and ``math``'s pure functions,
and helper functions of the step's scope that say so with a ``bp_pure = True`` attribute: no side
effects, and a result that the step only reads (a table of probabilities computed from parameters,
``bp.inputs``' binomial table, is then computed once per step instead of once per element).

A vector-mode step fused into one element loop (``fuse_elementwise``) has its loop body hoisted the
same way, once fused: the ``(V - V3) / V4`` of a Hodgkin-Huxley-type rate becomes ``(V - V3) * _inv_V4``
with ``_inv_V4 = 1.0 / V4`` computed once per step instead of a division per element.

In a scalar-mode synapse step, work that depends only on the presynaptic neuron
(``1 / (1 + exp(-pre_V[_pre_i] / 2))`` of a GABA_A gate) is the same for all of that
neuron's synapses: ``hoist_per_source`` computes it once per neuron, in a loop before the
synapse loop, and the synapse loop reads it back.
"""

from __future__ import annotations

import ast
import copy
import functools
from collections import Counter
from typing import Callable

from bp_core.codegen.ast_facts import PURE_FUNCTIONS, is_invariant, pure_helpers
from bp_core.codegen.tree import Pass, StepTree, located, origin
from bp_core.integration.rendering import NameAllocator

__all__ = ["HOIST_PER_SOURCE", "HOIST_INVARIANTS", "HOIST_FUSED", "hoist_invariants", "hoist_per_source",
           "PURE_FUNCTIONS"]

def hoist_invariants(body: list[ast.stmt], invariant: set[str], names: NameAllocator,
                     pure: frozenset[str] = frozenset(), leaf: Callable[[ast.AST], bool] | None = None
                     ) -> tuple[list[ast.stmt], list[ast.stmt]]:
    """Split the per-element ``body`` into work done once before the loop and work per element.

    Parameters
    ----------
    body : list of ast.stmt
        The statements run for each element (modified in place).
    invariant : set of str
        Names whose value does not change during the loop (uniform parameters, ``_dt``, ``_t``).
    names : NameAllocator
        Source of names for the hoisted values.
    pure : frozenset of str
        Names of helper functions without side effects (their calls may move too).
    leaf : callable, optional
        Other expressions that do not change during the loop (a read of a uniform field).

    Returns
    -------
    prelude, body : list of ast.stmt
        Statements to run once before the loop, and the remaining loop body.
    """
    invariant = set(invariant)
    prelude: list[ast.stmt] = []
    assignments = _assignment_counts(body)
    moved = True
    while moved:
        moved = False
        for holder, index, stmt in list(_simple_assignments(body)):
            target = stmt.targets[0].id
            if assignments[target] == 1 and target not in invariant and \
                    is_invariant(stmt.value, invariant, leaf, pure):
                prelude.append(stmt)
                holder[index] = ast.Pass()
                invariant.add(target)
                moved = True
    body = _drop_passes(body)
    hoister = _ExpressionHoister(invariant, names, pure)
    body = [hoister.visit(stmt) for stmt in body]
    prelude += hoister.prelude
    return prelude, body or [ast.Pass()]


def hoist_per_source(body: list[ast.stmt], invariant: set[str], index: str, arrays: set[str],
                     names: NameAllocator) -> tuple[list[ast.stmt], list[ast.stmt]]:
    """Move work that depends only on ``arrays[index]`` (and invariants) into a loop over the source.

    Parameters
    ----------
    body : list of ast.stmt
        The per-synapse statements (modified in place).
    invariant : set of str
        Names constant during the loop.
    index : str
        The per-synapse index of the source neuron (``_pre_i``).
    arrays : set of str
        Field arrays of the source group, read as ``array[index]``.
    names : NameAllocator

    Returns
    -------
    source_loop, body : list of ast.stmt
        Statements to run before the synapse loop (allocating one array per hoisted value and
        filling it in one pass over the source neurons), and the remaining per-synapse body.
    """
    if not arrays:
        return [], body
    per_source: set[str] = set()
    computed: list[tuple[str, str, ast.expr, int | None]] = []  # (array, local, expression, user line)
    assignments = _assignment_counts(body)
    is_gather = functools.partial(_is_gather, index=index, arrays=arrays)
    moved = True
    while moved:
        moved = False
        for holder, position, stmt in list(_simple_assignments(body)):
            target = stmt.targets[0].id
            value = stmt.value
            if assignments[target] != 1 or target in per_source or \
                    not is_invariant(value, invariant | per_source, is_gather):
                continue
            if not any(is_gather(n) or (isinstance(n, ast.Name) and n.id in per_source) for n in ast.walk(value)):
                continue  # invariant: hoist_invariants' job
            array = names.fresh(f"_src_{target}")
            computed.append((array, target, value, origin(stmt)))
            holder[position] = located(ast.parse(f"{target} = {array}[{index}]").body, origin(stmt))[0]
            per_source.add(target)
            moved = True
    expressions = _SourceExpressionHoister(invariant | per_source, is_gather, per_source, index, names)
    body = [expressions.visit(stmt) for stmt in body]
    computed += expressions.computed
    if not computed:
        return [], body
    size = f"{sorted(arrays)[0]}.shape[0]"
    k = names.fresh(f"{index}_k")
    allocations = [located(ast.parse(f"{array} = np.empty({size})").body, line)[0]
                   for array, _, _, line in computed]
    loop = ast.parse(f"for {k} in range({size}):\n    pass").body[0]
    loop.body = []
    for array, target, value, line in computed:  # in the order found: each reads only earlier ones
        text = f"{target} = {ast.unparse(_Reindex(index, k).visit(copy.deepcopy(value)))}\n{array}[{k}] = {target}"
        loop.body += located(ast.parse(text).body, line)
    return allocations + located([loop], computed[0][3]), body


class _Tracking(ast.NodeTransformer):
    """A transformer that knows the user's line of the statement it is in."""

    line: int | None = None

    def visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.stmt) and origin(node) is not None:
            outer, self.line = self.line, origin(node)
            try:
                return super().visit(node)
            finally:
                self.line = outer
        return super().visit(node)


class _SourceExpressionHoister(_Tracking):
    """Replace calls computed from source values alone by a read of a per-source array."""

    def __init__(self, allowed: set[str], is_gather: Callable, per_source: set[str], index: str,
                 names: NameAllocator):
        self.allowed, self.is_gather, self.per_source = allowed, is_gather, per_source
        self.index, self.names = index, names
        self.computed: list[tuple[str, str, ast.expr, int | None]] = []

    def _hoistable(self, node: ast.expr) -> bool:
        return any(isinstance(n, ast.Call) for n in ast.walk(node)) and \
            is_invariant(node, self.allowed, self.is_gather) and \
            any(self.is_gather(n) or (isinstance(n, ast.Name) and n.id in self.per_source) for n in ast.walk(node))

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, (ast.BinOp, ast.Call, ast.UnaryOp)) and self._hoistable(node):
            array = self.names.fresh("_src_c")
            local = self.names.fresh("_c_src")
            self.computed.append((array, local, node, self.line))
            return ast.parse(f"{array}[{self.index}]", mode="eval").body
        return super().generic_visit(node)


class _Reindex(ast.NodeTransformer):
    def __init__(self, old: str, new: str):
        self.old, self.new = old, new

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name(self.new, node.ctx) if node.id == self.old else node


def _is_gather(node: ast.AST, index: str, arrays: set[str]) -> bool:
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in arrays and \
        isinstance(node.slice, ast.Name) and node.slice.id == index


def _worth_hoisting(node: ast.expr) -> bool:
    """Whether computing ``node`` once saves work (a name, a literal or a sign change does not)."""
    if isinstance(node, ast.UnaryOp):
        return _worth_hoisting(node.operand)
    return isinstance(node, (ast.BinOp, ast.Call))


class _ExpressionHoister(_Tracking):
    def __init__(self, invariant: set[str], names: NameAllocator, pure: frozenset[str] = frozenset()):
        self.invariant = invariant
        self.names = names
        self.pure = pure
        self.prelude: list[ast.stmt] = []
        self._bound: dict[str, str] = {}

    def _bind(self, node: ast.expr, preferred: str) -> ast.Name:
        text = ast.unparse(node)
        name = self._bound.get(text)
        if name is None:
            name = self.names.fresh(preferred)
            self._bound[text] = name
            self.prelude += located(ast.parse(f"{name} = {text}").body, self.line)
        return ast.Name(name, ast.Load())

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        if is_invariant(node, self.invariant, pure=self.pure):
            return self._bind(node, "_c")
        if isinstance(node.op, ast.Div) and is_invariant(node.right, self.invariant):
            left = self.visit(node.left)
            right = node.right
            preferred = f"_inv_{right.id}" if isinstance(right, ast.Name) else "_inv"
            reciprocal = self._bind(ast.BinOp(ast.Constant(1.0), ast.Div(), right), preferred)
            return ast.BinOp(left, ast.Mult(), reciprocal)
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        if is_invariant(node, self.invariant, pure=self.pure):
            return self._bind(node, "_c")
        return self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        if is_invariant(node, self.invariant, pure=self.pure) and _worth_hoisting(node):
            return self._bind(node, "_c")
        return self.generic_visit(node)


def _assignment_counts(body: list[ast.stmt]) -> Counter:
    """How often each local is bound anywhere in ``body`` (assignments, loop targets, ...)."""
    counts: Counter = Counter()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                counts[node.id] += 1
    return counts


def _simple_assignments(body: list[ast.stmt]):
    """Yield ``(list, index, stmt)`` for every ``name = expr`` statement, in nested blocks too."""
    for index, stmt in enumerate(body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            yield body, index, stmt
        if isinstance(stmt, (ast.If, ast.For, ast.While)):  # not into try blocks, whose errors are handled
            yield from _simple_assignments(stmt.body)
            yield from _simple_assignments(stmt.orelse)


def _drop_passes(body: list[ast.stmt]) -> list[ast.stmt]:
    out = []
    for stmt in body:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block:
                kept = _drop_passes(block)
                setattr(stmt, field, kept or ([ast.Pass()] if field == "body" else []))
        if not isinstance(stmt, ast.Pass):
            out.append(stmt)
    return out


def _hoistable(tree: StepTree) -> bool:
    """Scalar mode (a ``return`` there ends one element's step, like a branch: see ``element_exits``)."""
    return tree.scalar


def _invariant(tree: StepTree) -> set[str]:
    return set(tree.param_args.values()) - tree.per_element_args | {"_t", "_dt", "_i"}


def _hoist_per_source(tree: StepTree) -> None:
    pre = tree.inputs.states.get("pre")
    if pre is None or pre.index is None:
        return
    pre_fields = {arg for arg, (state, _) in tree.row_args.items() if state == "pre"}
    loop, tree.body = hoist_per_source(tree.body, _invariant(tree), pre.index, pre_fields, tree.names)
    tree.prelude = loop + tree.prelude


def _pure(tree: StepTree) -> frozenset[str]:
    return pure_helpers(tree.inputs.step.all_scope())


def _uniform_read(tree: StepTree) -> Callable[[ast.AST], bool]:
    """Whether a node is ``array[0]`` of a field holding one value in every element (``passes.uniform_fields``)."""
    def leaf(node: ast.AST) -> bool:
        return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
            node.value.id in tree.uniform_arrays and isinstance(node.slice, ast.Constant) and node.slice.value == 0
    return leaf


def _hoist_invariants(tree: StepTree) -> None:
    hoisted, tree.body = hoist_invariants(tree.body, _invariant(tree), tree.names, _pure(tree), _uniform_read(tree))
    tree.prelude = hoisted + tree.prelude


def _fused_loop(tree: StepTree) -> bool:
    """A vector-mode step that ``fuse_elementwise`` made one loop over elements."""
    return tree.fused


def _hoist_fused(tree: StepTree) -> None:
    loop = tree.body[0]
    hoisted, loop.body = hoist_invariants(loop.body, _invariant(tree), tree.names, _pure(tree))
    tree.prelude = tree.prelude + [ast.fix_missing_locations(stmt) for stmt in hoisted]


HOIST_PER_SOURCE = Pass("hoist per-source work", _hoist_per_source, applies=_hoistable)
HOIST_INVARIANTS = Pass("hoist loop invariants", _hoist_invariants, applies=_hoistable)
HOIST_FUSED = Pass("hoist loop invariants of fused lines", _hoist_fused, applies=_fused_loop)
