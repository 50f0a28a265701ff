"""Snapshots of a network: every object's state and parameters at one moment, to go back to later.

A restore distrusts the snapshot: it may come from an older definition of the model, from another
network, or be built by hand. Everything is checked against the network before anything is written,
so a refused restore leaves the network as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from bp_core.errors import ModelUseError, describe_value
from bp_core.model.parameters import ParsUpdate
from bp_core.simulation.build_state import BuildState, DelayLine, SpikeQueue, fill_slots
from bp_core.simulation.post_delays import delayed_values
from bp_core.simulation.spike_queues import restart_queue

__all__ = ["NetworkSnapshot", "take_snapshot", "restore_snapshot"]


@dataclass(frozen=True)
class NetworkSnapshot:
    """What each object of a network held when the snapshot was taken (read-only copies).

    Attributes
    ----------
    names : tuple of str
        The objects' names, in the network's order.
    states : tuple of ndarray
        Each object's state, one row per field (``obj.ST['_data']``).
    parameters : tuple of dict
        Each object's parameters that differ from its model's defaults.
    delays : tuple
        For each object with delayed steps that has run: the values on their way, else None: a delay line's
        buffer and read position, or a spike queue's ``(events, values, counts, position)``
        (``simulation.build_state.SpikeQueue``).
    random_state : dict or None
        The network's random generator state.
    fields : tuple of tuple of str
        Each object's state fields, in row order.
    parameter_names : tuple of tuple of str
        Each object's model parameters.
    """

    names: tuple[str, ...]
    states: tuple[np.ndarray, ...]
    parameters: tuple[dict[str, Any], ...]
    delays: tuple[tuple[np.ndarray, ...] | None, ...]
    random_state: dict | None
    fields: tuple[tuple[str, ...], ...]
    parameter_names: tuple[tuple[str, ...], ...]


def _frozen(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.flags.writeable = False
    return value


def _delay_of(obj: Any, build: BuildState) -> tuple[np.ndarray, ...] | None:
    # a buffer filled for an older state is refilled before the next run anyway: nothing to keep
    line = build.delay_line(obj)
    if line is None:
        return None
    if isinstance(line, SpikeQueue):
        return tuple(_frozen(a) for a in line.arrays())
    return _frozen(line.buffer), _frozen(line.index)


def take_snapshot(objects: Sequence[Any], build: BuildState, random_state: dict | None = None) -> NetworkSnapshot:
    """Copy the state, parameters and delayed values of ``objects``."""
    return NetworkSnapshot(
        names=tuple(obj.name for obj in objects),
        states=tuple(_frozen(obj.ST["_data"]) for obj in objects),
        parameters=tuple({k: _frozen(v) for k, v in obj.pars.updates.items()} for obj in objects),
        delays=tuple(_delay_of(obj, build) for obj in objects),
        random_state=random_state,
        fields=tuple(tuple(obj.ST.fields) for obj in objects),
        parameter_names=tuple(tuple(obj.pars.keys()) for obj in objects))


def restore_snapshot(objects: Sequence[Any], build: BuildState, snapshot: NetworkSnapshot,
                     parameters: bool = True) -> None:
    """Put ``snapshot`` back into ``objects``; nothing changes unless every object fits.

    Raises
    ------
    ModelUseError
        Naming the object and the field when the snapshot does not fit the network (other objects, fields in
        another order, another shape or float type, parameters the model no longer has, NaN values).
    """
    if not isinstance(snapshot, NetworkSnapshot):
        raise ModelUseError(f"Network.restore needs a snapshot from Network.snapshot(), got {type(snapshot).__name__}.")
    names = tuple(obj.name for obj in objects)
    if tuple(snapshot.names) != names:
        raise ModelUseError(f"Network.restore: the snapshot holds objects {list(snapshot.names)}, this network "
                            f"has {list(names)}; restore a snapshot of this network.")
    for part in ("states", "parameters", "delays", "fields", "parameter_names"):
        if len(getattr(snapshot, part)) != len(objects):
            raise ModelUseError(f"Network.restore: the snapshot's {part} cover {len(getattr(snapshot, part))} "
                                f"objects, not the {len(objects)} it names; take a new one with net.snapshot().")
    _check_random_state(snapshot.random_state)
    updates = []
    for k, obj in enumerate(objects):
        _check_state(obj, snapshot.fields[k], snapshot.states[k])
        _check_delay(obj, snapshot.delays[k])
        updates.append(_checked_parameters(obj, snapshot.parameter_names[k], snapshot.parameters[k])
                       if parameters else None)
    # everything fits: only now is anything written
    for k, obj in enumerate(objects):
        obj.ST["_data"][...] = snapshot.states[k]
        delay = snapshot.delays[k]
        # the line or queue the kernel reads may take the snapshot's values: the build stands, no re-planning
        if not _restored_in_place(obj, build, delay):
            obj.ST.version += 1  # without a saved delay buffer, it refills from the restored state
            if delay is not None and len(delay) == 2:
                build.set_delay_line(obj, DelayLine(np.array(delay[0]), np.array(delay[1]), obj.ST.version))
            elif delay is not None:
                build.set_delay_line(obj, SpikeQueue(*(np.array(a) for a in delay), obj.ST.version))
        if parameters:
            obj.pars.updates = updates[k]


def _restored_in_place(obj: Any, build: BuildState, delay: tuple | None) -> bool:
    """Copy a saved delay buffer or queue into the one ``obj`` runs with now when that one is current for its
    state and of the same shapes, or start that line or queue again from the restored state where none was saved;
    whether it did."""
    held = build.delay_line(obj)
    if held is None:
        return False
    if delay is None:
        return _restart_line(obj, held) if isinstance(held, DelayLine) else restart_queue(obj, build)
    parts = (held.buffer, held.index) if isinstance(held, DelayLine) else held.arrays()
    if len(parts) != len(delay) or any(a.shape != b.shape or a.dtype != b.dtype for a, b in zip(parts, delay)):
        return False
    for part, saved in zip(parts, delay):
        part[...] = saved
    return True


def _restart_line(obj: Any, line: DelayLine) -> bool:
    """Start ``obj``'s delay line again from the restored state, in place, as a new state version would through
    planning (every slot the state's values, writing from slot 0), so the kernel built for it runs on; whether it
    could. Not a line that stands for a spike queue (the restored state may let the queue take over) or that
    holds a group's spikes (no fields of the state)."""
    if not line.fields or line.queue_form is not None:
        return False
    fill_slots(line.buffer, obj.ST, line.fields)
    line.index[0] = 0
    return True


def _refuse(obj: Any, what: str) -> ModelUseError:
    return ModelUseError(f"Network.restore: {type(obj).__name__} {obj.name!r}: {what}; the network is unchanged. "
                         f"Restore a snapshot taken of this network as it is now (net.snapshot()).")


def _check_state(obj: Any, fields: tuple[str, ...], state: Any) -> None:
    now = tuple(obj.ST.fields)
    if tuple(fields) != now:
        order = " (the same fields in another order)" if sorted(fields) == sorted(now) else ""
        raise _refuse(obj, f"the snapshot's state fields are {list(fields)}, the object's {list(now)}{order}")
    current = obj.ST["_data"]
    if not isinstance(state, np.ndarray) or state.shape != current.shape or state.dtype != current.dtype:
        got = f"{state.shape} {state.dtype}" if isinstance(state, np.ndarray) else describe_value(state)
        raise _refuse(obj, f"its state is {current.shape} {current.dtype}, the snapshot's {got} "
                           f"(taken before the object changed size or float type)")
    bad = np.isnan(state).any(axis=tuple(range(1, state.ndim)))
    if bad.any():
        raise _refuse(obj, f"the snapshot's state field {now[int(np.argmax(bad))]!r} holds NaN")


def _check_delay(obj: Any, delay: Any) -> None:
    if delay is None:
        return
    if isinstance(delay, tuple) and len(delay) == 4:
        _check_queue(obj, delay)
        return
    ok = isinstance(delay, tuple) and len(delay) == 2 and all(isinstance(a, np.ndarray) for a in delay)
    if ok:
        buffer, index = delay
        shape, dtype = delayed_values(obj)
        ok = (buffer.ndim >= 2 and buffer.shape[2:] == shape and buffer.dtype == dtype
              and index.shape == (2,) and index.dtype == np.int64 and index[1] == buffer.shape[0]
              and 0 <= index[0] < index[1] and not np.isnan(buffer).any())
    if not ok:
        raise _refuse(obj, "the snapshot's delay buffer (the values on their way) does not fit its state")


def _check_queue(obj: Any, queue: tuple) -> None:
    """A spike queue's arrays must fit each other: compiled code indexes routes with what they hold."""
    ok = all(isinstance(a, np.ndarray) for a in queue)
    if ok:
        events, values, counts, position = queue
        ok = (events.ndim == 2 and events.dtype == np.int64 and values.shape == events.shape
              and values.dtype == obj.ST["_data"].dtype and counts.shape == (events.shape[0],)
              and counts.dtype == np.int64 and position.shape == (4,) and position.dtype == np.int64)
    if ok:
        slots, sources = events.shape[0] - 1, events.shape[1]
        ok = (position[1] == slots and 0 <= position[0] < slots and 1 <= position[2] <= slots
              and 0 <= position[3] and position[3] + position[2] <= slots
              and ((counts >= 0) & (counts <= sources)).all() and not np.isnan(values).any()
              and all(((row[:n] >= 0) & (row[:n] < sources)).all() for row, n in zip(events, counts)))
    if not ok:
        raise _refuse(obj, "the snapshot's spike queue (the events on their way) does not fit together")


def _checked_parameters(obj: Any, names: tuple[str, ...], values: Any) -> dict[str, Any]:
    """The parameter updates to restore, validated as ``obj.pars[...] = value`` validates them."""
    now = tuple(obj.pars.keys())
    if tuple(names) != now:
        gone = [n for n in names if n not in now]
        new = [n for n in now if n not in names]
        raise _refuse(obj, f"the snapshot's parameters are {list(names)}, the model's {list(now)} "
                           f"(no longer there: {gone}, new: {new}); restore with parameters=False to keep the "
                           f"current parameters and take the state only")
    if not isinstance(values, dict):
        raise _refuse(obj, f"the snapshot's parameters are {describe_value(values)}, not a dict")
    scratch = ParsUpdate(obj.pars.origins, obj.pars.num, obj.pars.model)
    for key, value in values.items():
        try:
            scratch[key] = value
        except ModelUseError as err:
            raise _refuse(obj, f"in the snapshot, {str(err).rstrip('.')}") from None
    return scratch.updates


def _check_random_state(state: Any) -> None:
    if state is None:
        return
    try:
        np.random.default_rng().bit_generator.state = state
    except (TypeError, ValueError, KeyError) as err:
        raise ModelUseError(f"Network.restore: the snapshot's random generator state does not fit this network's "
                            f"generator ({err}); the network is unchanged.") from None
