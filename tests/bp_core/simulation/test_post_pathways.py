"""A pathway of postsynaptic spikes with a delay (``@bp.delayed(pathway='back', on='post')``, Brian2's ``on_post``
with a dendritic delay): its step sees ``post['spike']`` as it was the delay ago, and the synapse's state as it is.

With postsynaptic spike sources (no feedback), delaying the postsynaptic spikes by D is the same as making the
sources fire D later with no delay, so the reference is the same rule, undelayed, on shifted spike times. The
pair rule under single pairings is also checked against its closed form, the STDP window shifted by D."""

import json
from pathlib import Path

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError, ModelUseError

A_PRE, A_POST, TAU_PRE, TAU_POST, W_MAX = 0.01, -0.0105, 20., 16., 1.
DT = 0.1


def on_pre(ST, _t, pre, pre2syn):
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            for syn in pre2syn[i]:
                elapsed = _t - ST['t_last'][syn]
                ST['a_pre'][syn] *= np.exp(-elapsed / TAU_PRE)
                ST['a_post'][syn] *= np.exp(-elapsed / TAU_POST)
                ST['t_last'][syn] = _t
                ST['a_pre'][syn] += A_PRE
                ST['w'][syn] = min(max(ST['w'][syn] + ST['a_post'][syn], 0.), W_MAX)


def on_post_now(ST, _t, post, post2syn):
    for j in range(post['spike'].shape[0]):
        if post['spike'][j] > 0.:
            for syn in post2syn[j]:
                elapsed = _t - ST['t_last'][syn]
                ST['a_pre'][syn] *= np.exp(-elapsed / TAU_PRE)
                ST['a_post'][syn] *= np.exp(-elapsed / TAU_POST)
                ST['t_last'][syn] = _t
                ST['a_post'][syn] += A_POST
                ST['w'][syn] = min(max(ST['w'][syn] + ST['a_pre'][syn], 0.), W_MAX)


@bp.delayed(pathway='back', on='post')
def on_post(ST, _t, post, post2syn):  # on_post_now as the delayed pathway
    for j in range(post['spike'].shape[0]):
        if post['spike'][j] > 0.:
            for syn in post2syn[j]:
                elapsed = _t - ST['t_last'][syn]
                ST['a_pre'][syn] *= np.exp(-elapsed / TAU_PRE)
                ST['a_post'][syn] *= np.exp(-elapsed / TAU_POST)
                ST['t_last'][syn] = _t
                ST['a_post'][syn] += A_POST
                ST['w'][syn] = min(max(ST['w'][syn] + ST['a_pre'][syn], 0.), W_MAX)


def scalar_pre(ST, _t, pre):
    if pre['spike'] > 0.:
        elapsed = _t - ST['t_last']
        ST['a_pre'] = ST['a_pre'] * np.exp(-elapsed / TAU_PRE) + A_PRE
        ST['a_post'] *= np.exp(-elapsed / TAU_POST)
        ST['t_last'] = _t
        ST['w'] = min(max(ST['w'] + ST['a_post'], 0.), W_MAX)


def scalar_post_now(ST, _t, post):
    if post['spike'] > 0.:
        elapsed = _t - ST['t_last']
        ST['a_pre'] *= np.exp(-elapsed / TAU_PRE)
        ST['a_post'] = ST['a_post'] * np.exp(-elapsed / TAU_POST) + A_POST
        ST['t_last'] = _t
        ST['w'] = min(max(ST['w'] + ST['a_pre'], 0.), W_MAX)


@bp.delayed(pathway='back', on='post')
def scalar_post(ST, _t, post):  # scalar_post_now as the delayed pathway
    if post['spike'] > 0.:
        elapsed = _t - ST['t_last']
        ST['a_pre'] *= np.exp(-elapsed / TAU_PRE)
        ST['a_post'] = ST['a_post'] * np.exp(-elapsed / TAU_POST) + A_POST
        ST['t_last'] = _t
        ST['w'] = min(max(ST['w'] + ST['a_pre'], 0.), W_MAX)

_STATE = {'w': 0.5, 'a_pre': 0., 'a_post': 0., 't_last': 0.}
_REQUIRES = dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['spike']))


def _model(name, steps, mode='vector'):
    return bp.SynType(name=name, ST=bp.types.SynState(dict(_STATE)), steps=steps, mode=mode, requires=_REQUIRES)


def _trains(seed, n_pre, n_post, count=40, length=80.):
    rng = np.random.default_rng(seed)
    pre = (np.round(rng.uniform(0., length, count), 1), rng.integers(0, n_pre, count))
    post = (np.round(rng.uniform(0., length, count), 1), rng.integers(0, n_post, count))
    return pre, post


def _weights(model, delay, shift, trains, chunks=(100.,), snapshot_after=None, conn=None, post_size=4,
             post_slice=None, delay_dict=None):
    """Final weights of ``model`` with ``delay`` (None: undelayed) on post spikes fired ``shift`` ms later."""
    (pre_t, pre_i), (post_t, post_i) = trains
    # spikes monitored as events: the undelayed rule walks the step's event list, the delayed one must not
    pre = bp.inputs.SpikeTimeInput(5, times=pre_t, indices=list(pre_i), monitors=['spike'])
    post = bp.inputs.SpikeTimeInput(post_size, times=post_t + shift, indices=list(post_i), monitors=['spike'])
    target = post if post_slice is None else post[post_slice]
    kwargs = {'delay': delay_dict} if delay_dict else {} if delay is None else {'delay': {'back': delay}}
    syn = bp.SynConn(model, pre_group=pre, post_group=target, conn=conn or bp.connect.All2All(), **kwargs)
    net = bp.Network(pre, post, syn)
    net.run(chunks[0])
    saved = net.snapshot() if snapshot_after is not None else None
    for chunk in chunks[1:]:
        net.advance(chunk)
    if saved is not None:  # the rest again from the snapshot: the spikes on their way come back with it
        first = syn.ST['w'].copy()
        net.restore(saved)
        net.rewind(chunks[0])
        for chunk in chunks[1:]:
            net.advance(chunk)
        # equal but for the times' last bit (31.7 + k dt after the rewind, (317 + k) dt before)
        np.testing.assert_allclose(syn.ST['w'], first, rtol=0, atol=1e-14)
    return syn.ST['w'].copy(), syn


@pytest.mark.parametrize("delay", [0., 2.3, 7.])
def test_delayed_post_spikes_equal_post_spikes_fired_later(jit, delay):
    trains = _trains(1, 5, 4)
    chunks = (31.7, 20., 48.3)  # chunk ends between post spikes and their arrival
    ours, syn = _weights(_model('stdp_back', (on_pre, on_post)), delay, 0., trains, chunks, snapshot_after=0)
    theirs, _ = _weights(_model('stdp', (on_pre, on_post_now)), None, delay, trains)
    assert np.ptp(ours) > 1e-3  # the rule did change the weights
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-13)
    assert [c.name for c in syn.pathway_conns()] == [f"{syn.name}_pre", f"{syn.name}_back"]


def test_scalar_mode_and_a_postsynaptic_subgroup():
    bp.profile.set(jit=False, dt=DT)
    trains = _trains(2, 5, 8)
    ours, _ = _weights(_model('s_back', (scalar_pre, scalar_post), 'scalar'), 3., 0., trains,
                       conn=bp.connect.FixedProb(0.6, seed=3), post_size=8, post_slice=slice(2, 7))
    theirs, _ = _weights(_model('s', (scalar_pre, scalar_post_now), 'scalar'), None, 3., trains,
                         conn=bp.connect.FixedProb(0.6, seed=3), post_size=8, post_slice=slice(2, 7))
    assert np.ptp(ours) > 1e-3
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-13)


def test_single_pairs_follow_the_stdp_window_shifted_by_the_delay():
    bp.profile.set(jit=False, dt=DT)
    lags = np.arange(-12, 13) * 0.5  # post minus pre spike time (ms), one pair per synapse
    n, t0, delay = lags.size, 20., 3.
    pre = bp.inputs.SpikeTimeInput(n, times=[t0] * n, indices=list(range(n)))
    post = bp.inputs.SpikeTimeInput(n, times=t0 + lags, indices=list(range(n)))
    syn = bp.SynConn(_model('pairs', (on_pre, on_post)), pre_group=pre, post_group=post, conn=bp.connect.One2One(),
                     delay={'back': delay})
    bp.Network(pre, post, syn).run(40.)
    seen = lags + delay  # the synapse sees the postsynaptic spike the delay later
    window = np.where(seen > 0, A_PRE * np.exp(-seen / TAU_PRE), A_POST * np.exp(seen / TAU_POST))
    window[seen == 0] = A_PRE  # both at once: the presynaptic step runs first, with no postsynaptic trace yet
    np.testing.assert_allclose(syn.ST['w'] - 0.5, window, rtol=0, atol=1e-12)


def test_setting_the_state_restarts_the_pathway_with_no_spike_on_its_way():
    bp.profile.set(jit=False, dt=DT)
    pre = bp.inputs.SpikeTimeInput(1, times=[5.], indices=[0])
    post = bp.inputs.SpikeTimeInput(1, times=[10.], indices=[0])
    syn = bp.SynConn(_model('restart', (on_pre, on_post)), pre_group=pre, post_group=post,
                     conn=bp.connect.One2One(), delay={'back': 4.})
    net = bp.Network(pre, post, syn)
    net.run(12.)
    assert syn.ST['w'][0] == 0.5  # the postsynaptic spike of 10 ms is on its way
    syn.ST['w'] = 0.5
    net.advance(10.)
    assert syn.ST['w'][0] == 0.5  # and was dropped with the state


@pytest.mark.parametrize("delay, message", [
    (2., "each take their own delay"),
    ({'back': np.linspace(1., 3., 20)}, "one delay per synapse only in scalar mode"),
    ({'forth': 2.}, "does not have"),
])
def test_refusals_name_the_synconn_the_pathway_and_the_fix(delay, message):
    bp.profile.set(jit=False, dt=DT)
    pre = bp.inputs.SpikeTimeInput(5, times=[1.], indices=[0])
    post = bp.inputs.SpikeTimeInput(4, times=[2.], indices=[0])
    with pytest.raises(ModelUseError, match=message) as info:
        syn = bp.SynConn(_model('refused', (on_pre, on_post)), pre_group=pre, post_group=post,
                         conn=bp.connect.All2All(), delay=delay, name='plastic')
        bp.Network(pre, post, syn).run(1.)
    text = str(info.value)
    assert "'plastic'" in text and ("back" in text or "forth" in text) and "delay" in text


def test_a_post_pathway_must_read_post_spikes_and_have_a_name():
    @bp.delayed(pathway='back', on='post')
    def blind(ST, post):
        ST['w'] += post['V']
    with pytest.raises(ModelDefError, match=r"blind.*does not read post\['spike'\]"):
        bp.SynType(name='blind', ST=bp.types.SynState(['w']), steps=(blind,), mode='scalar')
    with pytest.raises(ModelDefError, match="needs a name"):
        bp.delayed(on='post')
    with pytest.raises(ModelDefError, match="'pre' or 'post'"):
        bp.delayed(pathway='back', on='dendrite')


@pytest.mark.parametrize("delay", [2., {'back': 2.}])
def test_a_model_of_the_post_pathway_alone_is_one_synconn(delay):
    bp.profile.set(jit=False, dt=DT)
    trains = _trains(4, 5, 4)
    (pre_t, pre_i), (post_t, post_i) = trains
    out = []
    for model, shift, kwargs in ((_model('alone', (on_post,)), 0., {'delay': delay}),
                                 (_model('alone_now', (on_post_now,)), 2., {})):
        pre = bp.inputs.SpikeTimeInput(5, times=pre_t, indices=list(pre_i))
        post = bp.inputs.SpikeTimeInput(4, times=post_t + shift, indices=list(post_i))
        syn = bp.SynConn(model, pre_group=pre, post_group=post, conn=bp.connect.All2All(), **kwargs)
        syn.ST['a_pre'] = np.linspace(0., 0.02, syn.num)  # a presynaptic trace for the postsynaptic spikes to read
        bp.Network(pre, post, syn).run(100.)
        out.append(syn.ST['w'].copy())
    assert syn.pathway_conns() is None
    assert np.ptp(out[0]) > 1e-3
    np.testing.assert_allclose(out[0], out[1], rtol=0, atol=1e-13)


@bp.delayed(pathway='fwd')
def capped(ST):  # a presynaptic pathway beside the postsynaptic one (it reads the weight as it was 1.5 ms ago)
    ST['seen'] = np.minimum(ST['w'], 2.)


def test_one_presynaptic_pathway_runs_the_undelayed_steps_once_beside_the_postsynaptic_one():
    bp.profile.set(jit=False, dt=DT)
    trains = _trains(5, 5, 4)
    three = bp.SynType(name='three', ST=bp.types.SynState(dict(_STATE, seen=0.)), steps=(on_pre, capped, on_post),
                       mode='vector', requires=_REQUIRES)
    ours, syn = _weights(three, None, 0., trains, delay_dict={'fwd': 1.5, 'back': 2.})
    theirs, _ = _weights(_model('two', (on_pre, on_post_now)), None, 2., trains)
    members = syn.pathway_conns()
    assert [c.name for c in members] == [f"{syn.name}_fwd", f"{syn.name}_back"]
    assert [c.delay for c in members] == [1.5, 2.]
    assert [[s.name for s in c.model.steps] for c in members] == [['on_pre', 'capped'], ['on_post']]
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-13)  # on_pre ran once a step, not once a pathway


def test_one_delay_per_synapse_in_scalar_mode(jit):
    # with One2One each synapse has its own postsynaptic neuron: its delay is a shift of that neuron's spikes
    n = 12
    rng = np.random.default_rng(7)
    delays = np.round(rng.uniform(0., 4., n), 1)
    pre_t, pre_i = np.round(rng.uniform(0., 80., 60), 1), rng.integers(0, n, 60)
    post_t, post_i = np.round(rng.uniform(0., 80., 60), 1), rng.integers(0, n, 60)
    out = []
    for model, times, kwargs in ((_model('per_syn', (scalar_pre, scalar_post), 'scalar'), post_t,
                                  {'delay': {'back': delays}}),
                                 (_model('shifted', (scalar_pre, scalar_post_now), 'scalar'), post_t + delays[post_i],
                                  {})):
        pre = bp.inputs.SpikeTimeInput(n, times=pre_t, indices=list(pre_i), monitors=['spike'])
        post = bp.inputs.SpikeTimeInput(n, times=times, indices=list(post_i), monitors=['spike'])
        syn = bp.SynConn(model, pre_group=pre, post_group=post, conn=bp.connect.One2One(), **kwargs)
        net = bp.Network(pre, post, syn)
        net.run(40.)
        net.advance(60.)
        out.append(syn.ST['w'].copy())
    assert np.ptp(out[0]) > 1e-3
    np.testing.assert_allclose(out[0], out[1], rtol=0, atol=1e-13)


def test_equal_to_brian2s_on_post_pathway_with_a_delay():
    """Brian2's pair STDP with event-driven traces and ``delay={'post': 2.3 ms}`` (numpy target), the values in
    ``brian2_dendritic_stdp.json`` (written by ``brian2_dendritic_stdp.py`` beside this file)."""
    from tests.bp_core.simulation import brian2_dendritic_stdp as reference

    bp.profile.set(jit=False, dt=DT)
    recorded = json.loads(Path(reference.__file__).with_suffix('.json').read_text())
    (pre_t, pre_i), (post_t, post_i) = reference.trains()
    pre = bp.inputs.SpikeTimeInput(reference.N_PRE, times=pre_t, indices=list(pre_i))
    post = bp.inputs.SpikeTimeInput(reference.N_POST, times=post_t, indices=list(post_i))
    syn = bp.SynConn(_model('brian2_like', (on_pre, on_post)), pre_group=pre, post_group=post,
                     conn=bp.connect.All2All(), delay={'back': recorded['delay_ms']})
    bp.Network(pre, post, syn).run(recorded['duration_ms'])
    np.testing.assert_array_equal(syn.pre_ids, recorded['i'])
    np.testing.assert_array_equal(syn.post_ids, recorded['j'])
    assert np.ptp(recorded['w']) > 1e-2
    np.testing.assert_allclose(syn.ST['w'], recorded['w'], rtol=0, atol=1e-12)
