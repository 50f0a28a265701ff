"""Snapshots of a network: every object's state and parameters at one moment, to go back to later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from bp_core.errors import ModelUseError
from bp_core.simulation.build_state import BuildState, DelayLine

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
        For each object with delayed steps that has run: its delay buffer and read position (the values on
        their way), else None.
    random_state : dict or None
        The network's random generator state.
    """

    names: tuple[str, ...]
    states: tuple[np.ndarray, ...]
    parameters: tuple[dict[str, Any], ...]
    delays: tuple[tuple[np.ndarray, np.ndarray] | None, ...]
    random_state: dict | None


def _frozen(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.flags.writeable = False
    return value


def _delay_of(obj: Any, build: BuildState) -> tuple[np.ndarray, np.ndarray] | None:
    # a buffer filled for an older state is refilled before the next run anyway: nothing to keep
    line = build.delay_line(obj)
    return None if line is None else (_frozen(line.buffer), _frozen(line.index))


def take_snapshot(objects: Sequence[Any], build: BuildState, random_state: dict | None = None) -> NetworkSnapshot:
    """Copy the state, parameters and delayed values of ``objects``."""
    return NetworkSnapshot(
        names=tuple(obj.name for obj in objects),
        states=tuple(_frozen(obj.ST["_data"]) for obj in objects),
        parameters=tuple({k: _frozen(v) for k, v in obj.pars.updates.items()} for obj in objects),
        delays=tuple(_delay_of(obj, build) for obj in objects),
        random_state=random_state)


def restore_snapshot(objects: Sequence[Any], build: BuildState, snapshot: NetworkSnapshot,
                     parameters: bool = True) -> None:
    """Put ``snapshot`` back into ``objects``; nothing changes unless every object fits."""
    if not isinstance(snapshot, NetworkSnapshot):
        raise ModelUseError(f"Network.restore needs a snapshot from Network.snapshot(), got {type(snapshot).__name__}.")
    names = tuple(obj.name for obj in objects)
    if names != snapshot.names:
        raise ModelUseError(f"Network.restore: the snapshot holds objects {list(snapshot.names)}, this network "
                            f"has {list(names)}; restore a snapshot of this network.")
    for obj, state in zip(objects, snapshot.states):
        current = obj.ST["_data"]
        if current.shape != state.shape or current.dtype != state.dtype:
            raise ModelUseError(f"Network.restore: {obj.name}'s state is {current.shape} {current.dtype}, the "
                                f"snapshot's {state.shape} {state.dtype}; it was taken before the object changed.")
    for k, obj in enumerate(objects):
        obj.ST["_data"][...] = snapshot.states[k]
        obj.ST.version += 1  # without a saved delay buffer, it refills from the restored state
        delay = snapshot.delays[k]
        if delay is not None:
            build.set_delay_line(obj, DelayLine(delay[0].copy(), delay[1].copy(), obj.ST.version))
        if parameters:
            obj.pars.updates = {key: np.array(v) if isinstance(v, np.ndarray) else v
                                for key, v in snapshot.parameters[k].items()}
