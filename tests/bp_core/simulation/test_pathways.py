"""Several pathways of one SynConn, each with its own delay, against separate SynConns with one delay each."""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError, ModelUseError

N_PRE, N_POST = 30, 20


def _lif_update(ST, _t):
    ST['spike'] = 0.
    ST['V'] += 0.1 * (ST['input'] - ST['V'])
    if ST['V'] > 1.:
        ST['V'] = 0.
        ST['spike'] = 1.
    ST['input'] = 1.05
    ST['x'] *= 0.9
    ST['y'] *= 0.8


def _neuron():
    return bp.NeuType(name='lifxy', ST=bp.types.NeuState({'V': 0., 'input': 0., 'spike': 0., 'x': 0., 'y': 0.}),
                      steps=_lif_update, mode='scalar')


def _copy(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed(pathway='up')
def _up(ST, post):
    post['x'] += ST['w'] * ST['s']


@bp.delayed('down')
def _down(ST, post):
    post['y'] -= 0.5 * ST['w'] * ST['s']


@bp.delayed
def _up_alone(ST, post):
    post['x'] += ST['w'] * ST['s']


@bp.delayed
def _down_alone(ST, post):
    post['y'] -= 0.5 * ST['w'] * ST['s']


def _state():
    return bp.types.SynState({'s': 0., 'w': 0.})


def _updown():
    return bp.SynType(name='updown', ST=_state(), steps=(_copy, _up, _down), mode='scalar')


def _single(step, name):
    return bp.SynType(name=name, ST=_state(), steps=(_copy, step), mode='scalar')


def _drive(seed):
    rng = np.random.default_rng(seed)
    pre = bp.NeuGroup(_neuron(), N_PRE, monitors=['spike'])
    post = bp.NeuGroup(_neuron(), N_POST, monitors=['spike', 'x', 'y'])
    pre.ST['V'] = rng.uniform(0., 1., N_PRE)
    post.ST['V'] = rng.uniform(0., 1., N_POST)
    ij = bp.connect.FixedProb(0.3, seed=seed)
    return rng, pre, post, ij


def _runs(seed, delays, chunks):
    """The spikes and traces of the pathway form and of separate SynConns, run in ``chunks``."""
    out = []
    for form in ("pathways", "separate"):
        rng, pre, post, ij = _drive(seed)
        if form == "pathways":
            syn = bp.SynConn(_updown(), pre_group=pre, post_group=post, conn=ij, delay=dict(delays))
            w = rng.uniform(0.2, 1., syn.num)
            syn.ST['w'] = w
            net = bp.Network(pre, post, syn)
        else:
            a = bp.SynConn(_single(_up_alone, 'up_only'), pre_group=pre, post_group=post, conn=ij,
                           delay=delays['up'])
            b = bp.SynConn(_single(_down_alone, 'down_only'), pre_group=pre, post_group=post, conn=ij,
                           delay=delays['down'])
            w = rng.uniform(0.2, 1., a.num)
            a.ST['w'] = w
            b.ST['w'] = w
            net = bp.Network(pre, post, a, b)
        net.run(chunks[0])
        for chunk in chunks[1:]:
            net.advance(chunk)
        out.append((post.mon.spike.copy(), post.mon.x.copy(), post.mon.y.copy(), net))
    return out


@pytest.mark.parametrize("per_synapse", [False, True])
def test_pathways_equal_separate_synconns_spike_for_spike(jit, per_synapse):
    bp.profile.set(dt=0.1)
    delays = {'up': 1.0, 'down': 2.5}
    if per_synapse:
        _, _, _, ij = _drive(3)
        pre = bp.NeuGroup(_neuron(), N_PRE)
        post = bp.NeuGroup(_neuron(), N_POST)
        n = bp.SynConn(_single(_up_alone, 'count'), pre_group=pre, post_group=post, conn=ij).num
        rng = np.random.default_rng(7)
        delays = {'up': rng.uniform(0., 2., n), 'down': rng.uniform(0.5, 4., n)}
    (spikes_a, x_a, y_a, _), (spikes_b, x_b, y_b, _) = _runs(3, delays, [5., 7.3, 12.])
    assert spikes_a.sum() > 20 and np.abs(x_a).max() > 0.1 and np.abs(y_a).max() > 0.1
    np.testing.assert_array_equal(spikes_a, spikes_b)
    np.testing.assert_array_equal(x_a, x_b)
    np.testing.assert_array_equal(y_a, y_b)


def test_pathways_survive_a_snapshot(jit):
    bp.profile.set(dt=0.1)
    rng, pre, post, ij = _drive(5)
    syn = bp.SynConn(_updown(), pre_group=pre, post_group=post, conn=ij, delay={'up': 0.7, 'down': 3.})
    syn.ST['w'] = rng.uniform(0.2, 1., syn.num)
    net = bp.Network(pre, post, syn)
    net.run(6.)
    snap = net.snapshot()
    net.advance(8.)
    first_y = post.mon.y.copy()
    net.restore(snap)
    net.advance(8.)
    assert np.abs(first_y).max() > 0.1
    np.testing.assert_array_equal(post.mon.y, first_y)


def test_state_and_parameters_set_on_the_synconn_reach_every_pathway(jit):
    bp.profile.set(dt=0.1)
    rng, pre, post, ij = _drive(2)
    syn = bp.SynConn(_updown(), pre_group=pre, post_group=post, conn=ij, delay={'up': 1., 'down': 1.})
    net = bp.Network(pre, post, syn)
    net.run(10.)  # w = 0: nothing arrives
    assert np.abs(post.mon.x).max() == 0. and np.abs(post.mon.y).max() == 0.
    syn.ST['w'] = 1.
    net.run(10.)
    assert post.mon.x.max() > 0. and post.mon.y.min() < 0.


def test_monitors_of_a_pathway_synconn_record_its_shared_state(jit):
    bp.profile.set(dt=0.1)
    traces = []
    for form in ("pathways", "separate"):
        rng, pre, post, ij = _drive(4)
        if form == "pathways":
            syn = bp.SynConn(_updown(), pre_group=pre, post_group=post, conn=ij, delay={'up': 1., 'down': 2.},
                             monitors=['s', 'w'])
            members = [syn]
        else:
            syn = bp.SynConn(_single(_up_alone, 'up_only'), pre_group=pre, post_group=post, conn=ij, delay=1.,
                             monitors=['s', 'w'])
            members = [syn, bp.SynConn(_single(_down_alone, 'down_only'), pre_group=pre, post_group=post, conn=ij,
                                       delay=2.)]
        for member in members:
            member.ST['w'] = np.linspace(0.1, 1., syn.num)
        bp.Network(pre, post, *members).run(8.)
        traces.append((syn.mon.s.copy(), syn.mon.w.copy(), post.mon.y.copy()))
    (s_a, w_a, y_a), (s_b, w_b, y_b) = traces
    assert s_a.shape == (80, s_a.shape[1]) and s_a.sum() > 0
    np.testing.assert_array_equal(s_a, s_b)
    np.testing.assert_array_equal(w_a, w_b)
    np.testing.assert_array_equal(y_a, y_b)


# -- errors -----------------------------------------------------------------------------------------------

def _groups():
    return bp.NeuGroup(_neuron(), 4), bp.NeuGroup(_neuron(), 3)


def test_a_pathway_without_a_delay_is_refused():
    pre, post = _groups()
    with pytest.raises(ModelUseError, match=r"SynConn 'S' has no delay for pathway 'down'.*delay=\{'up'"):
        bp.SynConn(_updown(), pre_group=pre, post_group=post, conn=bp.connect.All2All(), delay={'up': 1.}, name='S')


def test_one_number_for_several_pathways_is_refused():
    pre, post = _groups()
    with pytest.raises(ModelUseError, match=r"SynConn 'S' runs model 'updown', whose pathways \['up', 'down'\]"):
        bp.SynConn(_updown(), pre_group=pre, post_group=post, conn=bp.connect.All2All(), delay=1., name='S')


def test_an_unknown_pathway_is_refused():
    pre, post = _groups()
    with pytest.raises(ModelUseError, match=r"SynConn 'S' got a delay for pathway 'sideways'.*\['up', 'down'\]"):
        bp.SynConn(_updown(), pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                   delay={'up': 1., 'down': 2., 'sideways': 3.}, name='S')


def test_a_delay_array_of_the_wrong_length_is_refused():
    pre, post = _groups()
    with pytest.raises(ModelUseError, match=r"SynConn 'S' got 5 delays for pathway 'down' and its 12 synapses"):
        bp.SynConn(_updown(), pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                   delay={'up': 1., 'down': np.ones(5)}, name='S')
    with pytest.raises(ModelUseError, match=r"SynConn 'S', pathway 'up'.*not one-dimensional"):
        bp.SynConn(_updown(), pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                   delay={'up': np.ones((3, 4)), 'down': 1.}, name='S')


def test_pathway_delays_on_a_model_without_pathways_are_refused():
    pre, post = _groups()
    with pytest.raises(ModelUseError, match=r"SynConn 'S' got delays for pathways \['up'\].*no pathway"):
        bp.SynConn(_single(_up_alone, 'plain'), pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                   delay={'up': 1.}, name='S')


def test_two_unnamed_delayed_steps_are_refused():
    with pytest.raises(ModelDefError, match=r"several @delayed steps.*pathway=.up."):
        bp.SynType(name='two', ST=_state(), steps=(_copy, _up_alone, _down_alone), mode='scalar')
    with pytest.raises(ModelDefError, match="pathway's name"):
        bp.delayed(pathway='not a name')


def _copy_and_more(ST, pre):
    ST['s'] = pre['spike']
    ST['w'] += 0.01


def test_an_undelayed_step_doing_more_than_copying_is_refused():
    pre, post = _groups()
    model = bp.SynType(name='more', ST=_state(), steps=(_copy_and_more, _up, _down), mode='scalar')
    with pytest.raises(ModelUseError, match=r"step '_copy_and_more'.*line 3 of the step.*once per pathway"):
        bp.SynConn(model, pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                   delay={'up': 1., 'down': 2.}, name='S')


# -- Brian2's rectangular current: on_pre={'up': 'I += 1', 'down': 'I -= 1'}, delay={'up': 0, 'down': 5 ms} --

def _hold(ST):
    ST['seen'] = ST['I']


@bp.delayed(pathway='up')
def _rise(ST, post):
    post['I'] += ST['s']


@bp.delayed(pathway='down')
def _fall(ST, post):
    post['I'] -= ST['s']


@pytest.mark.parametrize("per_synapse", [False, True])
def test_two_pathways_make_a_rectangular_current_of_each_spike(jit, per_synapse):
    """I counts the presynaptic spikes of the last ``width`` ms of each synapse (Brian2's multiple pathways)."""
    bp.profile.set(dt=0.1)
    times = [1.0, 2.0, 8.0, 8.5]
    pre = bp.inputs.SpikeTimeInput(2, times=times, indices=[0, 1, 0, 1])
    cell = bp.NeuType(name='holder', ST=bp.types.NeuState({'I': 0., 'seen': 0.}), steps=_hold, mode='scalar')
    post = bp.NeuGroup(cell, 1, monitors=['I'])
    model = bp.SynType(name='rect', ST=bp.types.SynState(['s']), steps=(_copy, _rise, _fall), mode='scalar')
    widths = np.array([5.0, 2.0]) if per_synapse else np.array([5.0, 5.0])
    syn = bp.SynConn(model, pre_group=pre, post_group=post, conn=(np.array([0, 1]), np.array([0, 0])),
                     delay={'up': 0., 'down': widths if per_synapse else 5.})
    net = bp.Network(pre, post, syn)
    net.run(15.)
    steps = np.arange(post.mon.I.shape[0])
    spike_steps = np.rint(np.array(times) / 0.1).astype(int)
    width_steps = np.rint(widths[[0, 1, 0, 1]] / 0.1).astype(int)
    # the post group (and its monitor) runs before the synapses deliver in a step: a spike's rise shows at the
    # next sample, and its fall ``width`` samples after that
    expected = sum(((steps > k) & (steps <= k + w)).astype(float) for k, w in zip(spike_steps, width_steps))
    np.testing.assert_array_equal(post.mon.I[:, 0], expected)


def _immediate(ST, pre, post):
    if pre['spike'] > 0.:
        post['x'] += ST['w']


def test_a_delay_on_a_model_without_a_delayed_step_warns_that_it_changes_nothing():
    import warnings

    from bp_core.errors import UnusedDelayWarning
    pre, post = _groups()
    model = bp.SynType(name='immediate', ST=_state(), steps=_immediate, mode='scalar')
    with pytest.warns(UnusedDelayWarning, match=r"SynConn 'S' got a delay, but no step of model 'immediate' is "
                                                r"marked @bp.delayed, so the delay changes nothing"):
        syn = bp.SynConn(model, pre_group=pre, post_group=post, conn=bp.connect.All2All(), delay=2., name='S')
    with pytest.warns(UnusedDelayWarning, match="SynConn 'S' got a delay"):
        syn.delay = np.full(syn.num, 1.)
    with warnings.catch_warnings():
        warnings.simplefilter('error', UnusedDelayWarning)
        syn.delay = 0.
        bp.SynConn(model, pre_group=pre, post_group=post, conn=bp.connect.All2All(), name='T')
        bp.SynConn(_single(_up_alone, 'plain'), pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                   delay=2., name='U')
