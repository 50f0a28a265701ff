"""A synapse loop that acts only where the presynaptic neuron spiked visits only the synapses of the neurons that
spiked (their rows of synapses); the same results bit for bit, and the whole loop where that could differ."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes import follow_presynaptic_rows as rows_pass
from bp_core.codegen.passes.follow_presynaptic_rows import FOLLOW_PRESYNAPTIC_ROWS
from tests.bp_core.codegen.lif_networks import DT, glutamate, lif_network, pipeline_without

N = 40


def exponential(ST, pre, post):
    # the whole step acts only at a spike (a COBA synapse written for one synapse)
    if pre['spike'] > 0. and ST['w'] > 0.1:
        post['g'] += ST['w']
        ST['count'] += 1.


def facilitating(ST, pre, post):
    # writes only its own synapse's fields and reads a post field no synapse writes: visits are independent
    if pre['spike'] > 0.:
        ST['x'] += 1.
        ST['s'] = ST['s'] * 0.5 + ST['w'] * post['V']


def releasing(ST, pre, post):
    # a synapse that releases with probability 0.5 and counts its releases: draws in the whole loop's order
    if pre['spike'] > 0.:
        if np.random.random() < 0.5:
            ST['count'] += 1.


def potentiating(ST, pre, post):
    # acts at the postsynaptic neuron's spike and reads that neuron's own field
    if post['spike'] > 0.:
        ST['x'] += post['V'] + 1.


def resetting(ST, pre, post):
    # writes the field its test reads: pre and post are one group, so a later synapse's test may see the write
    if pre['spike'] > 0.:
        post['spike'] = 0.
        post['g'] += ST['w']


def _network(step, seed: int = 0, **kw):
    summed = {'s_tot': "ST['w'] * ST['s']"} if step is glutamate else None
    return lif_network(step, N, seed, names=('RowsLIF', f'Rows_{step.__name__}'),
                       fields={'s': 0., 'x': 0., 'w': 0.2, 'count': 0.}, post_fields=['g', 's_tot', 'V'],
                       summed=summed, **kw)


def _run(step, rows: bool, jit: bool = True, **kw):
    with pipeline_without(*(() if rows else (FOLLOW_PRESYNAPTIC_ROWS,))), bp.profile.override(jit=jit, dt=DT):
        net, group, syn = _network(step, **kw)
        spikes = []
        for _ in range(3):  # several calls: the rows and lists are bound at each
            net.advance(20.)
            spikes.append(np.asarray(group.ST['spike']).copy())
        code = net.code
    return group, syn, code, spikes


def _same(a, b):
    (group, syn, _, spikes), (whole_group, whole_syn, _, whole_spikes) = a, b
    for name in ('s', 'x', 'count'):
        np.testing.assert_array_equal(syn.ST[name], whole_syn.ST[name])
    for name in ('V', 'g', 's_tot'):
        np.testing.assert_array_equal(group.ST[name], whole_group.ST[name])
    np.testing.assert_array_equal(spikes, whole_spikes)


@pytest.mark.parametrize("step", [glutamate, exponential])
@pytest.mark.parametrize("monitored", [True, False])
@pytest.mark.parametrize("pre_slice", [None, slice(5, 30)])
def test_the_rows_of_the_spiking_neurons_give_the_whole_loops_state_bit_for_bit(step, monitored, pre_slice):
    rows = _run(step, rows=True, monitored=monitored, pre_slice=pre_slice)
    whole = _run(step, rows=False, monitored=monitored, pre_slice=pre_slice)
    code = rows[2]
    assert "for _obj_i in range(_pre_rows_ptr[_src], _pre_rows_ptr[_src + 1]):" in code
    assert "_pre_i = _src\n" in code  # each synapse of the row is the row's neuron's: no load of it per synapse
    assert "_pre_rows_ptr" not in whole[2]
    # with the group's spikes recorded, the rows of the monitor's events; else a scan of the spike row
    assert ("_events_pre_spike[_e]" in code) is monitored
    assert ("if pre_spike[_src] != 0" in code) is not monitored
    assert rows[1].ST['count'].sum() > 0 or step is glutamate
    assert sum(s.sum() for s in rows[3]) > 0 and rows[0].ST['g'].max() > 0  # spikes, delivered
    _same(rows, whole)


@pytest.mark.parametrize("step", [glutamate, exponential])
def test_the_compiled_rows_agree_with_numpy(step):
    rows = _run(step, rows=True)
    group, syn, code, spikes = _run(step, rows=True, jit=False)
    assert "_pre_rows_ptr" in rows[2]
    np.testing.assert_array_equal(spikes, rows[3])
    for name in ('s', 'x', 'count'):
        np.testing.assert_allclose(syn.ST[name], rows[1].ST[name], rtol=1e-13, atol=1e-15)
    for name in ('V', 'g', 's_tot'):
        np.testing.assert_allclose(group.ST[name], rows[0].ST[name], rtol=1e-13, atol=1e-15)


def _shuffled(seed: int = 3, num: int = 300):
    """A FixedProb connection's (i, j) pairs in a random order, as a list read from a file may be."""
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, N, num), rng.integers(0, N, num)
    assert np.any(np.diff(i) < 0)
    return i, j


@pytest.mark.parametrize("step", [glutamate, exponential, facilitating])
@pytest.mark.parametrize("monitored", [True, False])
def test_synapses_out_of_presynaptic_order_follow_the_rows_bit_for_bit(step, monitored):
    rows = _run(step, rows=True, conn=_shuffled(), monitored=monitored)
    whole = _run(step, rows=False, conn=_shuffled(), monitored=monitored)
    code = rows[2]
    assert "_pre_rows_idx" in code and "_pre_rows_idx" not in whole[2]
    # a body adding into post fields visits in increasing synapse index (sorted), one that writes only its
    # own synapse follows the rows as they are
    assert (".sort()" in code) is (step is not facilitating)
    assert sum(s.sum() for s in rows[3]) > 0 and rows[1].ST['x'].max() + rows[1].ST['count'].max() > 0
    _same(rows, whole)
    numpy = _run(step, rows=True, jit=False, conn=_shuffled(), monitored=monitored)
    _same(numpy, whole)


def _seeded(*args, **kw):
    held = bp.profile.get_seed()
    bp.profile.set_seed(7)
    try:
        return _run(*args, **kw)
    finally:
        bp.profile.set_seed(held)


def test_a_body_that_draws_visits_shuffled_synapses_in_the_whole_loops_order():
    rows = _seeded(releasing, rows=True, conn=_shuffled())
    whole = _seeded(releasing, rows=False, conn=_shuffled())
    assert "_pre_rows_idx" in rows[2] and ".sort()" in rows[2]
    assert 0 < rows[1].ST['count'].sum()
    _same(rows, whole)


@pytest.mark.parametrize("step", [exponential, facilitating])
def test_shuffled_synapses_from_a_subgroup_follow_the_parents_rows(step):
    # the rows are those of the parent group's spike row, which the step reads
    rng = np.random.default_rng(5)
    i, j = rng.integers(0, 25, 300), rng.integers(0, N, 300)
    rows = _run(step, rows=True, conn=(i, j), pre_slice=slice(5, 30))
    whole = _run(step, rows=False, conn=(i, j), pre_slice=slice(5, 30))
    assert "_pre_rows_idx" in rows[2]
    assert rows[1].ST['x'].max() + rows[1].ST['count'].max() > 0
    _same(rows, whole)


@pytest.mark.parametrize("post_slice", [None, slice(10, 35)])
def test_the_rows_of_spiking_postsynaptic_neurons_read_those_neurons(post_slice):
    rows = _run(potentiating, rows=True, post_slice=post_slice)
    whole = _run(potentiating, rows=False, post_slice=post_slice)
    assert "_post_rows_ptr" in rows[2] and "_post_i = _src" in rows[2]
    assert rows[1].ST['x'].max() > 0
    _same(rows, whole)


@pytest.mark.parametrize("step", [exponential, glutamate])
@pytest.mark.parametrize("cost", [0, 10 ** 9])
def test_either_side_of_the_sorting_choice_gives_the_whole_loops_state(step, cost, monkeypatch):
    # 0: the visits are always gathered and sorted; 10 ** 9: the whole loop always runs
    whole = _run(step, rows=False, conn=_shuffled(num=3000))
    monkeypatch.setattr(rows_pass, "_SORT_COST", cost)
    rows = _run(step, rows=True, conn=_shuffled(num=3000))
    assert f"_n_visits * {cost} <=" in rows[2]
    assert rows[1].ST['x'].max() + rows[1].ST['count'].max() > 0
    _same(rows, whole)


def test_visiting_the_rows_as_they_are_would_add_in_another_order(monkeypatch):
    # why the adding body sorts: with 75 synapses per neuron, the rows' order changes the postsynaptic sums' bits
    monkeypatch.setattr(rows_pass, "_SORT_COST", 0)
    monkeypatch.setattr(rows_pass, "_any_order", lambda *args: True)
    rows = _run(exponential, rows=True, conn=_shuffled(num=3000))
    whole = _run(exponential, rows=False, conn=_shuffled(num=3000))
    assert ".sort()" not in rows[2]
    assert not np.array_equal(rows[0].ST['g'], whole[0].ST['g'])


def test_a_step_that_writes_the_field_its_test_reads_keeps_the_whole_loop():
    rows = _run(resetting, rows=True)
    assert "_pre_rows_ptr" not in rows[2]
    _same(rows, _run(resetting, rows=False))
