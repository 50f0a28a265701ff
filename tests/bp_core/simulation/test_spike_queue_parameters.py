"""Spike queues for delayed fields that are a parameter times the presynaptic spike (``ST['g'] = J *
pre['spike']``, Brunel's ``J``): the queue stores the spike times ``J`` as the event leaves, as the delay line
holds ``J * spike`` computed then, so a ``J`` changed between runs reaches only the events sent after it.

``J`` and the weights are multiples of 1/4 and the neurons sum their input in 'inp' before adding it to V, so
the queue and the delay line must agree spike for spike and state for state.
"""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen import event_delays
from bp_core.errors import ModelUseError
from tests.bp_core.simulation.queue_networks import (N, delay_note, pathways_and_separate_spikes, queue_network,
                                                     uses_queue)

J = 0.5  # each SynConn's pars['J']
K = 2.


def j_times_spike(ST, pre):
    ST['g'] = J * pre['spike']


def spike_times_j(ST, pre):
    ST['g'] = pre['spike'] * J


def j_weight_spike(ST, pre):
    ST['g'] = J * ST['w'] * pre['spike']


def plain_copy(ST, pre):
    ST['g'] = pre['spike']


def j_and_k(ST, pre):
    ST['g'] = J * pre['spike']
    ST['h'] = K * pre['spike']


@bp.delayed
def add_g(ST, post):
    post['inp'] += ST['g']


@bp.delayed
def add_g_h(ST, post):
    post['inp'] += ST['g'] - ST['h']


@bp.delayed
def add_j_s(ST, post):
    post['inp'] += J * ST['g']


def _model(copy_step, fields=('w', 'g'), delayed=add_g):
    return bp.SynType(name=f'p_{copy_step.__name__}_{delayed.__name__}', ST=bp.types.SynState(list(fields)),
                      steps=(copy_step, delayed), mode='scalar')


J_SPIKE, SPIKE_J, J_W_SPIKE = _model(j_times_spike), _model(spike_times_j), _model(j_weight_spike)
MODELS = pytest.mark.parametrize("model", [J_SPIKE, SPIKE_J, J_W_SPIKE], ids=["J*spike", "spike*J", "J*w*spike"])


def test_the_analysis_captures_a_parameter_of_the_copy_step():
    for model in (J_SPIKE, SPIKE_J):
        form = event_delays.analyse(model)
        assert isinstance(form, event_delays.EventDelay), form
        assert form.scales == {'g': 1.0} and form.captured == ('J',) and not form.factors and form.copy_only
    form = event_delays.analyse(J_W_SPIKE)
    assert form.captured == ('J',) and form.factors == {'g': ('w',)}
    reason = event_delays.analyse(_model(j_and_k, ('g', 'h'), add_g_h))
    assert isinstance(reason, str) and "different parameters" in reason and "g: ['J'], h: ['K']" in reason


def _network(model, delays, mode='once', monitors=()):
    return queue_network(model, delays, mode, monitors, inhibitory_sign=1., inhibitory_pars={'J': -0.75})


@MODELS
@pytest.mark.parametrize("delays", [0.5, [0., 0.3, 0.7, 1.2]], ids=["homogeneous", "per-synapse"])
def test_the_queue_equals_the_delay_line_with_j_changed_while_events_are_on_their_way(jit, forms, model, delays):
    results = {}
    for form in ("queue", "line"):
        forms(form)
        net, group = _network(model, delays, monitors=['g'])
        exc, inh = net.objects[1:]
        parts, in_flight = [], 0
        for n_steps, j_exc, j_inh in ((20, 1.25, -0.5), (1, 0.25, -1.), (6, 2., -0.25), (18, 0.75, -0.75),
                                      (35, 0.5, -0.75)):
            net.advance(n_steps=n_steps)
            parts.append(np.asarray(group.mon.spike).copy())
            # spikes of the last 5 steps are on their way (delays of 5, or 0 to 12 steps) when J changes
            in_flight += np.concatenate(parts)[-5:].sum() > 0
            exc.pars['J'], inh.pars['J'] = j_exc, j_inh
        assert in_flight >= 3
        assert [uses_queue(net, syn) for syn in (exc, inh)] == [form == "queue"] * 2
        results[form] = (np.concatenate(parts), group.ST['V'].copy(), exc.ST['g'].copy(), inh.ST['g'].copy(),
                         np.asarray(exc.mon.g).copy())
    assert results["queue"][0].sum() > 50 and np.abs(results["queue"][4]).sum() > 0
    for mine, theirs in zip(results["queue"], results["line"]):
        np.testing.assert_array_equal(mine, theirs)


def test_the_note_says_what_the_event_carries():
    bp.profile.set(jit=False)
    net, _ = _network(J_W_SPIKE, 0.5)
    net.run(1.)
    assert "(g times ST['w'] at delivery); each event carries pre['spike'] times J as it leaves" in \
        delay_note(net, net.objects[1])


@pytest.mark.parametrize("model", [J_SPIKE, J_W_SPIKE], ids=["J*spike", "J*w*spike"])
def test_chunks_snapshots_repeated_runs_and_states_set_equal_the_delay_line(jit, forms, model):
    delays = [0., 0.3, 0.7, 1.2]
    results = {}
    for form in ("queue", "line"):
        forms(form)
        net, group = _network(model, delays, mode='repeat')
        exc = net.objects[1]
        parts = []
        net.run(3.)  # a repeat-mode run, then chunks from its end
        parts.append(np.asarray(group.mon.spike).copy())
        for n_steps in (1, 2, 7, 3, 17):
            net.advance(n_steps=n_steps)
            parts.append(np.asarray(group.mon.spike).copy())
        exc.pars['J'] = 1.5
        snapshot = net.snapshot()  # events sent with J = 0.5 and J = 1.5 on their way
        net.advance(n_steps=6)
        exc.pars['J'] = 0.25
        net.advance(n_steps=30)
        net.restore(snapshot)  # J back to 1.5, the events as they were
        assert exc.pars['J'] == 1.5
        net.advance(n_steps=23)
        parts.append(np.asarray(group.mon.spike).copy())
        assert uses_queue(net, exc) == (form == "queue")
        # the delays restart from the state (J * w: as ST['g'] holds the last events with the old weights,
        # a delay line, as with a weight alone)
        exc.ST['w'] = exc.ST['w'][::-1].copy()
        exc.pars['J'] = 0.75
        for n_steps in (11, 29):
            net.advance(n_steps=n_steps)
            parts.append(np.asarray(group.mon.spike).copy())
        assert uses_queue(net, exc) == (form == "queue" and model is J_SPIKE)
        results[form] = (np.concatenate(parts), group.ST['V'].copy(), exc.ST['g'].copy())
    assert results["queue"][0].sum() > 100
    for mine, theirs in zip(results["queue"], results["line"]):
        np.testing.assert_array_equal(mine, theirs)


def test_a_parameter_change_between_runs_plans_nothing(forms):
    forms("queue")
    bp.profile.set(jit=False)
    net, _ = _network(J_SPIKE, 0.5)
    net.advance(2.)
    builds = net.build_count
    net.objects[1].pars['J'] = 1.25
    net.advance(2.)
    assert net.build_count == builds and uses_queue(net, net.objects[1])


def test_a_per_synapse_j_keeps_the_delay_line(forms):
    forms("queue")
    bp.profile.set(jit=False)
    net, group = _network(J_SPIKE, 0.5)
    exc = net.objects[1]
    exc.pars['J'] = np.full(exc.num, 0.5)
    net.advance(3.)
    text = delay_note(net, exc)
    assert "delayed through a delay line" in text and \
        "step 'j_times_spike' multiplies pre['spike'] by the per-synapse parameter 'J'" in text


J_S = _model(plain_copy, delayed=add_j_s)  # J of the delayed step, read at delivery


@pytest.mark.parametrize("model", [J_SPIKE, J_W_SPIKE, J_S], ids=["J*spike", "J*w*spike", "delayed-J"])
@pytest.mark.parametrize("delays", [0.5, [0., 0.3, 0.7, 1.2]], ids=["homogeneous", "per-synapse"])
def test_a_j_made_per_synapse_with_events_on_their_way_moves_them_into_the_delay_line(jit, forms, model, delays):
    """The queue's events in flight (sent with J = 0.5, then 1.25) go into the delay line when J becomes one
    value per synapse: the run goes on state for state as a network that used the delay line from the start."""
    per_synapse = None
    results = {}
    for form in ("queue", "line"):
        forms(form)
        net, group = _network(model, delays, mode='repeat')
        exc = net.objects[1]
        if per_synapse is None:
            per_synapse = np.random.default_rng(1).choice([0.25, 0.5, 1.], size=exc.num)
        parts = []
        net.run(3.)
        exc.pars['J'] = 1.25
        for n_steps in (4, 3):  # chunks: the queue's write slot is not 0 at the switch
            net.advance(n_steps=n_steps)
            parts.append(np.asarray(group.mon.spike).copy())
        assert np.concatenate(parts)[-5:].sum() > 0  # events on their way (delays of 5, or 0 to 12 steps)
        assert uses_queue(net, exc) == (form == "queue")
        exc.pars['J'] = per_synapse
        for n_steps in (1, 2, 5, 20):
            net.advance(n_steps=n_steps)
            parts.append(np.asarray(group.mon.spike).copy())
            assert not uses_queue(net, exc)
            results.setdefault(form, []).append((group.ST['V'].copy(), group.ST['inp'].copy(), exc.ST['g'].copy()))
        results[form].append((np.concatenate(parts),))
    assert results["queue"][-1][0].sum() > 50
    for mine, theirs in zip(results["queue"], results["line"]):
        for a, b in zip(mine, theirs):
            np.testing.assert_array_equal(a, b)


def test_a_switch_with_events_on_their_way_and_new_delays_is_refused(forms):
    """Events in flight cannot follow new delays (they were timed by the old ones): the refusal stays."""
    forms("queue")
    bp.profile.set(jit=False)
    net, group = _network(J_SPIKE, 0.5)
    exc = net.objects[1]
    net.advance(3.)
    assert uses_queue(net, exc) and group.mon.spike[-5:].sum() > 0
    exc.pars['J'] = np.full(exc.num, 0.5)
    exc.delay = 0.7
    state = group.ST['V'].copy()
    with pytest.raises(ModelUseError, match=r"SynConn '\w+' holds values on their way .*its events went through "
                                            r"a spike queue, but now step '\w+' .*per-synapse parameter 'J', and its "
                                            r"delays changed"):
        net.advance(1.)
    np.testing.assert_array_equal(group.ST['V'], state)
    exc.ST['g'] = exc.ST['g']  # the delays start again from the state, as the message says
    net.advance(1.)
    assert not uses_queue(net, exc)


def test_a_per_synapse_j_with_nothing_on_the_way_takes_the_delay_line_as_a_fresh_network_does(forms):
    """J switched to one value per synapse while no event is on its way: the same spikes as a network that
    had a delay line from the start."""
    results = []
    for form in ("queue", "line"):
        forms(form)
        bp.profile.set(jit=False)
        net, group = _network(J_SPIKE, 0.5)
        exc = net.objects[1]
        group.ST['I'] = 0.  # nobody fires for the first steps
        net.advance(1.)
        assert group.mon.spike.sum() == 0 and uses_queue(net, exc) == (form == "queue")
        group.ST['I'] = np.linspace(1.05, 1.6, N)
        exc.pars['J'] = np.random.default_rng(1).choice([0.25, 0.5, 1.], size=exc.num)
        net.advance(15.)
        assert not uses_queue(net, exc)
        results.append((np.asarray(group.mon.spike).copy(), group.ST['V'].copy()))
    assert results[0][0].sum() > 20
    for mine, theirs in zip(*results):
        np.testing.assert_array_equal(mine, theirs)


def test_several_pathways_of_j_times_the_spike_equal_separate_synconns(jit):
    def run(net, syns):
        net.advance(8.)
        for syn in syns:
            syn.pars['J'] = 1.25  # events sent with 0.5 still on their way
        net.advance(12.)

    results = pathways_and_separate_spikes(j_times_spike, ['g'], 'j', run)
    assert results[0].sum() > 50
    np.testing.assert_array_equal(*results)


def brunel_copy(ST, pre):
    ST['s'] = J * pre['spike']


@bp.delayed
def brunel_output(ST, post):
    post['input'] += ST['s']


def test_brunel_with_j_in_the_copy_step_equals_the_example(monkeypatch):
    """The example's network with ``ST['s'] = J * pre['spike']`` and ``post['input'] += ST['s']`` instead of
    ``post['input'] += J * ST['s']``: the same spikes, both through spike queues."""
    from examples.brunel_2000 import model as brunel
    bp.profile.set(jit=True)
    copy_j = bp.SynType(name='delta_copy_j', ST=bp.types.SynState(['s']),
                        requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input'])),
                        steps=(brunel_copy, brunel_output), mode='scalar')
    results = []
    for synapse in (brunel.delta_synapse, copy_j):
        monkeypatch.setattr(brunel, "delta_synapse", synapse)
        net, group = brunel.build(N_E=400, epsilon=0.1, seed=1)
        net.run(100.)
        assert all(uses_queue(net, syn) for syn in net.objects[1:])
        results.append(np.asarray(group.mon.spike).copy())
    assert results[0].sum() > 200
    np.testing.assert_array_equal(*results)
