"""Exponentials of the time since a time stamp are read from tables where the time is a whole number of steps
(``passes.stamp_decays``): the model library's event-driven STDP gives the state and spikes of the call it
replaces, to rounding, with jit on and off; a stamp off the grid, in the future, or a gap beyond the tables
takes the call as written."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes.stamp_decays import STAMP_DECAYS
from tests.bp_core.codegen.lif_networks import pipeline_without
from tests.bp_core.codegen.test_split_event_branches import neuron as lif

DT = 0.1


def _run(tabled: bool, syn_type: bp.SynType, calls=(60., 60.), jit: bool = True, stamps=None, drive=(1.1, 3.),
         pre_size: int = 30, post_size: int = 6):
    with pipeline_without(*([] if tabled else [STAMP_DECAYS])):
        with bp.profile.override(jit=jit, dt=DT):
            neuron = bp.NeuType(name='StampLIF', ST=bp.types.NeuState({'V': 0., 'drive': 0., 'input': 0.,
                                                                       'spike': 0.}), steps=lif, mode='scalar')
            rng = np.random.default_rng(0)
            pre, post = bp.NeuGroup(neuron, pre_size, monitors=['spike']), bp.NeuGroup(neuron, post_size,
                                                                                      monitors=['spike'])
            for group in (pre, post):
                group.ST['drive'] = rng.uniform(*drive, group.num)
                group.ST['V'] = rng.uniform(0., 1., group.num)
            syn = bp.SynConn(syn_type, pre_group=pre, post_group=post, conn=bp.connect.All2All())
            syn.ST['w'] = rng.uniform(0., 1., syn.num)
            syn.ST['a_pre'] = rng.uniform(0., 0.01, syn.num)  # traces to decay from the first visit on
            syn.ST['a_post'] = -rng.uniform(0., 0.01, syn.num)
            if stamps is not None:
                syn.ST['t_last'] = stamps(syn.num)
            net = bp.Network(pre, post, syn)
            states = []
            for duration in calls:
                net.advance(duration)
                states.append({k: np.array(syn.ST[k]) for k in ('w', 'a_pre', 'a_post', 't_last')})
            return states, (np.asarray(post.mon.spike_index), np.asarray(post.mon.spike_time)), net.code


def _same(a, b, rtol=1e-13):
    for got, expected in zip(a[1], b[1]):
        np.testing.assert_array_equal(got, expected)
    for state, other in zip(a[0], b[0]):
        for key in state:
            np.testing.assert_allclose(state[key], other[key], rtol=rtol, atol=1e-16, err_msg=key)


@pytest.fixture(scope="module")
def stdp():
    return bp.models.get_STDP(tau_pre=17., tau_post=34.)


@pytest.mark.parametrize("jit", [True, False])
def test_event_driven_stdp_reads_its_decays_from_tables_with_the_calls_results(stdp, jit):
    tabled, called = _run(True, stdp, jit=jit), _run(False, stdp, jit=jit)
    assert "decay_powers(" in tabled[2] and "_stamp_lo[" in tabled[2] and "_stamp_hi[" in tabled[2]
    assert "_stamp_lo" not in called[2]
    assert tabled[1][0].size > 20  # the postsynaptic neurons spiked: both loops of the rule ran
    # the decays were applied (the traces are not what the increments alone would leave)
    assert np.any(tabled[0][0]['a_pre'] != 0.) and np.any(tabled[0][0]['t_last'] > 0.)
    _same(tabled, called)


def test_jit_on_and_off_agree_with_the_tables(stdp):
    _same(_run(True, stdp, jit=True), _run(True, stdp, jit=False), rtol=1e-14)


@pytest.mark.parametrize("stamps", [
    lambda n: np.full(n, 0.05),  # half a step off the grid
    lambda n: np.full(n, -20. + 1e-7),  # a millionth of a step off: far beyond rounding
    lambda n: np.full(n, 1e4),  # in the future: a negative time since
    lambda n: np.full(n, -1e300),  # never: the decay is complete
    lambda n: np.full(n, -1e6),  # a gap of 10^7 steps: within the two tables (2^24 steps)
    lambda n: np.full(n, -3e6),  # 3 x 10^7 steps: beyond them
    lambda n: np.linspace(-50., 0., n),  # most off the grid, a few on it
])
def test_stamps_off_the_grid_or_gaps_beyond_the_tables_take_the_call(stdp, stamps):
    tabled, called = _run(True, stdp, stamps=stamps), _run(False, stdp, stamps=stamps)
    assert "_stamp_lo[" in tabled[2]
    _same(tabled, called)


def test_a_gap_longer_than_one_table_reads_both():
    # stamps 500 ms back: the first visit of each synapse is 5,000 steps after its stamp, beyond the first
    # table's 4,096, where both tables are read; slow traces, so the decayed values are far from 0
    slow = bp.models.get_STDP(tau_pre=3000., tau_post=5000.)
    runs = [_run(tabled, slow, stamps=lambda n: np.full(n, -500.)) for tabled in (True, False)]
    visited = runs[0][0][0]['t_last'] > 0.
    assert np.any(visited) and np.all(np.abs(runs[0][0][0]['a_post'][visited]) > 1e-4)
    _same(*runs)


def stamp_inline(ST, _t, pre, post, pre2syn, post_ids):
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            for syn in pre2syn[i]:
                x = ST['a_pre'][syn] * np.exp((_t - ST['t_last'][syn]) * (-1. / 17.))  # the difference inside
                ST['a_pre'][syn] = x + 0.01
                ST['a_post'][syn] = ST['a_pre'][syn]
                ST['t_last'][syn] = _t
                post['input'][post_ids[syn]] += ST['w'][syn] * x


def stamp_turned(ST, _t, pre, post, pre2syn, post_ids):
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            for syn in pre2syn[i]:
                gap = ST['t_last'][syn] - _t  # X - _t: the sign turned
                x = ST['a_pre'][syn] * np.exp(gap / 17.)
                ST['a_pre'][syn] = x + 0.01
                ST['a_post'][syn] = ST['a_pre'][syn]
                ST['t_last'][syn] = _t
                post['input'][post_ids[syn]] += ST['w'][syn] * x


def stamp_affine(ST, _t, pre, post, pre2syn, post_ids):
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            for syn in pre2syn[i]:
                elapsed = _t - ST['t_last'][syn]
                ST['a_pre'][syn] = ST['a_pre'][syn] * np.exp(-(elapsed + 1.) / 17.) + 0.01
                ST['t_last'][syn] = _t


def stamp_whole_rows(ST, _t, pre, post, pre2syn, post_ids):
    if _t > 5.:  # under an if: not an exponential simd_math takes; the time since is an array here
        ST['a_pre'] = ST['a_pre'] * np.exp(-(_t - ST['t_last']) / 17.) + 0.001
        ST['t_last'] = ST['t_last'] * 0. + _t
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            for syn in pre2syn[i]:
                post['input'][post_ids[syn]] += ST['w'][syn] * ST['a_pre'][syn]


def _synapse(step) -> bp.SynType:
    return bp.SynType(name=step.__name__, ST=bp.types.SynState({'w': 0.5, 'a_pre': 0., 'a_post': 0., 't_last': 0.}),
                      requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input'])),
                      steps=step, mode='vector')


@pytest.mark.parametrize("step", [stamp_inline, stamp_turned])
def test_other_forms_of_the_time_since_a_stamp(step):
    tabled, called = _run(True, _synapse(step)), _run(False, _synapse(step))
    assert "_stamp_lo[" in tabled[2]
    assert np.any(tabled[0][-1]['a_pre'] != 0.)
    _same(tabled, called)


def test_an_exponent_not_proportional_to_the_time_since_is_left_alone():
    tabled = _run(True, _synapse(stamp_affine))
    assert "_stamp_lo" not in tabled[2] and "decay_powers" not in tabled[2]
    assert "np.exp(-(elapsed + 1.0) / 17.0)" in tabled[2]


@pytest.mark.parametrize("jit", [True, False])
def test_a_time_since_that_is_a_whole_array_is_left_alone(jit):
    tabled, called = _run(True, _synapse(stamp_whole_rows), jit=jit), _run(False, _synapse(stamp_whole_rows), jit=jit)
    assert "_stamp_lo" not in tabled[2]
    assert tabled[1][0].size > 0
    _same(tabled, called)
