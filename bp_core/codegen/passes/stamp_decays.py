"""Exponentials of the time since a time stamp, read from tables where the time is a whole number of steps.

An event-driven rule keeps, for each synapse, the time its state was last brought up to date and decays the
state by the time since, at each of its spikes (Brian2's ``lastupdate``; ``bp.models.get_STDP``)::

    elapsed = _t - ST_t_last[syn]
    _stored = ST_a_pre[syn] * np.exp(-elapsed / tau_pre)
    ...
    ST_t_last[syn] = _t

A stamp set to ``_t`` lies on the run's time grid, so ``elapsed`` is a whole number ``k`` of steps and the
exponential is a per-step factor to the power ``k``: one factor of a table of ``exp(l * j)``, ``j < 4096``
(``decay_powers``, as ``passes.decay_at_events`` reads its traces' powers), times one of a table of
``exp(l * 4096 * j)``, where ``l`` is the exponent of one step; two loads and a product in place of a call
into the C library, one element at a time (Kremer's barrel cortex spends a quarter of its run in these
calls)::

    _stamp_q = elapsed * _stamp_inv_dt
    _stamp_k = int(_stamp_q + 0.5) if 0.0 <= _stamp_q < 16777216.0 else -1
    _stored = ST_a_pre[syn] * (_stamp_lo[_stamp_k & 4095] * _stamp_hi[_stamp_k >> 12]
                               if _stamp_k >= 0 and abs(_stamp_q - _stamp_k) <= _stamp_tol + 8.9e-16 * _stamp_q
                               else np.exp(-elapsed / tau_pre))

The test is made at every call, so nothing rests on the stamp being set where the pass expects: a time off
the grid (a stamp the user set to any value, a stamp of another run's grid), a negative or an infinite time,
or a gap of 2^24 steps or more calls ``exp`` as written. "On the grid" means within the rounding of the times
themselves (four units in the last place of ``_t`` and of the gap, in steps: ``_stamp_tol`` and the term in
``_stamp_q``), so the table's value differs
from the call's by the rounding of ``elapsed``, as the call's own does from the exact exponential: the same
results to a few ulp, not bit for bit. The exponent of one step is ``c * _dt`` for an exponent ``c * elapsed``
with ``c`` a product of uniform parameters and literals (``-1 / tau``), and the tables are computed once per
run (``passes.run_values``).

Only calls that the engine's vector ``exp`` (``passes.simd_math``) left alone change: calls under an ``if`` or
in a loop of the user's, which run one element at a time. ``elapsed`` is a name assigned ``_t - X`` (or
``X - _t``) earlier in the same straight-line code, or that difference written inside the call.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from bp_core import profile
from bp_core.backend.runtime import DECAY_POWERS
from bp_core.codegen.ast_facts import factor_of, homogeneous_in, math_call
from bp_core.codegen.passes.run_values import run_invariant
from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["STAMP_DECAYS"]

_T = "_t"
_LOW_BITS = DECAY_POWERS.bit_length() - 1
_TABLE = 1 << _LOW_BITS  # the length of a ``decay_powers`` table
assert _TABLE == DECAY_POWERS, "the stamp tables split a gap's bits: decay_powers' length must be a power of two"
_GAPS = 1 << (2 * _LOW_BITS)  # gaps of up to this many steps come from the two tables
_BLOCKS = ("body", "orelse", "finalbody")


def _difference(node: ast.expr | None, scalar: Callable[[ast.expr], bool]) -> int:
    """+1 for ``_t - X``, -1 for ``X - _t``, where ``X`` is one element of an array (``scalar``), else 0."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub)):
        return 0
    for side, other, sign in ((node.left, node.right, 1), (node.right, node.left, -1)):
        if isinstance(side, ast.Name) and side.id == _T and scalar(other):
            return sign
    return 0


@dataclass
class _Known:
    """What straight-line code before a statement has established.

    Attributes
    ----------
    defs : dict
        Names holding a time since a stamp -> (+1 or -1, the difference's sign; the names ``(q, k)`` of its
        steps once computed, else None).
    scalars : set of str
        Names holding one number (a ``range`` loop's variable, an element of a one-dimensional array).
    arrays : set of str
        Names holding a one-dimensional array (fields' rows, index lists, event lists, their slices).
    """

    defs: dict = field(default_factory=dict)
    scalars: set = field(default_factory=set)
    arrays: set = field(default_factory=set)

    def copy(self) -> _Known:
        return _Known(dict(self.defs), set(self.scalars), set(self.arrays))

    def forget(self, names: set[str]) -> None:
        for name in names:
            self.defs.pop(name, None)
            self.scalars.discard(name)
            self.arrays.discard(name)

    def array(self, node: ast.expr) -> bool:
        """Whether ``node`` is a one-dimensional array: a known one, or a slice of one."""
        if isinstance(node, ast.Name):
            return node.id in self.arrays
        return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and self.array(node.value)

    def element(self, node: ast.expr) -> bool:
        """Whether ``node`` is one element of a one-dimensional array, at a number."""
        return isinstance(node, ast.Subscript) and self.array(node.value) and (
            isinstance(node.slice, ast.Name) and node.slice.id in self.scalars or
            isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int))


class _Stamps:
    """The pass's state for one step: the per-run tables made so far (one pair per exponent of one step)."""

    def __init__(self, tree: StepTree):
        self.tree = tree
        self.scope = tree.inputs.step.all_scope()
        self.invariant = run_invariant(tree)
        self.tables: dict[str, tuple[str, str]] = {}
        self.setup: list[ast.stmt] = []
        self.inv_dt = self.tol = ""

    def _names(self) -> None:
        if self.inv_dt:
            return
        fresh = self.tree.names.fresh
        self.inv_dt, self.tol = fresh("_stamp_inv_dt"), fresh("_stamp_tol")
        self.setup += ast.parse(f"{self.inv_dt} = 1.0 / _dt\n"
                                f"{self.tol} = 1e-12 + 8.9e-16 * abs({_T}) * {self.inv_dt}").body

    def _table(self, exponent: ast.expr, sign: int) -> tuple[str, str]:
        """The tables of the step's exponent ``sign * exponent * _dt``, made once per distinct exponent."""
        text = ast.unparse(exponent)
        key = f"{sign}:{text}"
        if key not in self.tables:
            fresh = self.tree.names.fresh
            log, low, high = fresh("_stamp_l"), fresh("_stamp_lo"), fresh("_stamp_hi")
            self.setup += ast.parse(f"{log} = {'-' if sign < 0 else ''}({text}) * _dt\n"
                                    f"{low} = decay_powers({log})\n"
                                    f"{high} = decay_powers({log} * {float(_TABLE)!r})").body
            self.tables[key] = (low, high)
        return self.tables[key]

    def rewrite(self, stmt: ast.stmt, known: _Known) -> list[ast.stmt]:
        """``stmt`` with its exponentials of a time since a stamp read from tables, and the statements it needs
        before it."""
        before: list[ast.stmt] = []
        stamps = self

        class _Calls(ast.NodeTransformer):
            def __init__(self) -> None:
                self.guarded = 0  # inside a branch of a conditional expression or a short-circuit

            def _guarded(self, node: ast.AST) -> ast.AST:
                self.guarded += 1
                self.generic_visit(node)
                self.guarded -= 1
                return node

            visit_IfExp = visit_BoolOp = _guarded

            def _skip(self, node: ast.AST) -> ast.AST:  # names bound inside: nothing here may move before
                return node

            visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _skip

            def visit_Call(self, node: ast.Call) -> ast.AST:
                self.generic_visit(node)
                if math_call(node, stamps.scope) != "exp":
                    return node
                return stamps._tabled(node, known, before, self.guarded > 0)

        new = _Calls().visit(stmt)
        return located(before, origin(stmt)) + [new]

    def _tabled(self, call: ast.Call, known: _Known, before: list[ast.stmt], guarded: bool) -> ast.expr:
        argument = call.args[0]
        defs = known.defs
        elapsed, sign, steps = None, 0, None
        for node in ast.walk(argument):
            if isinstance(node, ast.Name) and node.id in defs:
                elapsed, (sign, steps) = node.id, defs[node.id]
                break
        if elapsed is None and not guarded:  # the difference written in the call: computed just before it
            for node in ast.walk(argument):
                sign = _difference(node, known.element)  # type: ignore[arg-type]
                if sign:
                    elapsed = self.tree.names.fresh("_stamp_y")
                    before.append(ast.Assign([ast.Name(elapsed, ast.Store())], node, lineno=0))
                    argument = _Substitute(node, elapsed).visit(argument)
                    break
        if elapsed is None or not homogeneous_in(argument, elapsed, self.invariant):
            return call
        exponent = factor_of(argument, elapsed)
        self._names()
        low, high = self._table(exponent, sign)
        if steps is None:  # the steps of this value of ``elapsed`` are not computed yet
            fresh = self.tree.names.fresh
            steps = fresh("_stamp_q"), fresh("_stamp_k")
            q, k = steps
            before += ast.parse(f"{q} = {'-' if sign < 0 else ''}{elapsed} * {self.inv_dt}\n"
                                f"{k} = int({q} + 0.5) if 0.0 <= {q} < {float(_GAPS)!r} else -1").body
            if elapsed in defs:
                defs[elapsed] = (sign, steps)
        q, k = steps
        tabled = ast.parse(f"{low}[{k} & {_TABLE - 1}] * {high}[{k} >> {_LOW_BITS}] "
                           f"if {k} >= 0 and abs({q} - {k}) <= {self.tol} + 8.9e-16 * {q} else 0.0", mode="eval").body
        tabled.orelse = ast.Call(call.func, [argument], [])  # type: ignore[attr-defined]
        return tabled


class _Substitute(ast.NodeTransformer):
    def __init__(self, node: ast.AST, name: str):
        self.node, self.name = node, name

    def visit(self, node: ast.AST) -> ast.AST:
        return ast.Name(self.name, ast.Load()) if node is self.node else super().visit(node)


def _assigned(stmts: list[ast.stmt]) -> set[str]:
    return {n.id for s in stmts for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _walk(stamps: _Stamps, block: list[ast.stmt], known: _Known) -> list[ast.stmt]:
    """``block`` rewritten, with what is ``known`` before it, which it updates as the block assigns names."""
    out: list[ast.stmt] = []
    for stmt in block:
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)):
            out += stamps.rewrite(stmt, known)
        else:
            inner = {a: getattr(stmt, a) for a in _BLOCKS if isinstance(getattr(stmt, a, None), list)}
            for attr, body in inner.items():
                seen = known.copy()
                if isinstance(stmt, (ast.For, ast.While)):
                    # a name assigned anywhere in the loop may hold a value from the iteration before
                    seen.forget(_assigned([stmt]))
                    if attr == "body" and isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and \
                            (_is_range(stmt.iter) or known.array(stmt.iter)):
                        seen.scalars.add(stmt.target.id)
                setattr(stmt, attr, _walk(stamps, body, seen))
            out.append(stmt)
        known.forget(_assigned([stmt]))
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, value = stmt.targets[0].id, stmt.value
            sign = _difference(value, known.element)
            if sign:
                known.defs[name] = (sign, None)
            if known.element(value):
                known.scalars.add(name)
            elif known.array(value):
                known.arrays.add(name)
    return out


def _is_range(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("range", "prange")


def _one_dimensional(tree: StepTree) -> set[str]:
    """The step's arguments that are one-dimensional arrays: rows of fields of two-dimensional state data, index
    lists' parts and the kernel's event lists."""
    rows = {arg for arg, (state, _) in tree.row_args.items()
            if state in tree.inputs.states and tree.inputs.states[state].ndim == 2}
    return rows | set(tree.list_args) | {arg for arg, (_, _, part) in tree.event_args.items() if part == "index"}


def _run(tree: StepTree) -> None:
    stamps = _Stamps(tree)
    # the prelude's statements stay: the tables are computed after them, from what they may compute
    arrays = _one_dimensional(tree)
    for part in ("body", "epilogue"):
        setattr(tree, part, _walk(stamps, getattr(tree, part), _Known(arrays=set(arrays))))
    if stamps.setup:
        first = tree.body[0] if tree.body else None
        tree.prelude += located(stamps.setup, origin(first) if first is not None else None)


def _applies(tree: StepTree) -> bool:
    if profile.run_on_gpu() or profile.get_float_type() is not np.float64:
        return False
    if _T in tree.inputs.step.locals:  # a step that assigns ``_t`` itself
        return False
    return any(isinstance(n, ast.Name) and n.id == _T for s in tree.statements() for n in ast.walk(s))


STAMP_DECAYS = Pass("exponentials since a time stamp from tables", _run, applies=_applies)
"""The pass (see the module docstring)."""
