"""The buffers one run records its monitors into, under a memory budget.

Dense records are allocated whole before the run; event records start with room for the
expected rate (10 Hz) and one step of every element firing, and for a thousand events at least. Both count against the budget before anything is
allocated, so a run that cannot fit fails before it allocates or releases anything (the last run's records
stay). Event records then grow: the kernel stops
before a step that might overflow one (see ``STATUS_GROW``), the buffer doubles, and the
kernel resumes at that step, so no event is lost whatever the rate. Growth past the budget
stops the run with a ``ModelUseError``; what was recorded up to then is kept.

A run call is cheap when the structure has not changed: what the records are follows from the build
(:class:`RecordingLayout`, made once per build), an event record of the same size as the last run's takes the
last run's buffers (their events were copied out into ``group.mon``), and the memory available is read from the
system at most once a second unless a run's records would take a sizeable part of it.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from typing import Any

import numpy as np

from bp_core import profile
from bp_core.codegen.kernel import MonitorPlan, ObjectPlan
from bp_core.errors import ModelUseError
from bp_core.model.event_fields import stored_fields
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.monitors import Events, MonitorResults
from bp_core.tools.arrays import aligned_empty

__all__ = ["Recording", "RecordingLayout", "values_needed", "monitor_limit", "first_event_capacity",
           "MIN_FIRST_EVENTS"]

_EXPECTED_RATE = 0.01
"""Events per element and ms the first event buffers are sized for (10 Hz); they grow as needed."""

MIN_FIRST_EVENTS = 1024
"""Events a first event buffer holds at least (12-20 kB): a small group firing above the expected rate would
otherwise stop the kernel to grow its buffer several times in one short run, and each stop (a kernel call, a
copy) costs more than the steps of such a run."""

AVAILABLE_TTL = 1.0
"""Seconds a reading of the memory available stands for runs whose records take little of the budget."""

AVAILABLE_SHARE = 1 / 16
"""Records taking more than this share of the budget last read make a run read the memory available again."""

_available = {"limit": 0.0, "read": -math.inf}
_available_lock = threading.Lock()


def monitor_limit(need: float = math.inf) -> float:
    """The monitor budget of one run in bytes, for records of ``need`` bytes.

    A limit set in ``bp.profile`` is returned as it is. The automatic one (a share of the memory available)
    asks the system (``psutil``, tens of microseconds) when its last reading is older than
    :data:`AVAILABLE_TTL` or ``need`` is more than :data:`AVAILABLE_SHARE` of it, so a run that would take a
    sizeable part of the memory is always judged on a fresh reading, and the many small runs of a widget are
    not slowed by reading ``/proc``.
    """
    if profile.monitor_limit_is_set():
        return profile.get_monitor_memory_limit() * 2**20
    with _available_lock:
        limit, read = _available["limit"], _available["read"]
        now = time.monotonic()
        if now - read > AVAILABLE_TTL or need > AVAILABLE_SHARE * limit:
            limit = profile.get_monitor_memory_limit() * 2**20
            _available.update(limit=limit, read=now)
        return limit


class RecordingLayout:
    """What a build records, known once per structure: its dense and event records, and which event records
    keep their values (values other than 0 and 1 can reach the field) whatever the state holds.

    Parameters
    ----------
    members : list of (Ensemble, ObjectPlan)
        The network's objects and their plans (one build's).
    input_fields : set of (object name, field)
        Fields the run's inputs write.
    """

    def __init__(self, members: list[tuple[Ensemble, ObjectPlan]], input_fields: set[tuple[str, str]]):
        objects = [obj for obj, _ in members]
        self.members = members
        self.dense = [(obj, mon) for obj, plan in members for mon in plan.monitors if not mon.events]
        self.events = [(obj, mon) for obj, plan in members for mon in plan.monitors if mon.events]
        self.always_valued: set[tuple[str, str]] = set()
        self.check_values: list[tuple[Ensemble, str]] = []  # valued unless the state holds only 0 and 1
        self._empties: dict[int, MonitorResults] = {}
        for obj, mon in self.events:
            if _values_reach(obj, mon.key, objects, input_fields):
                self.always_valued.add((obj.name, mon.key))
            else:
                self.check_values.append((obj, mon.key))

    def empty(self, obj: Ensemble) -> MonitorResults:
        """``obj``'s monitors while a run records (no rows): made once per build, as they hold nothing."""
        if id(obj) not in self._empties:
            self._empties[id(obj)] = MonitorResults.empty(obj.monitors, obj.ST.shape)
        return self._empties[id(obj)]

    def valued(self) -> set[tuple[str, str]]:
        """Event records that keep their values in a run starting from the state as it is now."""
        out = set(self.always_valued)
        for obj, key in self.check_values:
            state = obj.ST
            if state.__dict__.get("_held") is None:  # no device holds newer values: read the host's
                values = state._data[state._var2idx[key]]
            else:
                with state.reading():  # the check only reads the state: a GPU keeps its copy in use
                    values = state[key]
            if not _binary(values):
                out.add((obj.name, key))
        return out


class Recording:
    """Monitor buffers of one run of ``n_steps`` steps starting at epoch step ``first``.

    Parameters
    ----------
    layout : RecordingLayout or list of (Ensemble, ObjectPlan)
        What the build records (or the network's objects and their plans, to work it out now).
    n_steps, first : int
        Length of the run and its first step in the epoch.
    dt : float
    valued : set of (object name, key)
        Event monitors that keep their values (values not known to be 0 or 1).
    spare : dict, optional
        The last run's event buffers (:meth:`spare_events`): a record of the same size takes them.
    """

    def __init__(self, layout: RecordingLayout | list[tuple[Ensemble, ObjectPlan]], n_steps: int, first: int,
                 dt: float, valued: set[tuple[str, str]], spare: dict[str, np.ndarray] | None = None):
        if not isinstance(layout, RecordingLayout):
            layout = RecordingLayout(layout, set())
        self.layout = layout
        self.members = layout.members
        self.n_steps = n_steps
        self.first = first
        self.buffers: dict[str, np.ndarray] = {}
        self._events: list[tuple[Ensemble, MonitorPlan]] = []
        self._expected = int(n_steps * dt * _EXPECTED_RATE)
        self._valued = valued
        self._spare = spare or {}
        self._events_allocated: set[str] = set()
        dense = layout.dense
        total = sum(self._dense_bytes(obj, mon) for obj, mon in dense)
        events = [(obj, mon, self._first_capacity(obj) * self._entry_bytes(obj, mon)) for obj, mon in layout.events]
        self.limit = monitor_limit(total + sum(size for _, _, size in events))
        if total > self.limit:
            raise ModelUseError(
                f"the monitors of this run would take {total / 2**20:.1f} MiB, more than the limit of "
                f"{self.limit / 2**20:.0f} MiB ({_limit_origin()}). Monitor fewer variables or neurons "
                f"(monitors=[('V', [0, 1, 2])]), record less often (bp.Monitor('V', interval=1.)) or as "
                f"float32, run shorter pieces with net.advance(...), or raise the limit with "
                f"bp.profile.set(monitor_memory_limit=...) (MiB).")
        self._dense = dense
        self._check_first_events(total, events)

    def _check_first_events(self, dense: int, events: list[tuple[Ensemble, MonitorPlan, int]]) -> None:
        """Refuse the run when the first event buffers (sized for the expected rate) do not fit beside the dense
        records: checked before anything is allocated or the last run's records are released."""
        total = dense + sum(size for _, _, size in events)
        if total <= self.limit:
            return
        obj, mon, size = max(events, key=lambda item: item[2])
        raise ModelUseError(
            f"the monitors of this run would take {total / 2**20:.1f} MiB, more than the limit of "
            f"{self.limit / 2**20:.0f} MiB ({_limit_origin()}): the events of monitor {mon.key!r} of {obj.name!r} "
            f"alone take {size / 2**20:.1f} MiB at the expected {_EXPECTED_RATE * 1000:g} Hz over "
            f"{self.n_steps} steps. Run shorter pieces with net.advance(...), monitor fewer fields, or raise the "
            f"limit with bp.profile.set(monitor_memory_limit=...) (MiB); the last run's records are kept.")

    def _first_capacity(self, obj: Ensemble) -> int:
        return first_event_capacity(obj.num, self._expected)

    def _entry_bytes(self, obj: Ensemble, mon: MonitorPlan) -> int:
        keep = (obj.name, mon.key) in self._valued
        return 4 + 8 + (obj.ST._data.itemsize if keep else 0)  # int32 index, int64 step, the value if kept

    def allocate(self) -> "Recording":
        """Allocate the buffers (the budget was checked when the recording was made).

        Raises ``ModelUseError`` when the system cannot give the memory (the buffers are not touched yet, so
        this is only the address space).
        """
        try:
            return self._allocate()
        except MemoryError:
            self.buffers.clear()
            raise ModelUseError(
                f"the system could not allocate the {self.n_steps}-step monitor buffers of this run; run shorter "
                f"pieces with net.advance(...) or monitor less. The last run's records are kept.") from None

    def _allocate(self) -> "Recording":
        for obj, mon in self._dense:
            self.buffers[mon.var] = aligned_empty(self._dense_shape(obj, mon), self._dtype(obj, mon))
        for obj, mon in self.layout.events:
            self._events.append((obj, mon))
            keep = (obj.name, mon.key) in self._valued
            self._allocate_events(obj, mon, self._first_capacity(obj), keep)
        return self

    # -- buffers ----------------------------------------------------------------------------------

    def _dtype(self, obj: Ensemble, mon: MonitorPlan) -> Any:
        return obj.monitor_specs[mon.key].dtype or obj.ST._data.dtype

    def _rows(self, mon: MonitorPlan, steps: int) -> int:
        """Rows a record of every ``mon.every``-th epoch step holds over ``steps`` steps from ``first``."""
        k = mon.every
        return -(-(self.first + steps) // k) - (-(-self.first // k))

    def _dense_shape(self, obj: Ensemble, mon: MonitorPlan) -> tuple[int, ...]:
        columns = (obj.monitor_specs[mon.key].indices.size,) if mon.selected else obj.ST.shape
        return (self._rows(mon, self.n_steps),) + tuple(columns)

    def _dense_bytes(self, obj: Ensemble, mon: MonitorPlan) -> int:
        return math.prod(self._dense_shape(obj, mon)) * np.dtype(self._dtype(obj, mon)).itemsize

    def _allocate_events(self, obj: Ensemble, mon: MonitorPlan, capacity: int, keep: bool) -> None:
        if mon.var not in self._events_allocated and self._take_spare(obj, mon, capacity, keep):
            return
        self._events_allocated.add(mon.var)
        old = {part: self.buffers.get(f"{mon.var}_{part}") for part in ("index", "step", "value")}
        count = int(self.buffers[f"{mon.var}_count"][0]) if f"{mon.var}_count" in self.buffers else 0
        new = {"index": np.empty(capacity, dtype=np.int32), "step": np.empty(capacity, dtype=np.int64),
               "value": np.empty(capacity if keep else 0, dtype=obj.ST._data.dtype)}
        for part, array in new.items():
            if old[part] is not None and array.size:
                array[:count] = old[part][:count]
            self.buffers[f"{mon.var}_{part}"] = array
        self.buffers.setdefault(f"{mon.var}_count", np.zeros(1, dtype=np.int64))

    def _take_spare(self, obj: Ensemble, mon: MonitorPlan, capacity: int, keep: bool) -> bool:
        """Take the last run's buffers of this record when they have the size a new one would have."""
        names = [f"{mon.var}_{part}" for part in ("index", "step", "value", "count")]
        spare = [self._spare.get(name) for name in names]
        sizes = (capacity, capacity, capacity if keep else 0, 1)
        dtypes = (np.int32, np.int64, obj.ST._data.dtype, np.int64)
        if any(a is None or a.size != n or a.dtype != d for a, n, d in zip(spare, sizes, dtypes)):
            return False
        spare[3][0] = 0
        self.buffers.update(zip(names, spare))
        self._events_allocated.add(mon.var)
        return True

    def spare_events(self) -> dict[str, np.ndarray]:
        """The event buffers of this run that have their first size (never grown), for the next run to take.

        Nothing else holds them: :meth:`results` copies the events out.
        """
        out = {}
        for obj, mon in self._events:
            names = [f"{mon.var}_{part}" for part in ("index", "step", "value", "count")]
            if self.buffers[names[0]].size == self._first_capacity(obj):
                out.update((name, self.buffers[name]) for name in names)
        return out

    def bytes(self) -> int:
        """Bytes held by every buffer."""
        return sum(b.nbytes for b in self.buffers.values())

    def grow(self, number: int) -> None:
        """Double the event record ``number`` (the kernel plan's numbering), within the budget."""
        obj, mon = self._events[number]
        index = self.buffers[f"{mon.var}_index"]
        keep = self.buffers[f"{mon.var}_value"].size > 0
        added = index.size * self._entry_bytes(obj, mon)
        if self.bytes() + added > self.limit:
            raise ModelUseError(
                f"the events of monitor {mon.key!r} of {obj.name!r} would take more than the monitor limit of "
                f"{self.limit / 2**20:.0f} MiB ({_limit_origin()}); the run stopped there and keeps what it "
                f"recorded. Run shorter pieces with net.advance(...) or raise the limit with "
                f"bp.profile.set(monitor_memory_limit=...) (MiB).")
        self._allocate_events(obj, mon, 2 * index.size, keep)  # copies the events recorded so far

    # -- results ----------------------------------------------------------------------------------

    def results(self, obj: Ensemble, plan: ObjectPlan, valid: int, t_start: float, dt: float,
                ts: np.ndarray | None = None) -> MonitorResults:
        """The monitors of ``obj`` over the first ``valid`` steps of the run, as ``obj.mon`` (``ts``: the times of
        those steps, when the caller has them)."""
        if ts is None:
            ts = t_start + (self.first + np.arange(valid)) * dt
        arrays: dict[str, np.ndarray] = {"ts": ts}
        events: dict[str, Events] = {}
        extras: dict[str, np.ndarray] = {}
        for mon in plan.monitors:
            spec = obj.monitor_specs[mon.key]
            if mon.events:
                count = int(self.buffers[f"{mon.var}_count"][0])
                steps = self.buffers[f"{mon.var}_step"][:count] - self.first  # a new array
                kept = self.buffers[f"{mon.var}_value"]
                # a run that stopped early may have recorded events of the step it stopped at
                keep = slice(None) if valid >= self.n_steps else steps < valid
                events[mon.key] = Events(self.buffers[f"{mon.var}_index"][:count][keep].copy(), steps[keep],
                                         ts, obj.num, kept[:count][keep].copy() if kept.size else None)
                continue
            rows = self._rows(mon, valid)
            arrays[mon.key] = self.buffers[mon.var][:rows]
            if mon.every > 1:
                first_row = -(-self.first // mon.every)
                extras[f"{mon.key}_time"] = t_start + (first_row + np.arange(rows)) * mon.every * dt
            if mon.selected:
                extras[f"{mon.key}_index"] = spec.indices
        return MonitorResults(arrays, events, extras, {k: obj.ST.shape for k in events},
                              densify_check=functools.partial(_check_densify, obj))


def first_event_capacity(num: int, expected: int) -> int:
    """Events the first buffer of an event record of ``num`` elements holds, for ``expected`` events per element.

    The kernel stops to grow a buffer before any step that might not fit (one event per element), so a buffer
    with room for the expected events alone would stop once near the end of every run at that rate: it holds
    one step more, and at least :data:`MIN_FIRST_EVENTS`.
    """
    return max(num * (max(1, expected) + 1), MIN_FIRST_EVENTS)


def values_needed(obj: Ensemble, key: str, members: list[Ensemble], input_fields: set[tuple[str, str]]) -> bool:
    """Whether an event record of ``obj.ST[key]`` must keep values (they may be other than 0 and 1)."""
    return _values_reach(obj, key, members, input_fields) or not _binary(obj.ST[key])


def _binary(values: np.ndarray) -> bool:
    return bool(np.all((values == 0) | (values == 1)))


def _values_reach(obj: Ensemble, key: str, members: list[Ensemble], input_fields: set[tuple[str, str]]) -> bool:
    """Whether values other than 0 and 1 can reach ``obj.ST[key]`` during a run: an input, another object's step
    or a summed variable writes it, or the model's steps store other values (a structural fact)."""
    if key not in obj.model.binary_fields or (obj.name, key) in input_fields:
        return True
    for other in members:
        for role in ("pre", "post"):
            group = getattr(other, f"{role}_group", None)
            parent = getattr(group, "parent", None) or group
            if parent is obj and any(key in stored_fields(s.node, role) for s in other.model.steps):
                return True
            if role == "post" and parent is obj and any(s.target == key for s in getattr(other.model, "summed", ())):
                return True  # a summed variable sets the field each step
    return False


def _check_densify(obj: Ensemble, size: int) -> None:
    limit = monitor_limit(size)
    if size > limit:
        raise ModelUseError(
            f"the dense view of {obj.name!r}'s events would take {size / 2**20:.1f} MiB, more than the monitor "
            f"limit of {limit / 2**20:.0f} MiB; use the events themselves (mon.spike_index, mon.spike_time, "
            f"or mon.spike_events with bp.measure) instead of mon.spike.")


def _limit_origin() -> str:
    return "set in bp.profile" if profile.monitor_limit_is_set() else "half of the memory available now"
