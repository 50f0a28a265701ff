"""Spike-queue delays against the per-synapse delay line, and the connectivity checks of a build."""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp
from bp_core.simulation.planning import rows_are_unique


# -- build: the duplicate-index check of index lists ------------------------------------------------------

def _compressed(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    idx = np.array([i for r in rows for i in r], dtype=np.int64)
    return ptr, idx


@pytest.mark.parametrize("seed", range(20))
def test_duplicate_check_agrees_with_a_per_row_reference(seed):
    rng = np.random.default_rng(seed)
    rows = [list(rng.choice(50, size=rng.integers(0, 8), replace=bool(rng.integers(0, 2)))) for _ in range(30)]
    ptr, idx = _compressed(rows)
    expected = all(len(set(r)) == len(r) for r in rows)
    assert rows_are_unique(ptr, idx) == expected
    assert rows_are_unique(ptr, idx.astype(np.int32)) == expected


def test_duplicate_check_sees_one_repeat_among_a_million_entries():
    rng = np.random.default_rng(0)
    ptr = np.arange(0, 1_000_001, 100, dtype=np.int64)
    idx = np.concatenate([rng.permutation(5000)[:100] for _ in range(10_000)])
    assert rows_are_unique(ptr, idx)
    idx[500_001] = idx[500_000]  # two entries of row 5000
    assert not rows_are_unique(ptr, idx)
    # the same index in two different rows is no duplicate
    assert rows_are_unique(np.array([0, 1, 2]), np.array([7, 7]))


def _count_once(ST, _t, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['V'][pre2post[i]] += 1.


def _mark(ST):
    ST['spike'] = 1.


@pytest.mark.parametrize("jit", [True, False])
def test_a_row_listing_a_target_twice_keeps_numpy_fancy_index_semantics(jit):
    """A duplicate makes ``x[rows] += 1`` add once per distinct index (NumPy), not once per entry."""
    bp.profile.set(jit=jit, dt=0.1)
    neuron = bp.NeuType(name='marker', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=_mark, mode='scalar')
    group = bp.NeuGroup(neuron, 3)
    syn = bp.SynConn(bp.SynType(name='once', ST=bp.types.SynState([]), steps=_count_once, mode='vector'),
                     pre_group=group, post_group=group, conn=bp.connect.All2All())
    syn.pre2post = [np.array([0, 1, 1]), np.array([2]), np.array([], dtype=np.int64)]
    bp.Network(group, syn).run(0.1)
    assert group.ST['V'].tolist() == [1., 1., 1.]
