"""Moving a delay line back into a spike queue once every value on its way is a copy of presynaptic events.

A SynConn whose delayed fields follow presynaptic events (``codegen.event_delays``) delays the events through
a spike queue. A state set by the user with values no events copy (different values among one presynaptic
neuron's synapses) can only be delayed by a delay line of every synapse's fields, so planning keeps one
(``simulation.spike_queues``) and marks it with the queue it stands for (``DelayLine.queue_form``). The copy
step still runs every step and writes copies of events into the line, so once the longest delay has passed
every slot holds such copies. At each run such a line is read back: when every slot, and the state, is a
copy of events, their events fill a spike queue slot for slot (the two rings of ``longest delay + 1`` slots
advance together: ``simulation.queue_to_line`` moves the other way), and the run that follows plans the queue
once. Until then the line stays, and delivers the values it holds.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from bp_core.simulation.build_state import BuildState, DelayLine, SpikeQueue
from bp_core.simulation.delay_limits import check_delay_memory
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.spike_queues import EventCopies

__all__ = ["return_to_queues", "queue_from_line"]


def return_to_queues(objects: Sequence[Ensemble], build: BuildState) -> None:
    """Give each of ``objects`` whose delay line stands for a spike queue (``DelayLine.queue_form``) that queue
    back when the line holds only copies of events (``queue_from_line``).

    Parameters
    ----------
    objects : sequence of Ensemble
        A network's objects (those with no such line are passed over at the cost of a lookup).
    build : BuildState
        Where their delay lines, spike queues and routes are kept.
    """
    for obj in objects:
        line = build.delay_line(obj)
        if type(line) is DelayLine and line.queue_form is not None:
            queue = queue_from_line(obj, line, build)
            if queue is not None:
                build.set_delay_line(obj, queue)


def queue_from_line(syn: Ensemble, line: DelayLine, build: BuildState) -> SpikeQueue | None:
    """The spike queue holding the events whose copies ``line`` and ``syn``'s state hold, or None while one of
    them holds values no events copy (or the line no longer fits the queue's routes: planning then decides).

    Parameters
    ----------
    syn : Ensemble
        The SynConn.
    line : DelayLine
        Its delay line, current for its state, with ``queue_form`` set.
    build : BuildState
        Holds the routes its queue was planned with.
    """
    form = line.queue_form
    routes = build.routes(syn)
    slots = line.buffer.shape[0]
    if form is None or routes is None or routes.longest + 1 != slots or syn.ST.shape != (syn.num,) or \
            line.buffer.shape[2:] != (syn.num,):
        return None
    rows = {name: row for row, name in enumerate(line.fields)}
    if not set(form.scales) | set(form.static) <= set(rows):
        return None
    ages = routes.longest - routes.shortest + 1
    write = int(line.index[0])
    with syn.ST.reading():
        for name in form.static:  # a weight the delayed step reads: at delivery, as the state holds it now
            if not np.array_equal(line.buffer[:, rows[name]], np.broadcast_to(syn.ST[name], (slots, syn.num))):
                return None
        copies = EventCopies(syn, routes, form, ages)
        read = []
        # the slot written longest ago first: it is the last one the copy step overwrites
        for slot in (write + np.arange(slots)) % slots:
            events = copies.read({name: line.buffer[slot, rows[name]] for name in form.scales})
            if isinstance(events, str):
                return None
            read.append((int(slot), events))
        current = copies.read({name: syn.ST[name] for name in form.scales})
    if isinstance(current, str):
        return None
    shape = (slots + 1, routes.sources.size)
    check_delay_memory(syn, (2,) + shape, np.int64, routes.longest)  # events and their values
    queue = SpikeQueue(np.zeros(shape, np.int64), np.zeros(shape, line.buffer.dtype), np.zeros(slots + 1, np.int64),
                       np.array([write, slots, ages, routes.shortest], dtype=np.int64), syn.ST.version)
    for slot, (events, values) in read + [(slots, current)]:  # the last row: the current step's events
        queue.events[slot, :events.size] = events
        queue.values[slot, :events.size] = values
        queue.counts[slot] = events.size
    return queue
