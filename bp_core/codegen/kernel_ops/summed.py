"""Summed-variable operations: clear each summed postsynaptic field, then add each SynConn's sum into it.

They run at the start of every time step, before any object's operations (``KernelSchedule.summed``),
so the value the neurons read does not depend on the order of the objects (see ``bp_core.model.summed``).
Every field is cleared before any sum is added, so several SynConns summing into one field add up.
The sum of one SynConn is the runtime helper ``add_sums``: ``np.bincount`` of its synapses' postsynaptic
indices weighted by the synapse field under plain NumPy, a scatter loop under numba.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import ClassVar

from bp_core.codegen.kernel_ops.base import KernelOp, Schedule, register
from bp_core.codegen.kernel_ops.plans import ObjectPlan
from bp_core.codegen.kernel_ops.syntax import expression, statement

__all__ = ["SummedPlan", "ClearSummed", "AddSummed", "summed_operations"]


@dataclass(frozen=True)
class SummedPlan:
    """How the kernel computes one summed variable of a SynConn.

    Attributes
    ----------
    target : str
        The postsynaptic field.
    source : str
        The synapse field summed.
    post_index : str
        Kernel variable: each synapse's postsynaptic neuron, as a position in the flat field of the
        postsynaptic state (the parent group's, for a subgroup).
    clear_lo, clear_hi : int
        The neurons of the post group, when they are the positions ``clear_lo:clear_hi``.
    clear_sel : str
        Kernel variable listing the post group's positions otherwise ('' when a range holds them).
    """

    target: str
    source: str
    post_index: str
    clear_lo: int = 0
    clear_hi: int = 0
    clear_sel: str = ""


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


def summed_operations(sched: Schedule, objects: list[ObjectPlan]) -> list[KernelOp]:
    """The clearing and adding operations of every summed variable of ``objects``, clears first."""
    clears: list[KernelOp] = []
    adds: list[KernelOp] = []
    for obj in objects:
        for plan in getattr(obj, "summed", ()):
            field = _flat_post_field(sched, obj, plan.target)
            clear = ClearSummed(field, plan.clear_lo, plan.clear_hi, plan.clear_sel)
            if clear not in clears:
                clears.append(clear)
            adds.append(AddSummed(field, plan.post_index, sched.bind_flat_row(obj, plan.source)))
    return clears + adds


def _flat_post_field(sched: Schedule, obj: ObjectPlan, key: str) -> str:
    """The kernel variable holding the postsynaptic state's field ``key`` as a flat array."""
    var = sched.bind_row(obj, "post", key)
    if obj.states["post"][1].ndim <= 2:
        return var
    return sched.bind(f"{var}_flat", expression("VAR.reshape(-1)", VAR=var))
