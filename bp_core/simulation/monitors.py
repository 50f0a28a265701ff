"""What a group records, and what it recorded: monitor declarations and the ``group.mon`` record.

``monitors=[...]`` of a NeuGroup or SynConn takes field names (``'V'``, ``'ST.V'``), pairs of a
field and the elements to record (``('V', [0, 5, 10])``), and :class:`Monitor` objects, which
also choose how often to record and in which float type::

    bp.NeuGroup(HH, 100, monitors=['spike', ('V', [0, 1]), bp.Monitor('n', interval=1., dtype='float32')])

Fields that hold events (see :mod:`bp_core.model.event_fields`; every ``spike`` field) are
recorded inside the kernel as (element, step) pairs: ``group.mon.spike_index`` and
``group.mon.spike_time`` give them directly, ``group.mon.spike_events`` gives them as one
:class:`Events` object that ``bp.measure`` accepts, and ``group.mon.spike`` is the dense
(steps, elements) array of the spec, built from the events on first access and kept.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from bp_core.errors import ModelUseError, close_matches, describe_value
from bp_core.tools.dicts import DictPlus, MissingItemError
from bp_core.tools.events import Events

__all__ = ["Monitor", "Events", "MonitorResults", "parse_monitors"]

_FLOAT_TYPES = {"float32": np.float32, "float64": np.float64}


@dataclass(frozen=True, eq=False)
class Monitor:
    """A monitored state field.

    Parameters
    ----------
    key : str
        The field (``'V'`` or ``'ST.V'``).
    indices : array of int, optional
        Elements to record (flat indices); all when not given.
    interval : float, optional
        Record every ``interval`` ms (a whole number of time steps); every step when not given.
    dtype : {'float32', 'float64'}, optional
        Float type of the record; the state's when not given.
    """

    key: str
    indices: Any = None
    interval: float | None = None
    dtype: Any = None

    def __post_init__(self) -> None:
        if isinstance(self.key, str) and self.key:
            return
        got = f"{type(self.key).__name__} {getattr(self.key, 'name', '')!r}" if hasattr(self.key, "ST") \
            else describe_value(self.key)
        hint = " (Monitor(group, fields) is another simulator's form: give monitors=[...] to the group)" \
            if hasattr(self.key, "ST") else ""
        raise ModelUseError(f"bp.Monitor takes the name of one state field first, got {got}{hint}: write "
                            f"bp.Monitor('V', indices=[0, 1], interval=1., dtype='float32') in monitors=[...] of "
                            f"a NeuGroup or SynConn (indices, interval and dtype optional).")

    @property
    def whole(self) -> bool:
        """True when every element is recorded at every step in the state's float type."""
        return self.indices is None and self.interval is None and self.dtype is None

    def every(self, dt: float, owner: str) -> int:
        """The recording interval in time steps of ``dt`` ms."""
        if self.interval is None:
            return 1
        steps = self.interval / dt
        if steps > 2.**62:  # compiled code counts steps in int64
            raise ModelUseError(f"monitor {self.key!r} of {owner!r}: interval={self.interval} ms is {steps:.3g} time "
                                f"steps (dt={dt} ms), more than a run can count; give an interval within the run.")
        if abs(steps - round(steps)) > 1e-6 * max(1.0, steps) or round(steps) < 1:
            raise ModelUseError(f"monitor {self.key!r} of {owner!r}: interval={self.interval} ms is not a whole "
                                f"number of time steps (dt={dt} ms); choose a multiple of dt.")
        return int(round(steps))


class MonitorResults(DictPlus):
    """``group.mon``: recorded arrays by field name, plus ``ts``; also what ``Network.advance`` returns per object.

    A dict (and a :class:`~bp_core.tools.DictPlus`: ``mon.V`` is ``mon['V']``). Event fields are densified on
    first access and kept; ``<key>_index``, ``<key>_time`` and ``<key>_events`` give the events themselves. A
    decimated or selective monitor also has ``<key>_time`` (the times of its rows) and ``<key>_index`` (the
    elements of its columns). Built by the simulator; build one yourself to hand recorded arrays (read from a
    file, say) to code that takes monitors.

    Parameters
    ----------
    arrays : dict of str to ndarray, optional
        Dense records by field name, with ``ts`` (the times of the rows).
    events : dict of str to Events, optional
        Fields recorded as events (:class:`~bp_core.Events`), densified on first access.
    extras : dict of str to ndarray, optional
        ``<key>_time`` and ``<key>_index`` of decimated or selective monitors (outside the keys).
    shapes : dict of str to tuple, optional
        Shape of one row of an event field's dense view (default ``(num,)``: the events' element count).
    densify_check : callable, optional
        Called with the bytes a dense view would take before it is built; raises to refuse it.

    Examples
    --------
    >>> import numpy as np, bp_core as bp
    >>> ts = np.arange(3) * 0.1
    >>> mon = bp.MonitorResults({'ts': ts}, {'spike': bp.Events(np.array([1]), np.array([2]), ts, 2)})
    >>> mon.spike.tolist(), mon.spike_index.tolist()
    ([[0.0, 0.0], [0.0, 0.0], [0.0, 1.0]], [1])
    """

    def __init__(self, arrays: dict[str, np.ndarray] | None = None, events: dict[str, Events] | None = None,
                 extras: dict[str, np.ndarray] | None = None, shapes: dict[str, tuple] | None = None,
                 densify_check: Callable[[int], None] | None = None):
        super().__init__(arrays or {})
        object.__setattr__(self, "_events", dict(events or {}))
        object.__setattr__(self, "_extras", dict(extras or {}))
        object.__setattr__(self, "_shapes", dict(shapes or {}))
        object.__setattr__(self, "_densify_check", densify_check)
        for key, ev in self._events.items():
            self._extras.setdefault(f"{key}_index", ev.index)
            self._extras.setdefault(f"{key}_events", ev)

    def __missing__(self, key: str) -> Any:
        events = self.__dict__["_events"]
        if key in events:
            ev = events[key]
            shape = self._shapes.get(key, (ev.num,))
            if self._densify_check is not None:
                self._densify_check(ev.ts.size * ev.num * 8)
            value = ev.dense().reshape((ev.ts.size,) + tuple(shape))
            dict.__setitem__(self, key, value)
            return value
        if key.endswith("_time") and key[:-5] in events:
            return events[key[:-5]].time
        extras = self.__dict__["_extras"]
        if key in extras:
            return extras[key]
        raise KeyError(key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            known = list(self.keys())
            raise MissingItemError(f"the monitors hold no {name!r}; they hold {known}."
                                   f"{close_matches(name, known)}") from None

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.__dict__["_events"]

    def keys(self):  # type: ignore[override]
        return list(dict.keys(self)) + [k for k in self._events if not dict.__contains__(self, k)]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def items(self):  # type: ignore[override]
        return [(k, self[k]) for k in self.keys()]

    def values(self):  # type: ignore[override]
        return [self[k] for k in self.keys()]

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def copy(self) -> "MonitorResults":
        """A shallow copy (events stay events)."""
        return MonitorResults(dict(dict.items(self)), self._events, self._extras, self._shapes, self._densify_check)

    @classmethod
    def empty(cls, keys: list[str], shape: tuple) -> "MonitorResults":
        """The monitors of an object before its first run: each key with no rows."""
        return cls({k: np.zeros((0,) + tuple(shape)) for k in keys})

    def event_keys(self) -> list[str]:
        """Fields recorded as events."""
        return list(self._events)

    def __repr__(self) -> str:
        return f"MonitorResults({self.keys()})"


def parse_monitors(owner: str, fields: list[str], num: int, monitors: Any) -> dict[str, Monitor]:
    """Validate ``monitors=[...]`` of object ``owner`` and return field -> :class:`Monitor`."""
    if monitors is None:
        return {}
    if isinstance(monitors, (str, Monitor)) or not isinstance(monitors, (list, tuple)):
        monitors = [monitors]
    out: dict[str, Monitor] = {}
    for item in monitors:
        if isinstance(item, str):
            mon = Monitor(item)
        elif isinstance(item, Monitor):
            mon = item
        elif isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], str):
            mon = Monitor(item[0], indices=item[1])
        else:
            raise ModelUseError(f"monitors of {owner!r}: {item!r} is neither a field name, a (field, indices) "
                                f"pair nor a bp.Monitor.")
        key = mon.key[3:] if mon.key.startswith("ST.") else mon.key
        if key not in fields:
            raise ModelUseError(f"cannot monitor {mon.key!r} of {owner!r}: its state has no such field."
                                f"{close_matches(key, fields)}")
        if key in out:
            raise ModelUseError(f"monitors of {owner!r} name {key!r} twice; monitor each field once.")
        out[key] = Monitor(key, _check_indices(owner, key, mon.indices, num), _check_interval(owner, key, mon.interval),
                           _check_dtype(owner, key, mon.dtype))
    return out


def _check_indices(owner: str, key: str, indices: Any, num: int) -> np.ndarray | None:
    if indices is None:
        return None
    if isinstance(indices, slice):
        indices = np.arange(num)[indices]
    arr = np.asarray(indices)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.size == 0 or arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or
                                             (arr.dtype == object and all(isinstance(v, numbers.Integral)
                                                                          for v in arr))):
        raise ModelUseError(f"monitor {key!r} of {owner!r}: indices must be a non-empty list of element indices "
                            f"(ints), got {indices!r}.")
    arr = arr.astype(np.int64)
    if arr.min() < -num or arr.max() >= num:
        raise ModelUseError(f"monitor {key!r} of {owner!r}: index {int(arr.max() if arr.max() >= num else arr.min())}"
                            f" is outside the {num} elements (0..{num - 1}).")
    return np.ascontiguousarray(arr % num)


def _check_interval(owner: str, key: str, interval: Any) -> float | None:
    if interval is None:
        return None
    if isinstance(interval, bool) or not isinstance(interval, numbers.Real) or not np.isfinite(interval) \
            or interval <= 0:
        raise ModelUseError(f"monitor {key!r} of {owner!r}: interval must be a positive number of ms, "
                            f"got {interval!r}.")
    return float(interval)


def _check_dtype(owner: str, key: str, dtype: Any) -> Any:
    if dtype is None:
        return None
    try:
        name = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    except TypeError:
        name = None
    if name not in _FLOAT_TYPES:
        raise ModelUseError(f"monitor {key!r} of {owner!r}: dtype must be 'float32' or 'float64', got {dtype!r}.")
    return _FLOAT_TYPES[name]
