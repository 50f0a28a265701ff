"""One call of a GPU kernel: its device copies, the values its operations read, the time loop and the copy back.

A ``Call`` binds a ``DevicePlan`` to the arguments of one call (``target.CudaKernel``): the arrays on the
device (kept between calls where ``residency`` allows), the references of the operations resolved to
device values, the host's loop over chunks of steps (``launches`` launches each operation), and, when the
call ends, what the device wrote copied back (or, after a refusal, the state as the call began).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numba import cuda
from numba.core.errors import NumbaWarning

from bp_core.backend.cuda import queues, runtime
from bp_core.backend.cuda.bounds import bounds_error, first_bad, step_error
from bp_core.backend.cuda.host_values import HOST_READ as _HOST_READ
from bp_core.backend.cuda.host_values import compute_host
from bp_core.backend.cuda.launches import launch
from bp_core.backend.cuda.ops import AdvanceDelay, ApplyInput, Launch, Ref

__all__ = ["Call", "CHECK_EVERY", "STATUS_OK", "STATUS_NONFINITE", "STATUS_GROW", "first_nonfinite_row"]

STATUS_OK, STATUS_NONFINITE, STATUS_GROW = 0, 1, 3  # as bp_core.codegen.kernel numbers them
CHECK_EVERY = 256
"""Most steps between two looks at the device flags (a NaN is reported at its step, the run stops soon after)."""
_NO_FLAG = np.iinfo(np.int64).max
_FIXED = ("var", "row", "lo", "hi", "flag", "bad")  # references that name the same device value all through a call


class Call:
    """One call: the device copies of the arguments and the operations bound to them."""

    def __init__(self, kernel: Any, host: dict[str, Any]):
        self.kernel, self.plan, self.host = kernel, kernel.plan, host
        kept = kernel.residency
        self.raising = any(isinstance(op, Launch) and op.raises for op in self.plan.ops)
        resumed = [name for name in self.plan.states if kept.holds(name, host.get(name))]
        self.device = {name: kept.to_device(name, value) for name, value in host.items()
                       if isinstance(value, np.ndarray)}
        # a call that fails an index check or raises leaves the state as it began: the device's, kept aside
        self.start = {name: _device_copy(self.device[name]) for name in resumed} \
            if self.plan.check_finite or self.raising else {}
        self.starts = {var: cuda.to_device(np.zeros(1, dtype=host[f"{var}_count"].dtype))
                       for var, _ in self.plan.event_records}
        self.flags = cuda.to_device(np.full(max(1, len(self.plan.sites)), _NO_FLAG, dtype=np.int64))
        self.bad = cuda.to_device(np.full(max(1, len(self.plan.sites)), _NO_FLAG, dtype=np.int64))
        self.discard = False  # an index out of range: nothing of this call is copied back
        self.arrived = queues.arrival_counts(self.plan)
        self.counts = {var: int(host[f"{var}_count"][0]) for var, _ in self.plan.event_records}
        self.first_counts = dict(self.counts)
        self.inputs: dict[str, Any] = {}
        self.sizes: dict[int, int] = {}
        self.computed: dict[int, dict[str, Any]] = {}  # host values of each launch (op number)
        # delay lines' write rows, kept on the host (the device reads rows the host names)
        self.fixed: dict[Ref, Any] = {}
        self.launchers: dict[tuple[int, int], Any] = {}
        self.states: Any = None
        self.threads_now = 0
        self.delay_rows = {op.index: int(host[op.index][0]) for op in self.plan.ops if isinstance(op, AdvanceDelay)}

    def ref(self, ref: Ref, t: float, i: int) -> Any:
        # a device view costs about as much to make as a launch: those fixed for the call are made once
        if ref.kind in _FIXED:
            if ref not in self.fixed:
                self.fixed[ref] = self.resolve(ref, t, i)
            return self.fixed[ref]
        return self.resolve(ref, t, i)

    def resolve(self, ref: Ref, t: float, i: int) -> Any:
        if ref.kind == "var":
            return self.device.get(ref.name, self.host[ref.name])
        if ref.kind == "row":
            return self.device[ref.name][ref.row]
        if ref.kind == "t":
            return np.dtype(ref.dtype).type(t)
        if ref.kind == "dt":
            return np.dtype(ref.dtype).type(self.host["_dt"])
        if ref.kind in ("i", "step"):
            return i
        if ref.kind == "lo":
            return self.starts[ref.name]
        if ref.kind == "hi":
            return self.device[f"{ref.name}_count"]
        if ref.kind == "flag":
            return self.flags[ref.row:ref.row + 1]
        if ref.kind == "const":
            return ref.row
        if ref.kind == "arrivals":  # the host learns how many synapses the queue reaches: one number a step
            return self.device[f"{ref.name}_arr"][:int(self.arrived[ref.name].copy_to_host()[0])]
        if ref.kind == "bad":
            return self.bad[ref.row:ref.row + 1]
        if ref.kind == "rng":
            return self.random_states()
        if ref.kind == "read":
            return (self.delay_rows[ref.name] + 1) % int(self.host[ref.name][1])
        raise ValueError(f"unknown reference {ref}")

    def host_ref(self, ref: Ref, t: float, i: int) -> Any:
        if ref.kind == "var":
            return self.host[ref.name]
        if ref.kind == "row":
            return self.host[ref.name][ref.row]
        return self.ref(ref, t, i)

    def steps(self, step0: int, mon0: int, n_steps: int) -> tuple[int, int, int, int]:
        t0, dt = float(self.host["_t_start"]), float(self.host["_dt"])
        done = 0
        while done < n_steps:
            # each step adds at most one event per element: steps every record has room for
            rooms = [(self.host[f"{var}_index"].shape[0] - self.counts[var])
                     // max(1, self.host_ref(values, t0, 0).size)
                     for var, values in self.plan.event_records]
            room = min([CHECK_EVERY, n_steps - done] + rooms)
            if room <= 0:
                return STATUS_GROW, step0 + done, rooms.index(0), 0
            for k in range(done, done + room):
                i = step0 + k
                t = t0 + i * dt
                for number, op in enumerate(self.plan.ops):
                    launch(self, number, op, t, i, mon0 + k, step0, mon0)
            done += room
            for var, _ in self.plan.event_records:
                self.counts[var] = int(self.device[f"{var}_count"].copy_to_host()[0])
            flags = self.flags.copy_to_host()
            bad = first_bad(self.bad.copy_to_host(), _NO_FLAG) if self.plan.check_finite or self.raising else None
            if bad is not None and bad[1] <= flags.min():
                self.discard = True
                site, step, line = bad
                raise bounds_error(self.plan, site, step, line, t0 + step * dt)
            if flags.min() != _NO_FLAG:
                return self.nonfinite(flags)
        return STATUS_OK, 0, 0, 0

    def random_states(self) -> Any:
        """One generator per thread of the widest grid; seeded from the network's generator at every call,
        so successive runs draw new numbers and a reseeded (or restored) network draws the same again."""
        if self.states is None or self.states.shape[0] < self.threads_now:
            seed = int(self.host["_rng"].integers(2**63))
            with warnings.catch_warnings():  # the simulator initializes states in object mode, and says so
                warnings.simplefilter("ignore", NumbaWarning)
                warnings.simplefilter("ignore", RuntimeWarning)
                self.states = runtime.cuda_random.create_xoroshiro128p_states(max(self.threads_now, 1), seed=seed)
        return self.states

    def step(self, number: int, op: Launch, t: float, i: int) -> None:
        arrivals = next((ref for ref in op.refs if ref.kind == "arrivals"), None)
        if arrivals is not None:
            threads = int(self.arrived[arrivals.name].copy_to_host()[0])
        elif op.events:
            threads = self.host_ref(op.event_size, t, i).size
        else:
            if number not in self.sizes:
                names = {arg: self.host_ref(ref, t, i) for arg, ref in zip(op.args, op.refs) if ref.kind in _HOST_READ}
                exec(op.setup, {"np": np}, names)  # the step's own lines before its loop, on the host
                self.sizes[number] = int(eval(op.count, {"np": np, "max": max}, names))
            threads = self.sizes[number]
        self.threads_now = threads
        try:
            values = self.host_values(number, op, t, i)
            self.grid(self.kernel.kernels[op.name], threads,
                      *(values[ref.name] if ref.kind == "host" else self.ref(ref, t, i) for ref in op.refs))
        except Exception as err:
            raise step_error(op, err, i) from err

    def host_values(self, number: int, op: Launch, t: float, i: int) -> dict[str, Any]:
        """The values ``op``'s host statements compute (tables of pure helpers), on the device."""
        if not op.host:
            return {}
        if op.host_per_step or number not in self.computed:
            names = {arg: self.host_ref(ref, t, i) for arg, ref in zip(op.args, op.refs) if ref.kind in _HOST_READ}
            self.computed[number] = {name: cuda.to_device(value) if isinstance(value, np.ndarray) else value
                                     for name, value in compute_host(op, names, self.plan.scope).items()}
        return self.computed[number]

    def grid(self, kernel: Any, threads: int, *args: Any) -> None:
        if threads <= 0:
            return
        key = (id(kernel), threads)
        launcher = self.launchers.get(key)
        if launcher is None:  # a configured launch, made once per call
            block = min(self.kernel.threads, threads)
            launcher = kernel[(threads + block - 1) // block, block]
            if launcher is not kernel:  # the simulator configures the kernel itself: kept, it would forget
                self.launchers[key] = launcher
        launcher(*args)

    def input_values(self, op: ApplyInput) -> Any:
        if op.value not in self.inputs:
            values = np.asarray(self.host[op.value], dtype=np.float64)
            values = values.reshape(values.shape[0], -1) if op.iterated else values.reshape(-1)
            self.inputs[op.value] = cuda.to_device(np.ascontiguousarray(values))
        return self.inputs[op.value]

    def nonfinite(self, flags: np.ndarray) -> tuple[int, int, int, int]:
        self.copy_back(everything=True)
        site_number = int(np.argmin(flags))
        site = self.plan.sites[site_number]
        if site.row >= 0:
            return STATUS_NONFINITE, int(flags[site_number]), site.obj_id, site.row
        for obj_id, var in self.plan.entry_checks:  # a step's stores: the first object holding a bad value
            bad = first_nonfinite_row(self.host[var])
            if bad >= 0:
                return STATUS_NONFINITE, int(flags[site_number]), obj_id, bad
        return STATUS_NONFINITE, int(flags[site_number]), site.obj_id, 0

    def copy_back(self, everything: bool = False) -> None:
        """What the device wrote, to the host; the state stays on the device unless ``everything``."""
        if getattr(self, "_copied", False):
            return
        self._copied = True
        res = self.kernel.residency
        if self.discard:  # the state as the call began
            for name in self.plan.states:
                if name in self.start:
                    self.host[name][...] = self.start[name].copy_to_host()
                    res.transfers["to_host"] += 1
                res.drop(name)
            return
        for index, write in self.delay_rows.items():
            self.host[index][0] = write
        held = []
        for name in self.plan.written:
            if name in self.device:
                if name in self.plan.states and not everything:
                    held.append(name)
                    continue
                self.host[name][...] = self.device[name].copy_to_host()
                res.transfers["to_host"] += 1
                res.drop(name)
        for var, _ in self.plan.event_records:  # threads appended in no order: sort the new events
            first, end = self.first_counts[var], int(self.host[f"{var}_count"][0])
            if end - first > 1:
                index, steps = self.host[f"{var}_index"], self.host[f"{var}_step"]
                order = first + np.lexsort((index[first:end], steps[first:end]))
                index[first:end], steps[first:end] = index[order], steps[order]
                kept = self.host[f"{var}_value"]
                if kept.shape[0]:
                    kept[first:end] = kept[order]
        for out in self.plan.queue_outputs:
            if out.state not in held:  # else written when the state is fetched
                queues.write_output(self.host, out)
        res.call_ended(held, self.host)


def _device_copy(array: Any) -> Any:
    if array.size == 0:  # nothing to keep (a synapse without state)
        return array
    copy = cuda.device_array_like(array)
    copy.copy_to_device(array)
    return copy


def first_nonfinite_row(data: np.ndarray) -> int:
    bad = ~np.isfinite(data.reshape(data.shape[0], -1)).all(axis=1)
    return int(np.argmax(bad)) if bad.any() else -1
