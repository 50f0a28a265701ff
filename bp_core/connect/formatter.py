"""Conversions between connectivity formats: (i, j) pairs, matrices, and per-neuron index lists."""

from __future__ import annotations

import numpy as np

from bp_core.errors import ModelUseError

__all__ = ["ij2mat", "mat2ij", "pre2post", "post2pre", "pre2syn", "post2syn", "pre_slice_syn",
           "post_slice_syn", "as_index_array"]


def as_index_array(values, name: str) -> np.ndarray:
    """Return ``values`` as a 1-D int64 array of non-negative indices, or raise naming ``name``."""
    arr = np.asarray(values)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(arr == np.round(arr))):
        raise ModelUseError(f"{name} must hold integer indices, got dtype {arr.dtype}.")
    arr = arr.astype(np.int64).ravel()
    if arr.min() < 0:
        raise ModelUseError(f"{name} holds a negative index ({arr.min()}).")
    return arr


def _size(ids: np.ndarray, given: int | None) -> int:
    return int(given) if given is not None else (int(ids.max()) + 1 if ids.size else 0)


def _group_by(keys: np.ndarray, values: np.ndarray, num: int) -> list[np.ndarray]:
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(num + 1))
    return [values[order[bounds[k]:bounds[k + 1]]] for k in range(num)]


def ij2mat(i, j, num_pre: int | None = None, num_post: int | None = None) -> np.ndarray:
    """Return the dense (num_pre, num_post) 0/1 matrix of the pairs ``(i[k], j[k])``."""
    i, j = as_index_array(i, "i"), as_index_array(j, "j")
    if i.size != j.size:
        raise ModelUseError(f"i and j must have the same length, got {i.size} and {j.size}.")
    mat = np.zeros((_size(i, num_pre), _size(j, num_post)))
    mat[i, j] = 1.0
    return mat


def mat2ij(conn_mat) -> tuple[np.ndarray, np.ndarray]:
    """Return the (i, j) index pairs of the non-zero entries of a connectivity matrix."""
    conn_mat = np.asarray(conn_mat)
    if conn_mat.ndim != 2:
        raise ModelUseError(f"a connectivity matrix must be 2-D, got shape {conn_mat.shape}.")
    i, j = np.nonzero(conn_mat)
    return i.astype(np.int64), j.astype(np.int64)


def pre2post(i, j, num_pre: int | None = None) -> list[np.ndarray]:
    """For each pre-synaptic neuron, the post-synaptic neurons it connects to."""
    i, j = as_index_array(i, "i"), as_index_array(j, "j")
    return _group_by(i, j, _size(i, num_pre))


def post2pre(i, j, num_post: int | None = None) -> list[np.ndarray]:
    """For each post-synaptic neuron, the pre-synaptic neurons connecting to it."""
    i, j = as_index_array(i, "i"), as_index_array(j, "j")
    return _group_by(j, i, _size(j, num_post))


def pre2syn(i, num_pre: int | None = None) -> list[np.ndarray]:
    """For each pre-synaptic neuron, the indices of its outgoing synapses."""
    i = as_index_array(i, "i")
    return _group_by(i, np.arange(i.size), _size(i, num_pre))


def post2syn(j, num_post: int | None = None) -> list[np.ndarray]:
    """For each post-synaptic neuron, the indices of its incoming synapses."""
    j = as_index_array(j, "j")
    return _group_by(j, np.arange(j.size), _size(j, num_post))


def pre_slice_syn(i, j, num_pre: int | None = None):
    """Sort synapses by pre-synaptic neuron; return ``(i, j, slices)`` with ``slices[p] = (start, end)``."""
    i, j = as_index_array(i, "i"), as_index_array(j, "j")
    order = np.argsort(i, kind="stable")
    i, j = i[order], j[order]
    bounds = np.searchsorted(i, np.arange(_size(i, num_pre) + 1))
    return i, j, np.stack([bounds[:-1], bounds[1:]], axis=1)


def post_slice_syn(i, j, num_post: int | None = None):
    """Sort synapses by post-synaptic neuron; return ``(i, j, slices)`` with ``slices[q] = (start, end)``."""
    i, j = as_index_array(i, "i"), as_index_array(j, "j")
    order = np.argsort(j, kind="stable")
    i, j = i[order], j[order]
    bounds = np.searchsorted(j, np.arange(_size(j, num_post) + 1))
    return i, j, np.stack([bounds[:-1], bounds[1:]], axis=1)
