"""The synapses of each presynaptic neuron as one range of synapse indices, when the synapses are in that order.

A scalar-mode synapse step whose element loop does nothing unless the synapse's presynaptic neuron spiked may
visit only the synapses of the neurons that spiked (``codegen.passes.follow_presynaptic_rows``). When the
synapses are ordered by presynaptic neuron (every connector of ``bp.connect`` makes them so), neuron ``p``'s
synapses are ``range(ptr[p], ptr[p + 1])``, and visiting the rows of the spiking neurons in ascending order
visits their synapses in the order of the whole loop: the same additions in the same order.
"""

from __future__ import annotations

import numpy as np

from bp_core.simulation.build_state import BuildState
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.sub_group import NeuSubGroup

__all__ = ["presynaptic_rows"]


def presynaptic_rows(syn: Ensemble, pre_global: np.ndarray, build: BuildState) -> np.ndarray | None:
    """``ptr`` (int64, one entry per element of the presynaptic state's row and one more) such that the synapses
    of presynaptic element ``p`` are ``range(ptr[p], ptr[p + 1])``; None when the synapses are not ordered by
    presynaptic element, or when the row holds more elements than there are synapses (a scan of the row would
    then cost more than the loop over the synapses it replaces).

    Parameters
    ----------
    syn : SynConn
        A scalar-mode SynConn.
    pre_global : numpy.ndarray
        Each synapse's presynaptic element in the row the step reads (the parent group's, for a subgroup).
    build : BuildState
        The network's build state, which keeps the rows from one run to the next (a run re-plans the network).
    """
    size = _row_size(syn)
    if size is None or size > pre_global.size:
        return None
    held = build.pre_rows(syn)
    if held is not None and held[0] is pre_global and held[1] == size:
        return held[2]
    ptr = None
    if pre_global.size == 0 or bool(np.all(pre_global[1:] >= pre_global[:-1])):
        ptr = np.searchsorted(pre_global, np.arange(size + 1, dtype=np.int64), side="left").astype(np.int64)
    build.set_pre_rows(syn, (pre_global, size, ptr))
    return ptr


def _row_size(syn: Ensemble) -> int | None:
    """The number of elements of the presynaptic row the step reads (None for a state of several dimensions)."""
    group = getattr(syn, "pre_group", None)
    if group is not None:
        parent = group.parent if isinstance(group, NeuSubGroup) else group
        data = parent.ST._data
    else:
        data = syn.pre._data
    return int(data.shape[1]) if data.ndim == 2 else None
