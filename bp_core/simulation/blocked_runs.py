"""Calling a blocked kernel (``codegen.blocks``): its slices, its routes split per slice and its buffers.

The blocked kernel takes the one-thread kernel's arguments and, after them, the number of slices (the threads
numba runs now), the longest block (the shortest delay of its spike queues, in steps) and arrays made here:
each neuron group's slice bounds, each recorded field's per-thread event buffers, and each queue's routes split
per postsynaptic slice. Split routes keep the synapses of each (source, delay) row in their order, so each
postsynaptic element adds its arrivals in the one-thread walk's order. They are made once per routes and
slicing; buffers once per shape.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from bp_core.codegen.blocks import BlockedPlan

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
        extra: list[Any] = [bounds[g] for g in self.blocked.groups]
        for field, group in self.blocked.events.items():
            extra += self._buffer(field, values[group].dtype, bounds[group], block)
        for q, group in self.blocked.queues.items():
            extra += self._split(q, values[f"{q}_ptr"], values[f"{q}_post"], bounds[group])
        return self.compiled(*args, slices, block, *extra)

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
