"""The library's STDP rules add the weight to the postsynaptic field ``post_field`` names (Brian2's
``on_pre='ge += w'``): the same run as the rule written by hand onto that field, and a field the group lacks is
refused naming the SynConn, the field and the fix."""

import numpy as np
import pytest

import bp_core as bp
from bp_core import models
from bp_core.errors import ModelUseError

A_pre, A_post, tau_pre, tau_post, w_max = 0.02, -0.021, 15., 25., 0.6
N_PRE, N_POST = 30, 6


def conductance_update(ST):
    ST['spike'] = 0.
    V = ST['V'] + 0.05 * (ST['I'] - ST['V']) + ST['ge'] + ST['input']
    ST['ge'] *= 0.8
    ST['input'] = 0.
    if V > 1.:
        V = 0.
        ST['spike'] = 1.
    ST['V'] = V


def summed_update(ST):
    # 'ge' and 'input' taken alike: the rule onto either gives the same run
    ST['spike'] = 0.
    V = ST['V'] + 0.05 * (ST['I'] - ST['V']) + ST['ge'] + ST['input']
    ST['ge'] = 0.
    ST['input'] = 0.
    if V > 1.:
        V = 0.
        ST['spike'] = 1.
    ST['V'] = V


def stdp_onto_ge(ST, _t, pre, post, pre2syn, post2syn, post_ids):
    # pair STDP with event-driven traces, written by hand onto the conductance
    for i in np.where(pre['spike'] > 0.)[0]:
        for syn in pre2syn[i]:
            elapsed = _t - ST['t_last'][syn]
            ST['a_pre'][syn] *= np.exp(-elapsed / tau_pre)
            ST['a_post'][syn] *= np.exp(-elapsed / tau_post)
            ST['t_last'][syn] = _t
            post['ge'][post_ids[syn]] += ST['w'][syn]
            ST['a_pre'][syn] += A_pre
            ST['w'][syn] = min(max(ST['w'][syn] + ST['a_post'][syn], 0.), w_max)
    for j in np.where(post['spike'] > 0.)[0]:
        for syn in post2syn[j]:
            elapsed = _t - ST['t_last'][syn]
            ST['a_pre'][syn] *= np.exp(-elapsed / tau_pre)
            ST['a_post'][syn] *= np.exp(-elapsed / tau_post)
            ST['t_last'][syn] = _t
            ST['a_post'][syn] += A_post
            ST['w'][syn] = min(max(ST['w'][syn] + ST['a_pre'][syn], 0.), w_max)


def _neuron(update):
    return bp.NeuType(name=f'cond_{update.__name__}', ST=bp.types.NeuState({'V': 0., 'I': 0., 'ge': 0., 'input': 0.,
                                                                              'spike': 0.}),
                      steps=update, mode='scalar')


HAND = bp.SynType(name='stdp_by_hand', ST=bp.types.SynState({'w': 0.5 * w_max, 'a_pre': 0., 'a_post': 0.,
                                                             't_last': 0.}),
                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['spike', 'ge'])),
                  steps=stdp_onto_ge, mode='vector')


def _run(syn_type, neuron_update, duration=400.):
    """Poisson sources -> neurons near threshold, all to all, random initial weights; spikes and the state."""
    bp.profile.set(dt=0.1, seed=4)
    pre = bp.inputs.PoissonInput(N_PRE, freqs=40., monitors=['spike'])
    post = bp.NeuGroup(_neuron(neuron_update), N_POST, monitors=['spike'])
    post.ST['I'] = np.linspace(0.9, 1.02, N_POST)
    syn = bp.SynConn(syn_type, pre_group=pre, post_group=post, conn=bp.connect.All2All())
    syn.ST['w'] = np.random.default_rng(1).uniform(0., w_max, syn.num)
    bp.Network(pre, post, syn).run(duration)
    return np.asarray(post.mon.spike).copy(), {k: np.asarray(syn.ST[k]).copy() for k in syn.ST.keys()}


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "numpy"])
def test_get_stdp_onto_ge_equals_the_rule_written_by_hand(jit):
    library = models.get_STDP(A_pre=A_pre, A_post=A_post, tau_pre=tau_pre, tau_post=tau_post, w_max=w_max,
                              post_field='ge')
    bp.profile.set(jit=jit)
    spikes, state = _run(library, conductance_update)
    bp.profile.set(jit=jit)
    hand_spikes, hand_state = _run(HAND, conductance_update)
    assert spikes.sum() > 20
    np.testing.assert_array_equal(spikes, hand_spikes)
    for name in ('w', 'a_pre', 'a_post', 't_last'):
        np.testing.assert_array_equal(state[name], hand_state[name])
    assert np.abs(state['w'] - 0.5 * w_max).max() > 0.01  # the weights moved


@pytest.mark.parametrize("getter", [models.get_STDP, models.get_TripletSTDP])
def test_a_rule_onto_ge_runs_as_the_rule_onto_input_where_the_neuron_takes_both_alike(getter):
    """With the weight reaching the neurons through 'ge' instead of 'input', nothing else changes."""
    bp.profile.set(jit=False)
    spikes, state = _run(getter(w_max=w_max, post_field='ge'), summed_update, duration=300.)
    default_spikes, default_state = _run(getter(w_max=w_max), summed_update, duration=300.)
    assert spikes.sum() > 20
    np.testing.assert_array_equal(spikes, default_spikes)
    for name, value in state.items():
        np.testing.assert_array_equal(value, default_state[name])


def test_a_field_the_postsynaptic_group_lacks_is_refused_naming_the_synconn_the_field_and_the_fix():
    group = bp.NeuGroup(_neuron(conductance_update), 4)
    with pytest.raises(ModelUseError, match=r"post group of SynConn 'plastic' has no state field 'gee' .*"
                                            r"post_field.*Did you mean 'ge'"):
        bp.SynConn(models.get_STDP(post_field='gee'), pre_group=group, post_group=group, conn=bp.connect.All2All(),
                   name='plastic')


@pytest.mark.parametrize("field, match", [
    (3, "get_STDP: post_field names the postsynaptic state field.*got 3"),
    ('g e', "get_STDP: post_field names.*got 'g e'"),
    ('spike', "get_STDP: post_field='spike' would add the weight to the postsynaptic spikes"),
])
def test_a_post_field_that_is_no_field_name_is_refused(field, match):
    with pytest.raises(ModelUseError, match=match):
        models.get_STDP(post_field=field)
    with pytest.raises(ModelUseError, match=match.replace("get_STDP", "get_TripletSTDP")):
        models.get_TripletSTDP(post_field=field)
