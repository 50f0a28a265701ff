"""The synapses of each presynaptic (or postsynaptic) neuron as one row of synapse indices.

A scalar-mode synapse step whose element loop does nothing unless the synapse's presynaptic (or postsynaptic)
neuron spiked may visit only the synapses of the neurons that spiked (``codegen.passes.follow_presynaptic_rows``).
When the synapses are ordered by that side's neuron (every connector of ``bp.connect`` orders them by
presynaptic neuron), neuron ``p``'s synapses are ``range(ptr[p], ptr[p + 1])``, and visiting the rows of the
spiking neurons in ascending order visits their synapses in the order of the whole loop: the same additions in
the same order. Otherwise (the postsynaptic side of most connectors, an ``(i, j)`` list given by hand or
permuted) they are ``order[ptr[p]:ptr[p + 1]]``, each row in increasing synapse index.
"""

from __future__ import annotations

import numpy as np

from bp_core.simulation.build_state import BuildState
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.sub_group import NeuSubGroup

__all__ = ["element_rows"]


def element_rows(syn: Ensemble, side: str, global_ids: np.ndarray, build: BuildState
                 ) -> tuple[np.ndarray, np.ndarray | None] | None:
    """``(ptr, order)``: ``ptr`` (int64, one entry per element of ``side``'s state row and one more) such that
    the synapses of element ``p`` are ``range(ptr[p], ptr[p + 1])`` when ``order`` is None (the synapses are
    ordered by that side's element), else ``order[ptr[p]:ptr[p + 1]]`` (int64, each row in increasing synapse
    index). None when the row holds more elements than there are synapses (a scan of the row would then cost
    more than the loop over the synapses it replaces).

    Parameters
    ----------
    syn : SynConn
        A scalar-mode SynConn.
    side : {'pre', 'post'}
        Whose rows.
    global_ids : numpy.ndarray
        Each synapse's element of that side in the row the step reads (the parent group's, for a subgroup).
    build : BuildState
        The network's build state, which keeps the rows from one run to the next (a run re-plans the network).
    """
    size = _row_size(syn, side)
    if size is None or size > global_ids.size:
        return None
    held = build.element_rows(syn, side)
    if held is not None and held[0] is global_ids and held[1] == size:
        return held[2]
    order = None
    ordered = global_ids
    if global_ids.size and not bool(np.all(global_ids[1:] >= global_ids[:-1])):
        order = np.argsort(global_ids, kind="stable").astype(np.int64)  # stable: rows in increasing index
        ordered = global_ids[order]
    ptr = np.searchsorted(ordered, np.arange(size + 1, dtype=np.int64), side="left").astype(np.int64)
    build.set_element_rows(syn, side, (global_ids, size, (ptr, order)))
    return ptr, order


def _row_size(syn: Ensemble, side: str) -> int | None:
    """The number of elements of ``side``'s row the step reads (None for a state of several dimensions)."""
    group = getattr(syn, f"{side}_group", None)
    if group is not None:
        parent = group.parent if isinstance(group, NeuSubGroup) else group
        data = parent.ST._data
    else:
        data = getattr(syn, side)._data
    return int(data.shape[1]) if data.ndim == 2 else None
