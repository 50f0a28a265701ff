"""Moving the events a spike queue holds into a delay line, when a synapse's delays change form mid-run.

A SynConn's delays go through a spike queue while its delayed fields follow presynaptic events
(``codegen.event_delays``), and through a delay line of every synapse's fields otherwise, for instance once a
parameter the queue captured becomes per-synapse (``syn.pars['J'] = array``). The delay line is then filled
as it would be had the SynConn used one from the start: both are rings of ``longest delay + 1`` slots that
advance together, so the queue's slot ``s`` is the line's slot ``s``; there each event field of each
synapse of an event's presynaptic neuron holds ``scale * value * static factors`` (the copy step's product,
the event's value carrying the parameters captured when it left), 0 elsewhere, and each static field holds
the state. The line holds every synapse of a presynaptic neuron in the slot of the step it fired, whatever
the synapse's delay, as a delay line does; each synapse reads only the slot its delay ago.
"""

from __future__ import annotations

import numpy as np

from bp_core.codegen import event_delays
from bp_core.simulation.build_state import BuildState, SpikeQueue
from bp_core.simulation.ensemble import Ensemble
from bp_core.tools.arrays import aligned_empty

__all__ = ["line_from_queue"]


def line_from_queue(syn: Ensemble, queue: SpikeQueue, fields: list[str], steps: int | np.ndarray,
                    build: BuildState) -> np.ndarray | str:
    """The delay line buffer holding what ``queue`` holds, or why it cannot be moved exactly.

    Parameters
    ----------
    syn : Ensemble
        The SynConn whose delays go through ``queue``.
    queue : SpikeQueue
        Its queue, current for its state.
    fields : list of str
        The delay line's rows: the fields of ``syn.ST`` its delayed steps read.
    steps : int or ndarray
        The delay in steps the line is for (one, or one per synapse).
    build : BuildState
        Holds the queue's routes.

    Returns
    -------
    ndarray or str
        ``(longest + 1, len(fields), syn.num)`` buffer, or what changed besides the form (the delays, the
        float type), which the move cannot follow.
    """
    form = event_delays.analyse(syn.model)
    routes = build.routes(syn)
    delays = int(steps) if np.ndim(steps) == 0 else np.asarray(steps, dtype=np.int64)
    if routes is None or routes.key[0] is not syn.pre_ids or type(routes.key[1]) is not type(delays) or \
            not np.array_equal(routes.key[1], delays) or routes.sources.size != queue.events.shape[1]:
        return "its delays changed since the events were sent"
    if queue.values.dtype != syn.ST._data.dtype:
        return "its float type changed since the events were sent"
    if isinstance(form, str) or syn.ST.shape != (syn.num,) or set(fields) != set(form.scales) | set(form.static):
        return f"its delayed fields are no longer copies of presynaptic events ({form})"
    ages = int(queue.position[2])
    # each synapse's presynaptic neuron, as a position among the queue's sources
    source_of = np.empty(syn.num, dtype=np.int64)
    source_of[routes.synapses] = np.repeat(np.arange(routes.sources.size), np.diff(routes.ptr[::ages]))
    slots = int(queue.position[1])
    buffer = aligned_empty((slots, len(fields), syn.num), queue.values.dtype)
    for slot in range(slots):
        value = np.zeros(routes.sources.size, dtype=queue.values.dtype)
        count = queue.counts[slot]
        value[queue.events[slot, :count]] = queue.values[slot, :count]
        for row, name in enumerate(fields):
            if name not in form.scales:  # a static field: as the state holds it
                buffer[slot, row] = syn.ST[name]
                continue
            # the copy step's product, in the order the queue's output writes it
            field = form.scales[name] * value[source_of]
            for factor in form.factors.get(name, ()):
                field = field * syn.ST[factor]
            buffer[slot, row] = field
    return buffer
