"""Spike queues on the GPU: the host side of their capture, arrival walk and advance, and their output.

A spike queue (``bp_core.codegen.queue_ops``) is a ring of per-slot event lists. On the device one
thread per queue and step fills the current slot and walks the slots whose delay ends now
(``runtime.queue_capture``, ``runtime.queue_arrival``), in the CPU kernel's order, so a slot's events
and the synapses they reach come in the same order; the delayed step then runs one thread per arriving
synapse, a grid the host sizes from the count the arrival walk leaves on the device. The fields the
queue stands for are written on the host when a call ends, as the CPU kernel's last lines write them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import cuda

from bp_core.backend.cuda import runtime
from bp_core.backend.cuda.ops import AdvanceQueue, DevicePlan, QueueArrival, QueueCapture, QueueOutput

__all__ = ["arrival_counts", "launch", "write_output"]


def arrival_counts(plan: DevicePlan) -> dict[str, Any]:
    """One device int64 per queue: how many synapses its events reach this step."""
    return {op.queue: cuda.to_device(np.zeros(1, dtype=np.int64)) for op in plan.ops if isinstance(op, QueueArrival)}


def launch(run: Any, op: QueueCapture | QueueArrival | AdvanceQueue, t: float, i: int) -> None:
    """Launch ``op`` for the call ``run`` (a ``call.Call``: its device arrays, host arrays and caches)."""
    q, device = op.queue, run.device
    if isinstance(op, QueueCapture):
        values = run.ref(op.values, t, i)
        factor = values.dtype.type(1)  # the parameters' product, as the CPU kernel takes it
        for k, name in enumerate(op.factors):
            factor = run.host[name] if k == 0 else factor * run.host[name]
        runtime.queue_capture[1, 1](values, _sources(run, q), device[f"{q}_ev"], device[f"{q}_val"],
                                    device[f"{q}_n"], device[f"{q}_pos"], factor, len(op.factors) > 0)
    elif isinstance(op, QueueArrival):
        if q not in run.inputs:
            run.inputs[q] = (cuda.to_device(np.array([r for r, _ in op.scaled_rows], dtype=np.int64)),
                             cuda.to_device(np.array([c for _, c in op.scaled_rows], dtype=np.float64)))
        rows, scales = run.inputs[q]
        runtime.queue_arrival[1, 1](*(device[f"{q}_{part}"] for part in ("ev", "val", "n", "pos", "ptr", "syn", "arr")),
                                    run.arrived[q], device[f"{q}_dval"], rows, scales)
    else:
        runtime.queue_advance[1, 1](device[f"{q}_pos"])


def _sources(run: Any, q: str) -> Any:
    """The queue's presynaptic neurons by event number (``<q>_src``; else from ``<q>_lookup``), on the device.

    The GPU scans them in order even where the CPU follows a monitor's list, whose order atomics would not keep.
    """
    if f"{q}_src" not in run.device:
        lookup = run.host[f"{q}_lookup"]
        run.device[f"{q}_src"] = run.kernel.residency.derived(f"{q}_src", lookup, lambda: _by_event(lookup))
    return run.device[f"{q}_src"]


def _by_event(lookup: Any) -> np.ndarray:
    lookup = np.asarray(lookup)
    present = np.nonzero(lookup >= 0)[0]
    src = np.empty(present.size, dtype=np.int64)
    src[lookup[present]] = present
    return src


def write_output(host: dict[str, Any], out: QueueOutput) -> None:
    """The fields a spike queue stands for, written from its current events (``scale * value``, times the
    synapse's static factors, at the synapses of each event, 0 elsewhere), on the host arrays ``host``."""
    q, state = out.queue, host[out.state]
    ev, val, n, pos, ptr, syn = (host[f"{q}_{part}"] for part in ("ev", "val", "n", "pos", "ptr", "syn"))
    for row, _ in out.scaled_rows:
        state[row, :] = 0.0
    c, per = int(pos[1]), int(pos[2])
    for e in range(int(n[c])):
        v = int(ev[c, e])
        targets = syn[ptr[v * per]:ptr[(v + 1) * per]]
        for (row, scale), factors in zip(out.scaled_rows, out.factor_rows or ((),) * len(out.scaled_rows)):
            value = scale * val[c, e]
            for f in factors:  # the copy step's product: scale * value first, then each static factor
                value = value * state[f, targets]
            state[row, targets] = value
