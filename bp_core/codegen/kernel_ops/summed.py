"""Summed-variable operations: clear each summed postsynaptic field, then add each SynConn's sum into it.

A sum of a field reads the field; a sum of an expression (``"ST['w'] * (pre['V'] - post['V'])"``) evaluates it
as one array over the synapses, the neurons' fields taken at each synapse's pre- or postsynaptic neuron.

They run at the start of every time step, before any object's operations (``KernelSchedule.summed``),
so the value the neurons read does not depend on the order of the objects (see ``bp_core.model.summed``).
Every field is cleared before any sum is added, so several SynConns summing into one field add up.
The sum of one SynConn is the runtime helper ``add_sums``: ``np.bincount`` of its synapses' postsynaptic
indices weighted by the synapse field under plain NumPy, a scatter loop under numba. Compiled for the CPU, the
sum of an expression is one loop over the synapses that evaluates it at each synapse and adds it to the
neuron's field (``FusedSum``), as Brian2's summed-variable code does: evaluating it as an array first made a
temporary of one value per synapse at every step and read the synapses twice. The order of the additions is
the helper's, so the sums are the same bit for bit.

When consecutive synapses mostly go to consecutive neurons (all-to-all and one-to-one connections, ordered by
presynaptic neuron), the loop goes over those runs instead (``RunSum``): within a run the synapses' fields and the
neurons' are contiguous slices, added element by element without reading the postsynaptic index of each synapse,
which the compiler turns into vector instructions (a scatter through an index array it cannot vectorise). A run
holds each neuron at most once and the runs are visited in synapse order, so every neuron still receives its
synapses' values in increasing synapse order: the same sums, bit for bit.
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from bp_core import profile
from bp_core.codegen.kernel_ops.base import Bind, KernelOp, Schedule, register
from bp_core.codegen.kernel_ops.plans import ObjectPlan
from bp_core.codegen.kernel_ops.syntax import expression, statement, statements

__all__ = ["SummedPlan", "ClearSummed", "AddSummed", "FusedSum", "RunSum", "summed_operations"]


@dataclass(frozen=True)
class SummedPlan:
    """How the kernel computes one summed variable of a SynConn.

    Attributes
    ----------
    target : str
        The postsynaptic field.
    source : str
        The synapse field summed, or an expression of one synapse (``model.summed_expressions``).
    post_index : str
        Kernel variable: each synapse's postsynaptic neuron, as a position in the flat field of the
        postsynaptic state (the parent group's, for a subgroup).
    clear_lo, clear_hi : int
        The neurons of the post group, when they are the positions ``clear_lo:clear_hi``.
    clear_sel : str
        Kernel variable listing the post group's positions otherwise ('' when a range holds them).
    pre_index : str
        Kernel variable: each synapse's presynaptic neuron in the flat presynaptic field (for an expression
        reading ``pre[...]``; '' otherwise).
    post_runs : str
        Kernel variable: the runs of consecutive synapses whose postsynaptic positions are consecutive, one row
        ``(first synapse, first position, length)`` each, in synapse order; '' when the runs are too short to
        pay (``summed_plans.post_runs``).
    runs_one_pre : bool
        Whether each run comes from one presynaptic neuron, so that the expression's presynaptic fields are
        read once a run.
    """

    target: str
    source: str
    post_index: str
    clear_lo: int = 0
    clear_hi: int = 0
    clear_sel: str = ""
    pre_index: str = ""
    post_runs: str = ""
    runs_one_pre: bool = False


@register
@dataclass
class ClearSummed(KernelOp):
    """``field[lo:hi] = 0.0`` (or ``field[sel] = 0.0``): the post group's part of a summed field, cleared."""

    kind: ClassVar[str] = "clear_summed"
    field: str
    lo: int
    hi: int
    sel: str

    def lower(self) -> list[ast.stmt]:
        if self.sel:
            return [statement("FIELD[SEL] = 0.0", FIELD=self.field, SEL=self.sel)]
        return [statement("FIELD[LO:HI] = 0.0", FIELD=self.field, LO=self.lo, HI=self.hi)]


@register
@dataclass
class AddSummed(KernelOp):
    """``add_sums(field, post_index, source)``: add each synapse's value to its postsynaptic neuron's."""

    kind: ClassVar[str] = "add_summed"
    field: str
    post_index: str
    source: str

    def lower(self) -> list[ast.stmt]:
        return [statement("add_sums(FIELD, INDEX, SOURCE)", FIELD=self.field, INDEX=self.post_index,
                          SOURCE=self.source)]


@register
@dataclass
class FusedSum(KernelOp):
    """``for _summed_s in range(...): field[post_index[_summed_s]] += value``: an expression's sum in one loop.

    ``value`` is the expression of one synapse, ``_summed_s`` (``_per_synapse`` with ``at``).
    """

    kind: ClassVar[str] = "fused_sum"
    field: str
    post_index: str
    value: ast.expr

    def lower(self) -> list[ast.stmt]:
        return [statement("for _summed_s in range(INDEX.shape[0]):\n    FIELD[INDEX[_summed_s]] += VALUE",
                          FIELD=self.field, INDEX=self.post_index, VALUE=self.value)]


_SYNAPSE_SLICE = "VIEW = ARRAY[R_a:R_a + R_n]"
_POST_SLICE = "VIEW = ARRAY[R_p:R_p + R_n]"


@register
@dataclass
class RunSum(KernelOp):
    """An expression's sum over runs of synapses with consecutive postsynaptic neurons, slice by slice.

    ``views`` are ``(name, array, base)``: ``name`` is bound in each run to ``array``'s slice of the run,
    from the run's first synapse (``base`` 'a') or its first postsynaptic position (``base`` 'p');
    ``value`` reads them at ``<prefix>_k``, the synapse's place in the run. ``scalars`` are ``(name, row,
    index)``: ``name`` is bound in each run to ``row[index[first synapse]]`` (a presynaptic field, when each
    run comes from one presynaptic neuron).
    """

    kind: ClassVar[str] = "run_sum"
    field: str
    runs: str
    prefix: str
    views: list[tuple[str, str, str]]
    value: ast.expr
    scalars: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)

    def lower(self) -> list[ast.stmt]:
        names = {"R": self.prefix}
        views = [statement(_SYNAPSE_SLICE if base == "a" else _POST_SLICE, names, VIEW=view, ARRAY=array)
                 for view, array, base in self.views]
        views += [statement("NAME = ROW[INDEX[R_a]]", names, NAME=name, ROW=row, INDEX=index)
                  for name, row, index in self.scalars]
        (loop,) = statements("for R_r in range(RUNS.shape[0]):\n    R_a = RUNS[R_r, 0]\n    R_p = RUNS[R_r, 1]\n"
                             "    R_n = RUNS[R_r, 2]\n    R_out = FIELD[R_p:R_p + R_n]", names, RUNS=self.runs,
                             FIELD=self.field)
        assert isinstance(loop, ast.For)
        loop.body += views + statements("for R_k in range(R_n):\n    R_out[R_k] += VALUE", names, VALUE=self.value)
        return [loop]


def summed_operations(sched: Schedule, objects: list[ObjectPlan]) -> list[KernelOp]:
    """The operations of every summed variable of ``objects``: expressions evaluated, fields cleared, sums added.

    Expressions are evaluated before any field is cleared, so one that reads a summed field (``pre['I']`` of
    a recurrent SynConn) sees the value the previous step left, as every other field it reads. An expression
    that reads no summed field is summed in one loop (``FusedSum``, or ``RunSum`` over the SynConn's runs of
    consecutive postsynaptic neurons when it has them) when the kernel is compiled for the CPU (plain Python
    runs the array and ``np.bincount`` faster than a loop).
    """
    values: list[KernelOp] = []
    clears: list[KernelOp] = []
    adds: list[KernelOp] = []
    fuse = profile.is_jit() and not profile.run_on_gpu()
    targets = {_flat_post_field(sched, obj, plan.target) for obj in objects for plan in getattr(obj, "summed", ())}
    for obj in objects:
        for plan in getattr(obj, "summed", ()):
            field = _flat_post_field(sched, obj, plan.target)
            clear = ClearSummed(field, plan.clear_lo, plan.clear_hi, plan.clear_sel)
            if clear not in clears:
                clears.append(clear)
            if plan.source.isidentifier():
                value = sched.bind_flat_row(obj, plan.source)
            elif fuse and not _reads(sched, obj, plan) & targets:
                adds.append(_run_sum(sched, obj, plan, field, len(adds)) if plan.post_runs else
                            FusedSum(field, plan.post_index, _per_synapse(sched, obj, plan, "_summed_s")))
                continue
            else:
                value = f"_summed_{len(values)}"
                values.append(Bind(value, _per_synapse(sched, obj, plan)))
            adds.append(AddSummed(field, plan.post_index, value))
    return values + clears + adds


def _flat_post_field(sched: Schedule, obj: ObjectPlan, key: str) -> str:
    """The kernel variable holding the postsynaptic state's field ``key`` as a flat array."""
    return _flat_row(sched, obj, "post", key)


def _flat_row(sched: Schedule, obj: ObjectPlan, state: str, key: str) -> str:
    var = sched.bind_row(obj, state, key)
    if obj.states[state][1].ndim <= 2:
        return var
    return sched.bind(f"{var}_flat", expression("VAR.reshape(-1)", VAR=var))


def _reads(sched: Schedule, obj: ObjectPlan, plan: SummedPlan) -> set[str]:
    """The kernel variables of the neurons' fields the expression reads."""
    tree = ast.parse(plan.source.strip(), mode="eval")
    return {_flat_row(sched, obj, n.value.id, n.slice.value) for n in ast.walk(tree)  # type: ignore[attr-defined]
            if isinstance(n, ast.Subscript) and n.value.id != "ST"}  # type: ignore[attr-defined]


def _run_sum(sched: Schedule, obj: ObjectPlan, plan: SummedPlan, target: str, number: int) -> RunSum:
    """The ``RunSum`` of ``plan``'s expression: its synapse and postsynaptic fields read through slices of the
    run, its presynaptic fields through the slice of the presynaptic indices (numbered ``number`` in the step's
    sums, which names its loop variables)."""
    prefix = f"_summed{number}"
    views: dict[tuple[str, str], str] = {}
    scalars: dict[str, str] = {}

    def view(array: str, base: str) -> str:
        return views.setdefault((array, base), f"{prefix}_v{len(views)}")

    class Fields(ast.NodeTransformer):
        def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
            state, key = node.value.id, node.slice.value  # type: ignore[attr-defined]  (checked at definition)
            at = f"{prefix}_k"
            if state == "ST":
                return expression("VIEW[AT]", VIEW=view(sched.bind_flat_row(obj, key), "a"), AT=at)
            row = _flat_row(sched, obj, state, key)
            if state == "post":
                return expression("VIEW[AT]", VIEW=view(row, "p"), AT=at)
            if plan.runs_one_pre:
                return ast.Name(scalars.setdefault(row, f"{prefix}_s{len(scalars)}"), ast.Load())
            return expression("ROW[VIEW[AT]]", ROW=row, VIEW=view(plan.pre_index, "a"), AT=at)

    value = ast.fix_missing_locations(Fields().visit(ast.parse(plan.source.strip(), mode="eval")).body)
    return RunSum(target, plan.post_runs, prefix, [(name, array, base) for (array, base), name in views.items()],
                  value, [(name, row, plan.pre_index) for row, name in scalars.items()])


def _per_synapse(sched: Schedule, obj: ObjectPlan, plan: SummedPlan, at: str = "") -> ast.expr:
    """The expression's syntax tree with ``ST['x']`` the synapse field and ``pre['x']`` / ``post['x']`` the
    neurons' fields at each synapse's neuron: one value per synapse, or the value of synapse ``at`` (a loop
    variable) when given."""
    index = {"pre": plan.pre_index, "post": plan.post_index}

    class Fields(ast.NodeTransformer):
        def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
            state, key = node.value.id, node.slice.value  # type: ignore[attr-defined]  (checked at definition)
            if state == "ST":
                row = sched.bind_flat_row(obj, key)
                return expression("ROW[AT]", ROW=row, AT=at) if at else ast.Name(row, ast.Load())
            if at:
                return expression("ROW[INDEX[AT]]", ROW=_flat_row(sched, obj, state, key), INDEX=index[state], AT=at)
            return expression("ROW[INDEX]", ROW=_flat_row(sched, obj, state, key), INDEX=index[state])

    tree = ast.parse(plan.source.strip(), mode="eval")
    return ast.fix_missing_locations(Fields().visit(tree).body)
