"""Array allocation for the compiled kernels."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["ALIGNMENT", "aligned_empty"]

ALIGNMENT = 64
"""Bytes: a cache line, and a whole number of the widest vector registers (AVX-512)."""


def aligned_empty(shape: int | tuple, dtype: np.dtype | type = np.float64, alignment: int = ALIGNMENT) -> np.ndarray:
    """An uninitialised C-contiguous array whose data starts on an ``alignment``-byte boundary (an empty
    array has no data to place).

    numpy only promises the alignment of the element type (16 bytes from malloc). A vectorised element
    loop over arrays starting 16 bytes past a 32-byte boundary splits every other load across two cache
    lines: a LIF network runs about 15 % slower, depending on where the allocator happened to put its
    state.

    Parameters
    ----------
    shape : int or tuple of int
    dtype : numpy dtype
    alignment : int
        A power of two.

    Returns
    -------
    numpy.ndarray
        A view into a slightly larger byte buffer, which it keeps alive.
    """
    # every run allocates its monitors' buffers with this: no np.prod, np.isscalar or ctypes object (microseconds)
    dtype = np.dtype(dtype)
    shape = (int(shape),) if isinstance(shape, (int, float, np.number)) else tuple(int(s) for s in shape)
    nbytes = math.prod(shape) * dtype.itemsize
    raw = np.empty(nbytes + alignment, dtype=np.uint8)
    start = -raw.__array_interface__["data"][0] % alignment
    return raw[start:start + nbytes].view(dtype).reshape(shape)
