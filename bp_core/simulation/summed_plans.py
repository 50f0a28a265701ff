"""The summed variables of a SynConn, checked against the groups it connects and described to the kernel.

The declaration lives on the SynType (``bp_core.model.summed``); here each one is checked against the
postsynaptic state and made a ``kernel_ops.summed.SummedPlan``: the postsynaptic position of every
synapse in the flat field of the post state (the parent group's, for a subgroup) and the positions
the post group covers (the part of the field that is cleared each step).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bp_core.codegen.kernel_ops.plans import ObjectPlan
from bp_core.codegen.kernel_ops.summed import SummedPlan
from bp_core.errors import ModelUseError, close_matches
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.sub_group import NeuSubGroup

__all__ = ["plan_summed", "check_summed_targets", "post_runs", "MIN_MEAN_RUN"]

MIN_MEAN_RUN = 16
"""The mean run length from which a sum goes run by run (``post_runs``): below it, starting each run's slices
costs more than the scatter loop's index reads (640,000 synapses in runs of one length into 4,000 neurons broke
even near 12 synapses a run)."""


def check_summed_targets(syn: Ensemble) -> None:
    """Check that the postsynaptic state of ``syn`` has every field its model's summed variables set.

    Raises
    ------
    ModelUseError
        Naming the SynConn, the field and the fix.
    """
    post = syn.post
    fields = list(getattr(post, "fields", []))
    for summed in syn.model.summed:
        for state, key in summed.fields:
            have = list(getattr(getattr(syn, state), "fields", [])) if state != "ST" else syn.ST.fields
            if key not in have:
                raise ModelUseError(f"summed[{summed.target!r}] of SynType {syn.model.name!r} (SynConn {syn.name!r}) "
                                    f"reads {state}[{key!r}], which the {state}synaptic group's state does not have; "
                                    f"add it to its NeuState or name one of {have}.{close_matches(key, have)}")
        if summed.target in fields:
            continue
        where = f"summed[{summed.target!r}] of SynType {syn.model.name!r} (SynConn {syn.name!r})"
        if summed.target in syn.ST.fields:
            raise ModelUseError(f"{where} names {summed.target!r}, a field of the synapse state, not of the "
                                f"postsynaptic group; the key names the postsynaptic field that receives the sum: "
                                f"summed={{'g': {summed.source!r}}} with g a field of the post group's NeuState.")
        raise ModelUseError(f"{where} names {summed.target!r}, which the postsynaptic group's state does not have; "
                            f"add it to the neuron model's NeuState or name one of {fields}."
                            f"{close_matches(summed.target, fields)}")


def plan_summed(syn: Ensemble, plan: ObjectPlan) -> None:
    """Add the ``SummedPlan`` of each of ``syn``'s summed variables to its kernel description ``plan``."""
    if not syn.model.summed:
        return
    check_summed_targets(syn)
    post_index, clear = _post_positions(syn)
    code = plan.code_name
    plan.variables[f"{code}_summed_post"] = lambda: post_index
    if isinstance(clear, np.ndarray):
        plan.variables[f"{code}_summed_sel"] = lambda: clear
        bounds: dict[str, Any] = {"clear_sel": f"{code}_summed_sel"}
    else:
        bounds = {"clear_lo": clear[0], "clear_hi": clear[1]}
    queue = plan.queue
    if any(state == "pre" for summed in syn.model.summed for state, _ in summed.fields):
        pre_index = np.ascontiguousarray(syn.pre_ids, dtype=np.int64)  # positions in the pre group's parent
        plan.variables[f"{code}_summed_pre"] = lambda: pre_index
        bounds["pre_index"] = f"{code}_summed_pre"
    runs = post_runs(post_index)
    if "pre_index" in bounds:
        # runs of one presynaptic neuron read its fields once a run, if they stay long enough
        one_pre = post_runs(post_index, pre_index)
        if one_pre is not None:
            runs, bounds["runs_one_pre"] = one_pre, True
    if runs is not None:
        plan.variables[f"{code}_summed_runs"] = lambda: runs
        bounds["post_runs"] = f"{code}_summed_runs"
    for summed in syn.model.summed:
        queued = sorted({key for state, key in summed.fields if state == "ST"} & set(queue.rows if queue else ()))
        if queue is not None and queue.skip_copy and queued:
            # the field is never stored: the queue holds its values as delayed events
            raise ModelUseError(f"summed[{summed.target!r}] of SynConn {syn.name!r} reads ST[{queued[0]!r}], a field "
                                f"its spike queue stands for (it is kept only as delayed events, {plan.delay_note}); "
                                f"sum a field that a synapse step stores, or give the SynConn no delay.")
        plan.summed.append(SummedPlan(summed.target, summed.source, f"{code}_summed_post", **bounds))


def post_runs(post_index: np.ndarray, pre_index: np.ndarray | None = None,
              min_mean: float | None = None) -> np.ndarray | None:
    """The runs of consecutive synapses whose postsynaptic positions follow each other (each one more than the
    last), as rows ``(first synapse, first position, length)`` in synapse order.

    Parameters
    ----------
    post_index : np.ndarray
        Each synapse's postsynaptic position.
    pre_index : np.ndarray, optional
        Each synapse's presynaptic position: when given, a run also ends where it changes (every run comes
        from one presynaptic neuron).
    min_mean : float, optional
        The shortest mean run length worth summing run by run (``MIN_MEAN_RUN`` when not given).

    Returns
    -------
    np.ndarray or None
        An int64 array of shape (runs, 3), or None when there are no synapses or the runs are shorter than
        ``min_mean`` on average.
    """
    min_mean = MIN_MEAN_RUN if min_mean is None else min_mean
    n = post_index.shape[0]
    breaks = np.diff(post_index) != 1
    if pre_index is not None:
        breaks |= np.diff(pre_index) != 0
    starts = np.flatnonzero(breaks) + 1
    if n == 0 or n < min_mean * (starts.shape[0] + 1):
        return None
    starts = np.concatenate(([0], starts))
    lengths = np.diff(np.append(starts, n))
    return np.ascontiguousarray(np.stack([starts, post_index[starts], lengths], axis=1), dtype=np.int64)


def _post_positions(syn: Ensemble) -> tuple[np.ndarray, tuple[int, int] | np.ndarray]:
    """Each synapse's position in the flat post field, and the positions of the post group (a range or an array)."""
    where = f"SynConn {syn.name!r} (SynType {syn.model.name!r}, summed {[s.target for s in syn.model.summed]})"
    group = syn.post_group
    if group is None or syn.post_ids is None:
        raise ModelUseError(f"{where} was made with num=..., so its synapses have no known postsynaptic neurons to "
                            f"sum into; make it with pre_group, post_group and conn.")
    if syn.post is not group.ST:
        raise ModelUseError(f"{where}: its post state was replaced by one that is not its post group's state; leave "
                            f"{syn.name}.post as the post group's state (the sums go to the group's neurons).")
    parent_size = int(np.prod(group.ST.shape))
    post_index = np.ascontiguousarray(syn.post_ids, dtype=np.int64)  # positions in the parent: SynConn keeps them so
    if isinstance(group, NeuSubGroup):
        bounds = group.contiguous_range()
        clear: tuple[int, int] | np.ndarray = bounds if bounds is not None else \
            np.ascontiguousarray(group.indices.ravel(), dtype=np.int64)
    else:
        clear = (0, parent_size)
    return post_index, clear
