"""Calling a blocked kernel (``codegen.blocks``): its slices, its routes split per slice and its buffers.

The blocked kernel takes the one-thread kernel's arguments and, after them, the number of slices (the threads
numba runs now), the longest block (the shortest delay of its spike queues, in steps) and arrays made here:
each neuron group's slice bounds, each recorded field's per-thread event buffers, and each queue's routes split
per postsynaptic slice. Split routes keep the synapses of each (source, delay) row in their order, so each
postsynaptic element adds its arrivals in the one-thread walk's order. They are made once per routes and
slicing; buffers once per shape. A network whose steps draw random numbers draws them from one generator per
chunk of elements (``random_streams``), the same for any number of threads: one call holds the generators of
every cell of steps it spans (up to ``random_streams.CALL_CELLS``), seeded before it.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from bp_core.codegen.blocks import BlockedPlan
from bp_core.codegen.kernel_ops.base import STATUS_GROW
from bp_core.simulation.random_streams import ChunkStreams

__all__ = ["BlockedKernel", "slice_bounds", "split_routes"]


def slice_bounds(size: int, slices: int) -> np.ndarray:
    """``slices + 1`` bounds of contiguous slices of ``size`` elements as equal as can be."""
    return (np.arange(slices + 1, dtype=np.int64) * size) // slices


def split_routes(ptr: np.ndarray, post: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Routes (row ``r`` reaches ``post[ptr[r]:ptr[r + 1]]``) split per postsynaptic slice.

    Returns
    -------
    ptr, post : ndarray
        Row ``s`` of each is slice ``s``'s routes: the same rows, each keeping only the synapses onto the slice
        (in their order), with postsynaptic elements counted from the slice's first.
    """
    slices = bounds.size - 1
    kept = [(post >= bounds[s]) & (post < bounds[s + 1]) for s in range(slices)]
    width = max([int(k.sum()) for k in kept] + [1])
    out_ptr = np.zeros((slices, ptr.size), dtype=np.int64)
    out_post = np.zeros((slices, width), dtype=post.dtype)
    for s, keep in enumerate(kept):
        before = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
        out_ptr[s] = before[ptr]
        chosen = post[keep] - bounds[s]
        out_post[s, :chosen.size] = chosen
    return out_ptr, out_post


class BlockedKernel:
    """A compiled blocked kernel, called as the one-thread kernel is (with its arguments).

    Parameters
    ----------
    compiled : callable
        The target's compiled ``BlockedPlan.kernel``.
    blocked : BlockedPlan
    serial : callable
        The one-thread kernel: it runs a call whose queues' shortest delay is under one step.
    threads : callable
        The number of threads to slice for now.
    """

    def __init__(self, compiled: Any, blocked: BlockedPlan, serial: Any, threads: Callable[[], int]):
        self.compiled, self.blocked, self.serial, self.threads = compiled, blocked, serial, threads
        self.path, self.jit, self.source = compiled.path, compiled.jit, compiled.source
        self.target = getattr(compiled, "target", "")
        self._names = blocked.kernel.args[:blocked.kernel.args.index("_bk_T")]
        self._routes: dict[str, tuple] = {}
        self._buffers: dict[str, tuple] = {}
        self.streams: ChunkStreams | None = None

    def block_steps(self, values: dict[str, Any]) -> int:
        """Steps per block for these argument values: the shortest delay of every queue."""
        return min(int(values[f"{q}_pos"][3]) for q in self.blocked.queues)

    def __call__(self, *args: Any) -> Any:
        values = dict(zip(self._names, args))
        block = self.block_steps(values)
        if block < 1:
            return self.serial(*args)
        slices = max(1, int(self.threads()))
        bounds = {g: slice_bounds(values[g].shape[1], slices) for g in self.blocked.groups}
        if self.blocked.streams and self.streams is None:
            self.streams = ChunkStreams({g: values[g].shape[1] for g in self.blocked.streams})
        for g in self.blocked.streams:
            bounds[g] = self.streams.slice_bounds(g, slices)
        extra: list[Any] = [bounds[g] for g in self.blocked.groups]
        for field, group in self.blocked.events.items():
            extra += self._buffer(field, values[group].dtype, bounds[group], block)
        for q, group in self.blocked.queues.items():
            extra += self._split(q, values[f"{q}_ptr"], values[f"{q}_post"], bounds[group])
        if self.streams is None:
            return self.compiled(*args, slices, block, *extra)
        return self._with_streams(list(args), values, [slices, block] + extra, slices)

    def _with_streams(self, args: list[Any], values: dict[str, Any], tail: list[Any], slices: int) -> Any:
        """Run a call whose steps draw from chunk streams: the generators of the cells it spans seeded first."""
        streams = self.streams
        assert streams is not None
        step0, mon0, n_steps = (int(values[k]) for k in ("_step0", "_mon0", "_n_steps"))
        rng = values["_rng"]
        # steps counted from time 0: a snapshot restored at its time (net.rewind) starts where it was taken
        shift = int(round(float(values["_t_start"]) / float(values["_dt"])))
        origin = streams.origin(rng, shift + step0)
        at = {k: self._names.index(k) for k in ("_step0", "_mon0", "_n_steps")}
        done, status = 0, (0, 0, 0, 0)
        try:
            while True:
                start = step0 + done
                end = streams.call_end(shift + start, shift + step0 + n_steps) - shift
                streams.prepare(origin, shift + start, shift + end)
                args[at["_step0"]], args[at["_mon0"]], args[at["_n_steps"]] = start, mon0 + done, end - start
                drawn = [a for g in self.blocked.streams for a in streams.arguments(g, slices)]
                status = self.compiled(*args, *tail, *drawn, *streams.offsets(shift + start, start))
                if status[0] != 0:
                    # a record that is full stops before its step: the network calls again from there
                    reached = shift + int(status[1])
                    if status[0] == STATUS_GROW:
                        streams.stopped(origin, reached)
                    else:
                        streams.forget()
                    streams.leave(rng, origin, reached)
                    return status
                done = end - step0
                streams.stopped(origin, shift + end)
                if done >= n_steps:
                    break
        except BaseException:
            streams.forget()
            raise
        streams.leave(rng, origin, shift + step0 + n_steps)
        return status

    def _buffer(self, field: str, dtype: np.dtype, bounds: np.ndarray, block: int) -> tuple:
        width = max(1, int(np.diff(bounds).max()))
        shape = (bounds.size - 1, block, width)
        held = self._buffers.get(field)
        if held is None or held[0].shape != shape or held[1].dtype != dtype:
            held = (np.zeros(shape, np.int64), np.zeros(shape, np.int64), np.zeros(shape, dtype),
                    np.zeros(shape[:2], np.int64))
            self._buffers[field] = held
        return held

    def _split(self, q: str, ptr: np.ndarray, post: np.ndarray, bounds: np.ndarray) -> tuple:
        held = self._routes.get(q)
        if held is None or held[0] is not ptr or held[1] is not post or not np.array_equal(held[2], bounds):
            held = (ptr, post, bounds, *split_routes(ptr, post, bounds))
            self._routes[q] = held
        return held[3:]
