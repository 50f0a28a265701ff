"""Aligned allocation: every state, dense record and delay line starts on a cache line."""

import pickle

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import bp_core as bp
from bp_core.tools.arrays import ALIGNMENT, aligned_empty


@settings(max_examples=200, deadline=None)
@given(shape=st.lists(st.integers(1, 37), min_size=1, max_size=3),
       dtype=st.sampled_from([np.float64, np.float32, np.int32, np.int64, np.bool_]),
       alignment=st.sampled_from([16, 32, 64, 128]))
def test_aligned_empty_is_a_contiguous_writable_array_on_the_boundary(shape, dtype, alignment):
    arr = aligned_empty(tuple(shape), dtype, alignment)
    assert arr.shape == tuple(shape) and arr.dtype == np.dtype(dtype)
    assert arr.flags.c_contiguous and arr.flags.writeable
    assert arr.ctypes.data % alignment == 0
    arr[...] = 1
    assert (arr == 1).all()


def test_each_array_owns_its_memory():
    a, b = aligned_empty(100), aligned_empty(100)
    a[:] = 1.
    b[:] = 2.
    assert (a == 1.).all() and (b == 2.).all()


def _rest(ST, _t):
    ST['spike'] = 0.


CELL = bp.NeuType(name='cell', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=_rest, mode='vector')


def _state_addresses(n):
    return [bp.NeuGroup(CELL, size).ST._data.ctypes.data for size in n]


def test_group_states_start_on_a_cache_line_whatever_the_allocator_returns():
    # numpy's own allocations land on 16-byte boundaries: over 40 groups some would be off a cache line
    addresses = _state_addresses(range(1, 41))
    assert all(a % ALIGNMENT == 0 for a in addresses)


def test_an_unpickled_state_is_aligned_and_equal():
    group = bp.NeuGroup(CELL, 13)
    group.ST['V'] = np.arange(13.)
    copies = [pickle.loads(pickle.dumps(group.ST)) for _ in range(20)]
    assert all(c._data.ctypes.data % ALIGNMENT == 0 for c in copies)
    assert all(np.array_equal(c['V'], np.arange(13.)) and c.fields == group.ST.fields for c in copies)


def test_an_empty_array_has_its_shape():
    assert aligned_empty((0, 3)).shape == (0, 3)
