"""A pathway of postsynaptic spikes with a delay (Brian2's ``on_post`` with ``delay``): planning its delay line.

A step marked ``@bp.delayed(pathway='bp', on='post')`` reads ``post['spike']`` as it was the pathway's delay
ago, and everything else as it is now. The kernel keeps a delay line of the postsynaptic group's ``spike``
field (one slot per step of delay, one value per neuron of the group), pushed just before the step and read
by it, so the cost is one copy of the group's spikes per step, whatever the number of synapses. With one
delay per synapse (scalar mode) the line is as long as the longest, and each synapse reads its own slot. The line
belongs to the synapse's state version: setting ``syn.ST`` starts it again with no spikes on their way (as a
delay line refills from the state), while ``advance`` chunks, repeat-mode runs and snapshots keep it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bp_core.codegen.kernel import ObjectPlan
from bp_core.errors import ModelUseError
from bp_core.model.step_function import StepFunction
from bp_core.simulation.build_state import BuildState, DelayLine
from bp_core.simulation.delay_limits import check_delay_memory, delay_steps, refuse_dropping, values_waiting
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.sub_group import NeuSubGroup

__all__ = ["plan_post_delay", "post_pathway_step", "delayed_values"]

DELAYED_FIELD = "spike"
"""The postsynaptic field a pathway of postsynaptic spikes delays."""


def post_pathway_step(syn: Ensemble) -> StepFunction | None:
    """``syn``'s step on delayed postsynaptic spikes, if its model has one (and nothing else delayed)."""
    return next((s for s in syn.model.steps if s.is_delayed and s.on == "post"), None)


def delayed_values(syn: Ensemble) -> tuple[Any, np.dtype]:
    """The shape and type of one slot of ``syn``'s delay line, per delayed field: its state's, or for a pathway
    of postsynaptic spikes, the postsynaptic group's (a snapshot's buffer is checked against them)."""
    group = syn.post_group if post_pathway_step(syn) is not None else None
    if group is None:
        return syn.ST.shape, syn.ST["_data"].dtype
    parent = group.parent if isinstance(group, NeuSubGroup) else group
    return (parent.ST._data.shape[1],), parent.ST._data.dtype


def plan_post_delay(syn: Ensemble, plan: ObjectPlan, step: StepFunction, dt: float, build: BuildState) -> None:
    """Give ``plan`` a delay line of the postsynaptic spikes that ``step`` reads."""
    where = f"SynConn {syn.name!r}, pathway {step.pathway!r} of postsynaptic spikes"
    steps = np.asarray(delay_steps(syn, syn.delay, dt))
    per_synapse = steps.ndim == 1 and steps.size > 0 and steps.min() != steps.max()
    if per_synapse and syn.model.mode != "scalar":
        raise ModelUseError(f"{where}: one delay per synapse needs a scalar-mode step (a {syn.model.mode}-mode step "
                            f"handles each postsynaptic spike for all its synapses at once); write the step in "
                            f"scalar mode, or give one number, delay={{{step.pathway!r}: 2.}}.")
    group = syn.post_group
    if group is None:
        raise ModelUseError(f"{where}: the SynConn was made with num=..., so the postsynaptic spikes have no known "
                            f"group; give pre_group, post_group and conn.")
    state, access = plan.states["post"]
    if DELAYED_FIELD not in access.fields or access.ndim != 2:
        raise ModelUseError(f"{where}: the postsynaptic group must hold a 'spike' field, one value per neuron "
                            f"(it has {sorted(access.fields)}); give the neuron model a 'spike' field.")
    parent = group.parent if isinstance(group, NeuSubGroup) else group
    longest = int(steps.max()) if steps.size else 0
    shape = (longest + 1, 1, parent.ST._data.shape[1])
    line = build.delay_line(syn)
    if not isinstance(line, DelayLine) or line.buffer.shape != shape:
        # a new line (or a state set since): no postsynaptic spike on its way
        if isinstance(line, DelayLine) and values_waiting(line):
            refuse_dropping(syn)
        check_delay_memory(syn, shape, parent.ST._data.dtype, longest)
        line = DelayLine(np.zeros(shape, parent.ST._data.dtype), np.array([0, longest + 1], dtype=np.int64),
                         syn.ST.version)
        build.set_delay_line(syn, line)
    code = plan.code_name
    plan.delay_steps = longest
    plan.delay_rows = {DELAYED_FIELD: 0}
    plan.delay_state = "post"
    span = f"{int(steps.min())} to {longest}" if per_synapse else f"{longest}"
    plan.delay_note = (f"post[{DELAYED_FIELD!r}] delayed through a delay line of the postsynaptic group's spikes "
                       f"({span} steps); ST and the other fields as they are now")
    if per_synapse:
        # the step reads slot (read + offset) % length: the slot written delay steps ago, for each synapse
        offsets = np.ascontiguousarray(longest - steps)
        plan.delay_offsets = True
        plan.variables[f"{code}_delay_off"] = lambda: offsets
        plan.arg_map["_delay_off"] = f"{code}_delay_off"
    plan.variables[f"{code}_delay_buf"] = lambda: line.buffer
    plan.variables[f"{code}_delay_idx"] = lambda: line.index
    plan.arg_map["_delay_buf"] = f"{code}_delay_buf"
    plan.arg_map["_delay_read"] = f"{code}_delay_read"
