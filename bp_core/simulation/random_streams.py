"""Random numbers that do not depend on the number of threads: one generator per fixed chunk of elements.

A blocked kernel (``codegen.blocks``) runs a step that draws random numbers chunk by chunk: elements
``bounds[c]:bounds[c + 1]`` draw from generator ``c`` of the step's cell, whichever thread runs them, and a thread's
slice is a whole number of chunks. The chunks are :data:`STREAM_CHUNK` elements each, whatever the threads.

The generators are seeded from the network's generator, so the network's seed, ``net.reseed`` and a restored
snapshot decide them as they decide every other draw, and a run cut into calls draws what one call does:

- the *origin* of a call is the network's generator moved back by the epoch step the call starts at, so the
  calls of one run (and a snapshot restored at the step it was taken) share it;
- the steps of an epoch are cut into cells of :data:`STREAM_CELL` steps; cell ``n``'s generator of each chunk is
  seeded from ``SeedSequence(origin, spawn_key=(n, group, chunk))`` (NumPy's way to make independent streams),
  and a call that continues where the last one stopped goes on drawing without seeding;
- one kernel call spans up to :data:`CALL_CELLS` cells: it gets one row of generators per cell, seeded before the
  call, and picks the row of each step's cell itself (a call per cell would repeat the kernel's per-call work,
  such as checking and writing every synapse's state, at every cell);
- after a call the network's generator is the origin moved on by the step reached, so a second run of the
  same network (whose clock starts at 0 ms again) draws new numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["STREAM_CHUNK", "STREAM_CELL", "CALL_CELLS", "ChunkStreams", "chunk_bounds", "thread_chunks"]

STREAM_CHUNK = 512
"""Elements that draw from one generator (a thread's slice is a whole number of chunks)."""

STREAM_CELL = 1000
"""Steps of an epoch after which every chunk's generator is seeded again (from the cell's number)."""

CALL_CELLS = 32
"""Cells one kernel call spans at most (rows of generators it holds): longer runs are cut into calls."""

_WRAP = 1 << 128  # PCG64's period: advancing by it less s goes back by s


def chunk_bounds(size: int, chunk: int | None = None) -> np.ndarray:
    """The bounds of the chunks of ``size`` elements: 0, chunk, 2 chunk, ..., size (chunk: :data:`STREAM_CHUNK`)."""
    chunk = chunk or STREAM_CHUNK
    return np.append(np.arange(0, size, chunk, dtype=np.int64), np.int64(size)) if size else np.zeros(1, np.int64)


def thread_chunks(chunks: int, slices: int) -> np.ndarray:
    """``slices + 1`` bounds of contiguous runs of chunks, one per thread, as equal as can be."""
    return (np.arange(slices + 1, dtype=np.int64) * chunks) // slices


class ChunkStreams:
    """The generators of the chunks of some groups, one row per cell a call spans, and their seeding.

    Generator ``c`` of row ``r`` of a group is item ``r * chunks + c`` of its list: a call starting in cell ``n``
    draws cell ``n + r``'s numbers from row ``r``.

    Parameters
    ----------
    sizes : dict
        Kernel variable of each group's state -> its number of elements.
    """

    def __init__(self, sizes: dict[str, int]):
        from numba.typed import List  # numba is loaded: only a compiled blocked kernel makes streams

        self.bounds = {g: chunk_bounds(n) for g, n in sizes.items()}
        self.generators: dict[str, list[np.random.Generator]] = {g: [] for g in self.bounds}
        # the kernel's view of the same generators: a draw in the kernel moves the Python object's state
        self.typed = {g: List.empty_list(_generator_type()) for g in self.bounds}
        self.rows = 0
        self._grow(1)
        self._left: tuple | None = None  # (origin, step, row) where the last call left the generators
        self._first = 0  # the cell of row 0 in the last call

    @staticmethod
    def cell(step: int) -> int:
        """The cell of epoch step ``step``."""
        return step // STREAM_CELL

    def call_end(self, start: int, end: int) -> int:
        """The epoch step a call from epoch step ``start`` stops at: ``end``, or earlier where it would span more
        than :data:`CALL_CELLS` cells."""
        return min(end, (self.cell(start) + CALL_CELLS) * STREAM_CELL)

    def arguments(self, group: str, slices: int) -> list[Any]:
        """The kernel's arguments for ``group``: chunk bounds, each thread's first chunk, the generators."""
        bounds = self.bounds[group]
        return [bounds, thread_chunks(bounds.size - 1, slices), self.typed[group]]

    @staticmethod
    def offsets(start: int, step0: int) -> list[int]:
        """The kernel's last two arguments for a call whose step ``step0`` is epoch step ``start``: the offset
        that makes ``(offset + step) // cell`` the row of a step's cell, and the cell's length in steps."""
        return [start - step0 - (start // STREAM_CELL) * STREAM_CELL, STREAM_CELL]

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

    def prepare(self, origin: dict, start: int, end: int) -> None:
        """Make the generators ready for a call over epoch steps ``start`` to ``end`` (excluded) of the run of
        ``origin``: row ``r`` for the cell ``r`` after ``start``'s (at most :data:`CALL_CELLS` of them)."""
        first = self.cell(start)
        rows = self.cell(max(end, start + 1) - 1) - first + 1
        if rows > CALL_CELLS:
            raise ValueError(f"a call of steps {start} to {end} spans {rows} cells, more than {CALL_CELLS}")
        self._grow(rows)
        key = _key(origin)
        # the last call stopped here within a cell: that cell's generators go on, in row 0
        going_on = self._left is not None and self._left[:2] == (key, start) and start % STREAM_CELL != 0
        if going_on and self._left[2] != 0:
            self._move_row(self._left[2], 0)
        entropy = [origin["state"]["state"], origin["state"]["inc"]]
        for row in range(1 if going_on else 0, rows):
            for k, (g, gens) in enumerate(self.generators.items()):
                chunks = self.bounds[g].size - 1
                for c in range(chunks):
                    seeded = np.random.PCG64(np.random.SeedSequence(entropy, spawn_key=(first + row, k, c)))
                    gens[row * chunks + c].bit_generator.state = seeded.state
        # draws continue from here: a call stopping at a later step of the first cell leaves them there
        self._left = (key, start, 0)
        self._first = first

    def stopped(self, origin: dict, step: int) -> None:
        """The kernel of the last :meth:`prepare` ran up to (not including) epoch step ``step``."""
        self._left = (_key(origin), step, self.cell(step) - self._first)

    def forget(self) -> None:
        """The generators' state is unknown (a call failed): the next call seeds them."""
        self._left = None

    def _grow(self, rows: int) -> None:
        """At least ``rows`` rows of generators."""
        for g, gens in self.generators.items():
            chunks = self.bounds[g].size - 1
            for _ in range((rows - self.rows) * chunks if rows > self.rows else 0):
                gen = np.random.Generator(np.random.PCG64(0))
                gens.append(gen)
                self.typed[g].append(gen)
        self.rows = max(self.rows, rows)

    def _move_row(self, source: int, target: int) -> None:
        for g, gens in self.generators.items():
            chunks = self.bounds[g].size - 1
            for c in range(chunks):
                gens[target * chunks + c].bit_generator.state = gens[source * chunks + c].bit_generator.state


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
