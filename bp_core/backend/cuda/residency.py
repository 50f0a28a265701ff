"""Arrays that stay on the GPU between calls: the objects' state and the network's connectivity.

A GPU kernel call used to copy every array to the device and the state back at its end. Here a
kernel keeps its device copies of

- the objects' state (``DevicePlan.states``): after a call the device holds the newest values and the
  host's are stale until the host needs them. The kernel then *holds* the state (``holding``): the
  network hands each object's ``StateArray`` a function that fetches the values (``fetch``), which it
  calls before the host reads or writes the state; from then on the host's copy is the newest (a view
  handed out may be written) and the next call copies it to the device again;
- the connectivity (``DevicePlan.structure``: compressed rows, spike-queue routes), which the device
  never writes and the engine never changes in place (a new connectivity is a new structure, with new
  arrays): kept while the host array is the same object.

Everything else (parameters, inputs, monitor buffers, event records, delay lines, spike queues)
moves at every call as before. ``transfers`` counts the arrays copied each way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from numba import cuda

from bp_core.backend.cuda import queues
from bp_core.backend.cuda.ops import DevicePlan

__all__ = ["Residency"]


@dataclass
class _Kept:
    host: np.ndarray
    device: Any
    newest: bool  # the device copy is at least as new as the host's
    fresh: bool = False  # the host copy equals the device's (fetched since the last call)


class Residency:
    """The device copies one kernel keeps between its calls, and the transfers it made."""

    def __init__(self, plan: DevicePlan):
        self.plan = plan
        self.kept: dict[str, _Kept] = {}
        self.transfers = {"to_device": 0, "to_host": 0}
        self.uploads: Counter[str] = Counter()  # arrays copied to the device, by kernel variable
        self.last: dict[str, Any] = {}  # the last call's host values (spike queues' arrays for the outputs)

    def to_device(self, name: str, value: np.ndarray) -> Any:
        """The device copy of argument ``name`` for a call: the kept one if still good, else a new copy."""
        kept = self.kept.get(name)
        if kept is not None and kept.host is value and kept.newest:
            return kept.device
        device = cuda.to_device(np.ascontiguousarray(value))
        self.transfers["to_device"] += 1
        self.uploads[name] += 1
        if name in self.plan.states or name in self.plan.structure:
            self.kept[name] = _Kept(value, device, name in self.plan.structure)
        return device

    def derived(self, name: str, source: np.ndarray, make: Callable[[], np.ndarray]) -> Any:
        """The device copy of an array the host derives from connectivity ``source`` (``make()``), made once per
        ``source`` (a spike queue's sources by event number)."""
        kept = self.kept.get(name)
        if kept is None or kept.host is not source:
            device = cuda.to_device(make())
            self.transfers["to_device"] += 1
            self.uploads[name] += 1
            self.kept[name] = kept = _Kept(source, device, True)
        return kept.device

    def holds(self, name: str, value: Any) -> bool:
        """Whether the device holds the newest values of state ``name``, whose host array is ``value``."""
        kept = self.kept.get(name)
        return kept is not None and kept.host is value and kept.newest and name in self.plan.states

    def call_ended(self, names: list[str], host: dict[str, Any]) -> None:
        """States ``names`` were run on the device and not copied back: the device now holds them."""
        self.last = host
        for name in names:
            self.kept[name].newest, self.kept[name].fresh = True, False

    def drop(self, name: str) -> None:
        """Forget that the device holds state ``name`` (its host copy was brought up to date or restored)."""
        if name in self.kept:
            self.kept[name].newest = False

    def fetch(self, name: str, release: bool = True) -> None:
        """Bring the host copy of state ``name`` up to date (once between calls).

        With ``release`` the host's copy is the newest from then on (it may be written) and the next call
        copies it to the device; without, the host only read it and the device's copy stays in use.
        """
        kept = self.kept.get(name)
        if kept is None or not kept.newest:
            return
        if not kept.fresh:
            kept.host[...] = kept.device.copy_to_host()
            self.transfers["to_host"] += 1
            kept.fresh = True
            for out in self.plan.queue_outputs:  # the fields a spike queue stands for, from its current events
                if out.state == name:
                    queues.write_output(self.last, out)
        if release:
            kept.newest = False

    def holding(self) -> list[tuple[np.ndarray, Callable[[bool], None]]]:
        """(host array, fetch) of every state the device holds newer values of; ``fetch(release)``."""
        return [(kept.host, (lambda release, n=name: self.fetch(n, release))) for name, kept in self.kept.items()
                if kept.newest and name in self.plan.states]
