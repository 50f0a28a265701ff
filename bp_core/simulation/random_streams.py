"""Random numbers that do not depend on the number of threads: one generator per fixed chunk of elements.

A blocked kernel (``codegen.blocks``) runs a step that draws random numbers chunk by chunk: elements
``bounds[c]:bounds[c + 1]`` draw from generator ``c``, whichever thread runs them, and a thread's slice is a
whole number of chunks. The chunks are :data:`STREAM_CHUNK` elements each, whatever the threads.

The generators are seeded from the network's generator, so the network's seed, ``net.reseed`` and a restored
snapshot decide them as they decide every other draw, and a run cut into calls draws what one call does:

- the *origin* of a call is the network's generator moved back by the epoch step the call starts at, so the
  calls of one run (and a snapshot restored at the step it was taken) share it;
- the steps of an epoch are cut into cells of :data:`STREAM_CELL` steps; at the start of cell ``n`` every chunk's
  generator is seeded from ``SeedSequence(origin, spawn_key=(n, group, chunk))`` (NumPy's way to make
  independent streams), and a call that continues where the last one stopped goes on drawing without seeding;
- after a call the network's generator is the origin moved on by the step reached, so a second run of the
  same network (whose clock starts at 0 ms again) draws new numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["STREAM_CHUNK", "STREAM_CELL", "ChunkStreams", "chunk_bounds", "thread_chunks"]

STREAM_CHUNK = 512
"""Elements that draw from one generator (a thread's slice is a whole number of chunks)."""

STREAM_CELL = 1000
"""Steps of an epoch after which every chunk's generator is seeded again (from the cell's number)."""

_WRAP = 1 << 128  # PCG64's period: advancing by it less s goes back by s


def chunk_bounds(size: int, chunk: int | None = None) -> np.ndarray:
    """The bounds of the chunks of ``size`` elements: 0, chunk, 2 chunk, ..., size (chunk: :data:`STREAM_CHUNK`)."""
    chunk = chunk or STREAM_CHUNK
    return np.append(np.arange(0, size, chunk, dtype=np.int64), np.int64(size)) if size else np.zeros(1, np.int64)


def thread_chunks(chunks: int, slices: int) -> np.ndarray:
    """``slices + 1`` bounds of contiguous runs of chunks, one per thread, as equal as can be."""
    return (np.arange(slices + 1, dtype=np.int64) * chunks) // slices


class ChunkStreams:
    """The generators of the chunks of some groups, and their seeding by epoch cells.

    Parameters
    ----------
    sizes : dict
        Kernel variable of each group's state -> its number of elements.
    """

    def __init__(self, sizes: dict[str, int]):
        from numba.typed import List  # numba is loaded: only a compiled blocked kernel makes streams

        self.bounds = {g: chunk_bounds(n) for g, n in sizes.items()}
        self.generators = {g: [np.random.Generator(np.random.PCG64(0)) for _ in range(b.size - 1)]
                           for g, b in self.bounds.items()}
        # the kernel's view of the same generators: a draw in the kernel moves the Python object's state
        self.typed = {g: List(gens) if gens else List.empty_list(_generator_type(), 1)
                      for g, gens in self.generators.items()}
        self._left: tuple | None = None  # (origin, step) where the last call left the generators

    def arguments(self, group: str, slices: int) -> list[Any]:
        """The kernel's arguments for ``group``: chunk bounds, each thread's first chunk, the generators."""
        bounds = self.bounds[group]
        return [bounds, thread_chunks(bounds.size - 1, slices), self.typed[group]]

    def slice_bounds(self, group: str, slices: int) -> np.ndarray:
        """The element bounds of each thread's slice: whole chunks."""
        bounds = self.bounds[group]
        return bounds[thread_chunks(bounds.size - 1, slices)]

    @staticmethod
    def origin(rng: np.random.Generator, step0: int) -> dict:
        """The network generator's state moved back by ``step0`` steps (shared by the calls of one run)."""
        bits = _copy(rng.bit_generator)
        if step0 % _WRAP:
            bits.advance(_WRAP - step0 % _WRAP)
        return bits.state

    @staticmethod
    def leave(rng: np.random.Generator, origin: dict, step: int) -> None:
        """Set the network's generator to ``origin`` moved on by ``step`` steps."""
        bits = _copy_state(origin)
        bits.advance(step)
        rng.bit_generator.state = bits.state

    def prepare(self, origin: dict, step: int) -> None:
        """Make the generators ready to draw from epoch step ``step`` of the run of ``origin``."""
        key = _key(origin)
        if self._left == (key, step) and step % STREAM_CELL:
            return  # the last call stopped here within a cell: its generators go on
        cell = step // STREAM_CELL
        entropy = [origin["state"]["state"], origin["state"]["inc"]]
        for k, gens in enumerate(self.generators.values()):
            for c, gen in enumerate(gens):
                seeded = np.random.PCG64(np.random.SeedSequence(entropy, spawn_key=(cell, k, c)))
                gen.bit_generator.state = seeded.state
        # draws within the cell continue from here: a call stopping at a later step of it leaves them there
        self._left = (key, step)

    def stopped(self, origin: dict, step: int) -> None:
        """The kernel ran up to (not including) epoch step ``step`` with these generators."""
        self._left = (_key(origin), step)

    def forget(self) -> None:
        """The generators' state is unknown (a call failed): the next call seeds them."""
        self._left = None


def _key(origin: dict) -> tuple:
    return origin["state"]["state"], origin["state"]["inc"], origin["has_uint32"], origin["uinteger"]


def _copy(bits: Any) -> Any:
    if not isinstance(bits, np.random.PCG64):
        raise TypeError(f"random streams are seeded from a PCG64 generator, not {type(bits).__name__}")
    return _copy_state(bits.state)


def _copy_state(state: dict) -> np.random.PCG64:
    bits = np.random.PCG64(0)
    bits.state = state
    return bits


def _generator_type() -> Any:
    from numba import typeof  # as above

    return typeof(np.random.default_rng(0))
