"""What the engine derives for the objects of one network, kept by the network instead of on the objects.

User objects (NeuGroup, SynConn) hold what the user gave them: model, state, parameters, data,
monitors, and the last run's results. The names they take in generated code and the values on their
way through synaptic delays (a delay line of the delayed fields, or a spike queue of presynaptic
events) belong to the network that runs them, here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from bp_core.errors import ModelUseError

if TYPE_CHECKING:
    from bp_core.codegen.event_delays import EventDelay

__all__ = ["BuildState", "DelayLine", "SpikeQueue", "QueueRoutes", "fill_slots"]


@dataclass
class DelayLine:
    """The values of a synapse's delayed fields on their way.

    Attributes
    ----------
    buffer : ndarray
        (delay steps + 1, delayed fields, *state shape): one slot per step of delay.
    index : ndarray
        ``[write position, number of slots]`` (the length is data, so a new delay needs no recompilation).
    version : int
        The state version the buffer was filled for; a state set by the user since refills it.
    fields : tuple of str
        The delayed fields, in the buffer's row order (empty where the line holds a group's spikes).
    queue_form : EventDelay or None
        Set where the line stands for a spike queue only because the state held values no events copy: the
        event form of the delayed fields, with which the line gives way to the queue once it holds only
        copies of events (``simulation.line_to_queue``).
    """

    buffer: np.ndarray
    index: np.ndarray
    version: int
    fields: tuple[str, ...] = ()
    queue_form: EventDelay | None = None

    def copy(self) -> DelayLine:
        """An independent copy."""
        return DelayLine(self.buffer.copy(), self.index.copy(), self.version, self.fields, self.queue_form)


def fill_slots(buffer: np.ndarray, state: Any, fields: Sequence[str]) -> None:
    """Every slot of a delay line's ``buffer`` holds ``state``'s values of the delayed ``fields`` (row by row):
    a line started from the state, as if it had held those values for the longest delay."""
    for row, name in enumerate(fields):
        buffer[:, row] = state[name]


@dataclass
class SpikeQueue:
    """Presynaptic events on their way through a synapse's delays (what stands for a delay line of fields that
    follow presynaptic events; see ``bp_core.codegen.event_delays``).

    Attributes
    ----------
    events : ndarray
        (slots + 1, sources) int64: for each step of delay, the positions (in ``QueueRoutes.sources``) of the
        presynaptic neurons that fired; the last row holds the events of the current step.
    values : ndarray
        (slots + 1, sources): the presynaptic field's value at each event.
    counts : ndarray
        (slots + 1,) int64: events in each row.
    position : ndarray
        ``[write slot, slots, ages, shortest delay]`` in steps (data, so new delays need no recompilation).
    version : int
        The state version the queue was started for; a state set by the user since starts it again.
    """

    events: np.ndarray
    values: np.ndarray
    counts: np.ndarray
    position: np.ndarray
    version: int

    def copy(self) -> SpikeQueue:
        """An independent copy."""
        return SpikeQueue(self.events.copy(), self.values.copy(), self.counts.copy(), self.position.copy(),
                          self.version)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """What a snapshot keeps: ``(events, values, counts, position)``."""
        return self.events, self.values, self.counts, self.position


@dataclass
class QueueRoutes:
    """Where each presynaptic event goes after each delay: synapses grouped by source neuron, then by delay.

    Attributes
    ----------
    sources : ndarray
        Presynaptic neurons (ids in their group's parent) that have synapses, ascending.
    ptr : ndarray
        ``ptr[e * ages + a]:ptr[e * ages + a + 1]`` delimits, in ``synapses``, the synapses of source ``e``
        with delay ``shortest + a`` steps.
    synapses : ndarray
        Synapse ids, ascending within each (source, delay) row.
    lookup : ndarray
        Parent neuron id -> its position in ``sources`` (-1 when it has no synapse here).
    shortest, longest : int
        Delays in steps.
    key : tuple
        What the routes were made from (the synapses' endpoints and delays), to know when to remake them.
    posts : tuple
        ``(post ids, their values in the order of synapses)`` once made (``spike_queues``), else empty.
    """

    sources: np.ndarray
    ptr: np.ndarray
    synapses: np.ndarray
    lookup: np.ndarray
    shortest: int
    longest: int
    key: tuple
    posts: tuple = ()


class BuildState:
    """Code names and delay lines of a network's objects (keyed by object name, unique in a network)."""

    def __init__(self) -> None:
        self._code_names: dict[str, str] = {}
        self._delays: dict[str, DelayLine | SpikeQueue] = {}
        self._routes: dict[str, QueueRoutes] = {}
        self._element_rows: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._decay_clocks: dict[str, dict[str, np.ndarray]] = {}

    def name_objects(self, members: Sequence[Any]) -> None:
        """Give each object its name in generated code.

        Objects the user did not name are named by position, so identical networks share one kernel.
        """
        codes = {}
        for k, obj in enumerate(members):
            code = obj.name if obj._named_by_user else f"{type(obj).__name__}{k}"
            codes[obj.name] = re.sub(r"\W", "_", code)
        if len(set(codes.values())) != len(codes):
            raise ModelUseError(f"object names must stay distinct in generated code, got {list(codes.values())}.")
        self._code_names = codes

    def code_name(self, obj: Any) -> str:
        """The identifier prefix of ``obj``'s kernel variables."""
        return self._code_names[obj.name]

    def delay_line(self, obj: Any) -> DelayLine | SpikeQueue | None:
        """``obj``'s delay line or spike queue, if it has run one that is still current for its state."""
        line = self._delays.get(obj.name)
        if line is None or line.version != obj.ST.version:
            return None
        return line

    def last_delay_line(self, obj: Any) -> DelayLine | SpikeQueue | None:
        """``obj``'s delay line or spike queue as the last run left it, current for its state or not."""
        return self._delays.get(obj.name)

    def set_delay_line(self, obj: Any, line: DelayLine | SpikeQueue) -> None:
        """Keep ``line`` as ``obj``'s delay line (or spike queue)."""
        self._delays[obj.name] = line

    def routes(self, obj: Any) -> QueueRoutes | None:
        """The routes of ``obj``'s spike queue made last (check their ``key`` before use)."""
        return self._routes.get(obj.name)

    def set_routes(self, obj: Any, routes: QueueRoutes) -> None:
        """Keep ``routes`` for ``obj``."""
        self._routes[obj.name] = routes

    def element_rows(self, obj: Any, side: str) -> tuple[Any, ...] | None:
        """What ``simulation.element_rows`` kept for ``obj``'s ``side`` (it checks whether that is still current)."""
        return self._element_rows.get((obj.name, side))

    def set_element_rows(self, obj: Any, side: str, rows: tuple[Any, ...]) -> None:
        """Keep ``rows`` (``simulation.element_rows``) for ``obj``'s ``side``."""
        self._element_rows[(obj.name, side)] = rows

    def decay_clock(self, obj: Any, size: int) -> dict[str, np.ndarray]:
        """``obj``'s ``'last'`` (one step per synapse) and ``'now'`` arrays of traces decayed at its synapses'
        visits (``codegen.kernel_ops.decays``): each kernel call sets them before its first step."""
        held = self._decay_clocks.get(obj.name)
        if held is None or held["last"].size != size:
            held = self._decay_clocks[obj.name] = {"last": np.zeros(size, np.int64), "now": np.zeros(1, np.int64)}
        return held
