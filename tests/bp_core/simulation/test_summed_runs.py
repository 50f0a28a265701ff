"""Summed expressions over runs of synapses with consecutive postsynaptic neurons (``run_sum`` in the kernel)."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.simulation import summed_plans
from bp_core.simulation.summed_plans import post_runs

DT = 0.1
TEXT = "ST['w'] * (pre['V'] - post['V']) + np.exp(-ST['w'])"


def _leaky(ST, _t):
    ST['V'] += 0.1 * (ST['I_ext'] - ST['V'] + ST['I_gap'])


def _age(ST):
    ST['age'] += 1.


NEURON = bp.NeuType('leaky', bp.types.NeuState('V', 'I_ext', 'I_gap'), _leaky, mode='vector')


def _network(conn, post_slice=None, text=TEXT, n=40):
    rng = np.random.default_rng(3)
    model = bp.SynType('gap', bp.types.SynState('w', 'age'), _age, mode='vector', summed={'I_gap': text})
    group = bp.NeuGroup(NEURON, n, monitors=['V', 'I_gap'])
    group.ST['V'] = rng.uniform(-1., 1., n)
    group.ST['I_ext'] = np.linspace(0., 2., n)
    post = group if post_slice is None else group[post_slice]
    syn = bp.SynConn(model, pre_group=group, post_group=post, conn=conn)
    syn.ST['w'] = rng.uniform(0., 0.05, syn.num)
    return bp.Network(group, syn), group, syn


def _sums(conn, jit, min_mean, monkeypatch, post_slice=None):
    """I_gap and V over 10 steps, and the kernel's listing, with runs from ``min_mean`` on."""
    monkeypatch.setattr(summed_plans, "MIN_MEAN_RUN", min_mean)
    bp.profile.set(dt=DT, jit=jit)
    net, group, syn = _network(conn, post_slice)
    first = (group.ST['V'].copy(), syn.ST['w'].copy(), syn.pre_ids, syn.post_ids)
    net.run(10 * DT)
    return group.mon.I_gap.copy(), group.mon.V.copy(), net.kernel_text('cpu'), first


def test_post_runs_splits_where_the_next_position_does_not_follow():
    index = np.array([3, 4, 5, 0, 1, 2, 3, 7, 9, 10])
    np.testing.assert_array_equal(post_runs(index, min_mean=1.),
                                  [[0, 3, 3], [3, 0, 4], [7, 7, 1], [8, 9, 2]])
    assert post_runs(index, min_mean=2.6) is None  # 10 synapses in 4 runs: 2.5 on average
    assert post_runs(index, min_mean=2.5) is not None
    assert post_runs(np.zeros(0, np.int64), min_mean=1.) is None
    assert post_runs(np.array([2, 2, 2]), min_mean=1.).tolist() == [[0, 2, 1], [1, 2, 1], [2, 2, 1]]
    # a run also ends where the presynaptic neuron changes, when the presynaptic indices are given
    pre = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(post_runs(index, pre, min_mean=1.),
                                  [[0, 3, 3], [3, 0, 1], [4, 1, 3], [7, 7, 1], [8, 9, 2]])


@pytest.mark.parametrize("conn, post_slice, one_pre", [
    (bp.connect.All2All(include_self=False), None, True),
    (bp.connect.All2All(), slice(10, 30), True),          # into a subgroup: positions 10-29 of the parent's field
    ((np.repeat([0, 5, 5, 7], 20), np.tile(np.arange(20, 40), 4)), None, True),  # a neuron twice: repeated runs
    (bp.connect.One2One(), None, False),  # one run, a presynaptic neuron per synapse: pre['V'] read through pre_ids
])
def test_run_sums_equal_the_scatter_loop_and_numpy_bit_for_bit(conn, post_slice, one_pre, monkeypatch):
    # a run holds each neuron once and the runs go in synapse order: every neuron adds its synapses' values in
    # the scatter loop's order, so the sums, and the potentials they drive, are the same bits
    runs, fused, plain = (_sums(conn, jit, min_mean, monkeypatch, post_slice)
                          for jit, min_mean in ((True, 16), (True, np.inf), (False, 16)))
    assert "run_sum" in runs[2] and "fused_sum" not in runs[2]
    # runs of one presynaptic neuron read its potential once a run
    assert ("_s0 = NeuGroup0_ST_V[" in runs[2]) is one_pre and ("_ST_V[_summed0_v" in runs[2]) is not one_pre
    assert "fused_sum" in fused[2] and "run_sum" not in fused[2]
    for other in (fused, plain):
        np.testing.assert_array_equal(runs[0], other[0])
        np.testing.assert_array_equal(runs[1], other[1])
    V, w, i, j = runs[3]
    expected = np.bincount(j, weights=w * (V[i] - V[j]) + np.exp(-w), minlength=V.shape[0])
    np.testing.assert_allclose(runs[0][0], expected, rtol=0, atol=1e-12)
    assert np.count_nonzero(runs[0][0]) == np.unique(j).shape[0]  # only the connected neurons receive a sum


def test_short_runs_keep_the_scatter_loop(monkeypatch):
    rng = np.random.default_rng(0)
    conn = (rng.integers(0, 40, 200), rng.integers(0, 40, 200))
    _, _, text, _ = _sums(conn, True, summed_plans.MIN_MEAN_RUN, monkeypatch)
    assert "fused_sum" in text and "run_sum" not in text
