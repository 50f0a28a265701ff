"""A spike queue: what it is, how the kernel uses it each step, and its plan (``QueuePlan``).

A synapse whose delayed fields copy presynaptic events (``codegen.event_delays``) has its events delayed
instead of its fields. Each step the kernel

1. *captures* the events where the copy step runs (or instead of it): the presynaptic neurons whose field
   is nonzero, from a monitor's list of the step's events when one holds, else by scanning the neurons
   that have synapses here (``kernel_ops.queues.QueueCapture``);
2. just before the delayed step, *pushes* them into the queue's slot of this step
   (``kernel_ops.queues.QueueArrival``); the delayed step then runs for the synapses the events of each
   delay reach now. Its element loop is, when that is exact, the walk of the arriving events itself
   (``QueueWalk``: for each event, its row of synapses, with the event's value standing for the delayed
   fields); otherwise the arrival lists those synapses, with the delayed value of each event field
   there, and the step loops over that list;
3. advances the queue's slot after the synapse's other work, as a delay line advances (``AdvanceQueue``).

When the copy step only copies, the fields it would write are written once per kernel call, from the
current events, when the kernel returns (``QueueOutput``).

Kernel variables ``<var>_<part>`` (``QueuePlan.var``): the queue ``ev``, ``val``, ``n``, ``pos``
(``simulation.build_state.SpikeQueue``), its routes ``src``, ``ptr``, ``syn``, ``lookup``
(``QueueRoutes``) and ``post`` (``WALK_ARGS``), scratch ``arr`` (synapses reached this step; ``<var>_na``
of them) and ``dval`` (delayed event-field values, by synapse); the rest are locals of the time loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["QueuePlan", "QueueWalk", "WALK_ARGS", "WALK_ARRIVALS"]

WALK_ARRIVALS = True
"""Whether a queue's delayed step may walk the arriving events itself (``QueueWalk``); False keeps the list
of arrivals everywhere (to compare the two forms)."""

WALK_ARGS = {part: f"_queue_{part}" for part in ("ev", "val", "n", "pos", "ptr", "syn", "post")}
"""Part of a queue -> the argument a delayed step walking its arrivals takes it as (``plan.arg_map``); ``post``
is the postsynaptic neuron of each synapse of ``syn``, in the same order (``<var>_post``)."""


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
    factors : dict
        Event field -> the static fields it is also the product of, read at delivery
        (``event_delays.delivered_step``).
    captured : tuple of str
        Parameters every event field is also the product of: the capture stores the event's value times them
        (``EventDelay.captured``).
    """

    var: str
    source: str
    copy_step: str
    delayed_step: str
    skip_copy: bool
    rows: dict[str, int]
    scales: dict[str, float]
    factors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    captured: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueueWalk:
    """The delayed step of a queue may run inside the walk of the arriving events (``passes.element_loop``).

    For each delay ``a`` of ``WALK_ARGS['pos'][2]``, the walk visits the events of the slot pushed
    ``pos[3] + a`` steps ago and, for each, its row of synapses of that delay; there the delayed value of
    each event field is ``scale`` times the event's value, and nothing else needs a per-synapse array.

    Attributes
    ----------
    scaled_rows : tuple of (int, float)
        (row of the delay buffer the translation reads, scale) of each event field.
    """

    scaled_rows: tuple[tuple[int, float], ...]

    @classmethod
    def of(cls, queue: QueuePlan) -> QueueWalk:
        """The walk of ``queue``'s arrivals."""
        return cls(tuple((row, queue.scales[key]) for key, row in queue.rows.items()))
