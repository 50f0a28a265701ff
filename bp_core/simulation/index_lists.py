"""Index lists a user assigns by hand (``syn.pre2syn = [...]``, one array of indices per neuron), checked and
flattened with whole-array NumPy operations.

A list of ten million rows is checked in seconds: each row is touched once by ``np.concatenate`` and
``len``; a loop over the rows runs only after a check failed, to name the first bad row.
"""

from __future__ import annotations

import itertools
from typing import Any, Sequence

import numpy as np

from bp_core.errors import ModelUseError, describe_value

__all__ = ["compressed_rows", "row_owners"]


def compressed_rows(where: str, rows: Sequence[Any], limit: int, noun: str = "indices",
                    outside: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` (one 1-D sequence of integer indices per row) as compressed rows, every index in ``0..limit-1``.

    Parameters
    ----------
    where : str
        What the rows are, for messages (``'syn.pre2syn'``).
    rows : list or tuple
        One index array (or list) per row.
    limit : int
        Indices must be below this.
    noun : str
        What the indices are, for messages (``'synapse indices'``).
    outside : str, optional
        What an index out of range is outside of, for messages; ``0..limit-1`` when not given.

    Returns
    -------
    ptr, idx : ndarray of int64
        Row ``r`` is ``idx[ptr[r]:ptr[r + 1]]``.

    Raises
    ------
    ModelUseError
        Naming the first row that is not a 1-D list of integers, or that holds an index out of range.
    """
    try:
        sizes = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        idx = _flat(rows, int(sizes.sum()))
    except (TypeError, ValueError):
        raise _first_bad_row(where, rows, noun) from None
    if idx.ndim != 1 or idx.size != sizes.sum() or not _integral(idx):
        raise _first_bad_row(where, rows, noun)
    idx = idx.astype(np.int64, copy=False)
    ptr = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=ptr[1:])
    out_of_range = (idx < 0) | (idx >= limit)
    if out_of_range.any():
        at = int(np.argmax(out_of_range))
        row = int(np.searchsorted(ptr, at, side="right")) - 1
        raise ModelUseError(f"{where}[{row}] holds index {int(idx[at])}, outside {outside or f'0..{limit - 1}'}.")
    return ptr, idx


def row_owners(where: str, ptr: np.ndarray, idx: np.ndarray, num: int, role: str) -> np.ndarray:
    """For each of ``num`` synapses, the row (``role``-synaptic neuron) that lists it; each must be listed once.

    Raises
    ------
    ModelUseError
        Naming a synapse listed twice (with both neurons) or not at all.
    """
    counts = np.bincount(idx, minlength=num)
    if (counts > 1).any():
        synapse = int(np.argmax(counts > 1))
        first, second = (np.searchsorted(ptr, np.flatnonzero(idx == synapse)[:2], side="right") - 1).tolist()
        raise ModelUseError(f"{where} gives synapse {synapse} two {role}-synaptic neurons ({first} and {second}); "
                            f"each synapse belongs to one.")
    if (counts == 0).any():
        raise ModelUseError(f"{where} leaves synapse {int(np.argmax(counts == 0))} without a neuron.")
    owners = np.empty(num, dtype=np.int64)
    owners[idx] = np.repeat(np.arange(ptr.size - 1, dtype=np.int64), np.diff(ptr))
    return owners


def _flat(rows: Sequence[Any], total: int) -> np.ndarray:
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    if isinstance(rows[0], np.ndarray):
        return np.concatenate(rows)
    # rows of Python numbers: one pass over the numbers (concatenate would make an array of each row first);
    # as float, so text is refused and a float index is seen (exact for every index below 2**53)
    return np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64, count=total)


def _integral(idx: np.ndarray) -> bool:
    if idx.dtype.kind in "iu":
        return True
    # rows given as Python lists with an empty one concatenate to float: whole numbers are still indices
    return idx.dtype.kind == "f" and bool(np.all(np.isfinite(idx) & (idx == np.floor(idx))))


def _first_bad_row(where: str, rows: Sequence[Any], noun: str) -> ModelUseError:
    for k, row in enumerate(rows):
        try:
            arr = np.asarray(row)
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.ndim != 1 or (arr.size and not _integral(arr)):
            return ModelUseError(f"{where}[{k}] must be a 1-D list of {noun} (ints), got {describe_value(row)}.")
    return ModelUseError(f"{where} must hold one 1-D list of {noun} (ints) per neuron.")
