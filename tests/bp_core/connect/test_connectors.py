"""Connectors: exact pairs for the deterministic ones, statistics for the random ones, formulas for weights."""

import tracemalloc

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError


def pairs(i, j):
    return sorted(zip(np.asarray(i).tolist(), np.asarray(j).tolist()))


def test_one2one_and_all2all():
    assert pairs(*bp.connect.One2One()(np.arange(3), np.arange(10, 13))) == [(0, 10), (1, 11), (2, 12)]
    assert pairs(*bp.connect.one2one(2, 2)) == [(0, 0), (1, 1)]
    assert pairs(*bp.connect.All2All(include_self=False)(np.arange(3), np.arange(3))) == \
        [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]
    assert len(bp.connect.all2all(3, 4)[0]) == 12
    with pytest.raises(ModelUseError, match="equal size, got 3 pre and 4 post"):
        bp.connect.One2One()(np.arange(3), np.arange(4))


def test_grid_four_on_a_3x3_grid_with_borders():
    got = pairs(*bp.connect.GridFour()((3, 3)))
    expected = []
    for r in range(3):
        for c in range(3):
            for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                if 0 <= r + dr < 3 and 0 <= c + dc < 3:
                    expected.append((r * 3 + c, (r + dr) * 3 + c + dc))
    assert got == sorted(expected)
    assert len(got) == 24  # 4 corners x 2 + 4 edges x 3 + centre x 4
    assert len(bp.connect.GridFour(include_self=True)((3, 3))[0]) == 33


def test_grid_eight_and_grid_n_counts():
    assert len(bp.connect.GridEight()((3, 3))[0]) == 4 * 3 + 4 * 5 + 8
    assert len(bp.connect.grid_eight(4, 4, include_self=True)[0]) == 100
    grid = np.arange(25).reshape(5, 5)
    i, j = bp.connect.GridN(n=2, include_self=True)(grid, grid)
    assert np.sum(i == 12) == 25  # the centre reaches the whole 5x5 grid
    assert np.sum(i == 0) == 9    # a corner reaches a 3x3 block
    with pytest.raises(ModelUseError, match="n >= 1"):
        bp.connect.GridN(n=0)


def test_fixed_prob_statistics_seed_and_self():
    n = 400
    i, j = bp.connect.FixedProb(0.1, include_self=False, seed=5)(np.arange(n), np.arange(n))
    expected, sd = 0.1 * n * (n - 1), np.sqrt(n * (n - 1) * 0.1 * 0.9)
    assert abs(len(i) - expected) < 5 * sd
    assert not np.any(i == j)
    assert len(set(zip(i.tolist(), j.tolist()))) == len(i)
    again = bp.connect.FixedProb(0.1, include_self=False, seed=5)(np.arange(n), np.arange(n))
    np.testing.assert_array_equal(again[0], i)
    np.testing.assert_array_equal(again[1], j)
    for bad in (-0.1, 1.5):
        with pytest.raises(ModelUseError, match="probability in \\[0, 1\\]"):
            bp.connect.FixedProb(bad)


def test_fixed_prob_memory_grows_with_synapses_not_pairs():
    n = 50_000
    tracemalloc.start()
    i, j = bp.connect.FixedProb(0.001, seed=1)(np.arange(n), np.arange(n))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert abs(len(i) - 0.001 * n * n) < 5 * np.sqrt(0.001 * n * n)
    assert peak < 4 * 16 * len(i) + 2**20  # a few copies of the index pairs, far from n*n bytes


def test_fixed_pre_and_post_numbers():
    n_pre, n_post = 30, 20
    i, j = bp.connect.FixedPreNum(5, seed=1)(np.arange(n_pre), np.arange(n_post))
    assert np.all(np.bincount(j, minlength=n_post) == 5)
    i, j = bp.connect.FixedPostNum(0.25, include_self=False, seed=1)(np.arange(n_pre), np.arange(n_pre))
    assert np.all(np.bincount(i, minlength=n_pre) == round(0.25 * (n_pre - 1)))
    assert not np.any(i == j)
    with pytest.raises(ModelUseError, match="asks for 50 partners but only 20"):
        bp.connect.FixedPreNum(50)(np.arange(20), np.arange(20))


def test_gaussian_weight_and_dog_follow_their_formulas():
    grid = np.arange(100).reshape(10, 10)
    i, j, w = bp.connect.GaussianWeight(sigma=0.2, w_max=2.0, w_min=0.05)(grid, grid)
    rows, cols = np.divmod(np.arange(100), 10)
    d2 = ((rows[i] - rows[j]) / 9.) ** 2 + ((cols[i] - cols[j]) / 9.) ** 2
    np.testing.assert_allclose(w, 2.0 * np.exp(-d2 / (2 * 0.2 ** 2)))
    assert w.min() >= 0.05
    i, j, w = bp.connect.DOG(sigmas=[0.08, 0.15], ws_max=[1.0, 0.7], w_min=0.01, include_self=False)(grid, grid)
    d2 = ((rows[i] - rows[j]) / 9.) ** 2 + ((cols[i] - cols[j]) / 9.) ** 2
    np.testing.assert_allclose(w, np.exp(-d2 / (2 * 0.08 ** 2)) - 0.7 * np.exp(-d2 / (2 * 0.15 ** 2)))
    assert np.abs(w).min() >= 0.01 and not np.any(i == j)


def test_gaussian_prob_decays_with_distance():
    grid = np.arange(30 * 30).reshape(30, 30)
    i, j = bp.connect.GaussianProb(sigma=2.236, normalize=False, include_self=False, seed=3)(grid, grid)
    rows, cols = np.divmod(np.arange(900), 30)
    d2 = (rows[i] - rows[j]) ** 2 + (cols[i] - cols[j]) ** 2
    near = np.mean(d2 <= 2)
    assert near > 0.2 and np.max(d2) < 200
    # neighbours at distance 1 connect with probability exp(-1/10)
    interior = (rows[i] > 0) & (rows[i] < 29) & (cols[i] > 0) & (cols[i] < 29)
    p_hat = np.sum(interior & (d2 == 1)) / (4 * np.sum((rows > 0) & (rows < 29) & (cols > 0) & (cols < 29)))
    assert abs(p_hat - np.exp(-1 / 10)) < 0.03


def test_small_world_and_scale_free():
    i, j = bp.connect.SmallWorld(num_neighbor=4, prob=0.0, seed=1)(np.arange(20), np.arange(20))
    assert np.all(np.bincount(i) == 4) and set(zip(i.tolist(), j.tolist())) == set(zip(j.tolist(), i.tolist()))
    i2, _ = bp.connect.SmallWorld(num_neighbor=4, prob=0.3, seed=1)(np.arange(200), np.arange(200))
    assert len(i2) == 200 * 4
    i3, _ = bp.connect.ScaleFree(m=2, seed=1)(np.arange(500), np.arange(500))
    degrees = np.bincount(i3)
    assert degrees.min() >= 2 and degrees.max() > 5 * np.median(degrees)  # hubs
    with pytest.raises(ModelUseError, match="connects a group to itself"):
        bp.connect.ScaleFree()(np.arange(5), np.arange(6))


def test_formatters_round_trip():
    i = np.array([0, 0, 1, 2, 2])
    j = np.array([1, 2, 0, 0, 1])
    mat = bp.connect.ij2mat(i, j, 3, 3)
    assert mat.sum() == 5 and mat[0, 2] == 1
    back = bp.connect.mat2ij(mat)
    assert pairs(*back) == pairs(i, j)
    assert [x.tolist() for x in bp.connect.pre2post(i, j, 3)] == [[1, 2], [0], [0, 1]]
    assert [x.tolist() for x in bp.connect.post2pre(i, j, 3)] == [[1, 2], [0, 2], [0]]
    assert [x.tolist() for x in bp.connect.pre2syn(i, 3)] == [[0, 1], [2], [3, 4]]
    assert [x.tolist() for x in bp.connect.post2syn(j, 3)] == [[2, 3], [0, 4], [1]]
    si, sj, slices = bp.connect.pre_slice_syn(i, j, 3)
    assert slices.tolist() == [[0, 2], [2, 3], [3, 5]]
    si, sj, slices = bp.connect.post_slice_syn(i, j, 3)
    assert sj.tolist() == [0, 0, 1, 1, 2] and slices.tolist() == [[0, 2], [2, 4], [4, 5]]


def test_weight_connectors_give_synconn_weights(jit):
    model = bp.SynType(name='Weighted', ST=bp.types.SynState('w'), steps=_copy_weights, mode='vector')
    lif = bp.models.get_LIF()
    grid = bp.NeuGroup(lif, geometry=(5, 5))
    syn = bp.SynConn(model, pre_group=grid, post_group=grid, conn=bp.connect.GaussianWeight(0.3, 1.0))
    bp.Network(grid, syn).run(0.2)
    np.testing.assert_allclose(syn.ST['w'], syn.connectivity('weights'))


def _copy_weights(ST, _t, weights):
    ST['w'] = weights


@pytest.mark.parametrize("prob", [0.008, 0.1, 0.3, 0.5, 1e-10])
def test_fixed_prob_positions_are_those_of_numpys_geometric_gaps(prob):
    # the gaps are computed over arrays, and are the gaps Generator.geometric draws, from the same state
    from bp_core.connect.connectors import bernoulli_positions

    total = 50_000 if prob > 1e-9 else 10 ** 12
    positions = bernoulli_positions(total, prob, np.random.default_rng(7), chunk=1000)
    rng, last, expected = np.random.default_rng(7), -1, []
    while True:
        size = int(min(1000, max(64, (total - last) * prob * 1.1 + 64)))
        drawn = rng.geometric(prob, size=size)
        assert drawn.min() >= 1
        steps = last + np.cumsum(drawn)
        expected += steps[steps < total].tolist()
        if (steps < total).sum() < size:
            break
        last = int(steps[-1])
    np.testing.assert_array_equal(positions, expected)
