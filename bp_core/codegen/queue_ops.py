"""A spike queue: what it is, how the kernel uses it each step, and its plan (``QueuePlan``).

A synapse whose delayed fields copy presynaptic events (``codegen.event_delays``) has its events delayed
instead of its fields. Each step the kernel

1. *captures* the events where the copy step runs (or instead of it): the presynaptic neurons whose field
   is nonzero, from a monitor's list of the step's events when one holds, else by scanning the neurons
   that have synapses here (``kernel_ops.queues.QueueCapture``);
2. just before the delayed step, *pushes* them into the queue's slot of this step and lists the synapses
   that the events of each delay reach now, with the delayed value of each event field there; the delayed
   step then runs for those synapses only (``kernel_ops.queues.QueueArrival``);
3. advances the queue's slot after the synapse's other work, as a delay line advances (``AdvanceQueue``).

When the copy step only copies, the fields it would write are written once per kernel call, from the
current events, when the kernel returns (``QueueOutput``).

Kernel variables ``<var>_<part>`` (``QueuePlan.var``): the queue ``ev``, ``val``, ``n``, ``pos``
(``simulation.build_state.SpikeQueue``), its routes ``src``, ``ptr``, ``syn``, ``lookup``
(``QueueRoutes``), scratch ``arr`` (synapses reached this step; ``<var>_na`` of them) and ``dval``
(delayed event-field values, by synapse); the rest are locals of the time loop.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QueuePlan"]


@dataclass
class QueuePlan:
    """A spike queue standing for the delay line of a synapse whose delayed fields follow presynaptic events.

    Attributes
    ----------
    var : str
        Prefix of its kernel variables.
    source : str
        The presynaptic field whose nonzero elements are the events.
    copy_step, delayed_step : str
    skip_copy : bool
        The copy step is replaced by the capture of the events.
    rows : dict
        Event field -> row of ``<var>_dval``.
    scales : dict
        Event field -> the number it is ``pre[source]`` times.
    """

    var: str
    source: str
    copy_step: str
    delayed_step: str
    skip_copy: bool
    rows: dict[str, int]
    scales: dict[str, float]

