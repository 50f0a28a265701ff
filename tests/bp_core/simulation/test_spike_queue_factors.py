"""Spike queues for delayed fields that are a static weight times the presynaptic spike (``ST['g'] =
ST['w'] * pre['spike']``): the queue carries the spike and the delayed step reads the weight at delivery.

Weights are multiples of 1/4 and the neurons sum their input in 'inp' before adding it to V, so the queue
and the delay line (which carries ``w * spike`` itself) must agree spike for spike and state for state.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen import event_delays
from tests.bp_core.simulation.queue_networks import pathways_and_separate_spikes, queue_network, uses_queue
from tests.spec_models import izhikevich_network as izh


def weight_times_spike(ST, pre):
    ST['g'] = ST['w'] * pre['spike']


def spike_times_weight(ST, pre):
    ST['g'] = pre['spike'] * ST['w']


def half_weight_times_spike(ST, pre):
    ST['g'] = 0.5 * ST['w'] * pre['spike'] * ST['k']


@bp.delayed
def add_g(ST, post):
    post['inp'] += ST['g']


def learn_w(ST, pre):
    ST['g'] = ST['w'] * pre['spike']
    ST['w'] += 0.25


def _model(copy_step, fields=('w', 'g')):
    return bp.SynType(name=f'pulse_{copy_step.__name__}', ST=bp.types.SynState(list(fields)),
                      steps=(copy_step, add_g), mode='scalar')


W_SPIKE, SPIKE_W = _model(weight_times_spike), _model(spike_times_weight)
SCALED = _model(half_weight_times_spike, ('w', 'k', 'g'))


def test_the_analysis_takes_a_static_weight_times_the_spike_as_an_event_field():
    for model in (W_SPIKE, SPIKE_W):
        form = event_delays.analyse(model)
        assert isinstance(form, event_delays.EventDelay), form
        assert form.scales == {'g': 1.0} and form.factors == {'g': ('w',)} and form.copy_only
    form = event_delays.analyse(SCALED)
    assert form.scales == {'g': 0.5} and form.factors == {'g': ('w', 'k')}


def test_a_weight_a_step_writes_keeps_the_delay_line():
    reason = event_delays.analyse(_model(learn_w))
    assert isinstance(reason, str) and "ST['w'], which a step writes" in reason


def test_the_delivered_step_reads_the_field_times_its_factors():
    step = next(s for s in W_SPIKE.steps if s.is_delayed)
    delivered = event_delays.delivered_step(step, {'g': ('w',)})
    assert delivered is event_delays.delivered_step(step, {'g': ('w',)})  # made once: translations cache
    assert sorted(delivered.fields_used['ST']) == ['g', 'w'] and step.fields_used['ST'] == ['g']
    assert "ST['g'] * ST['w']" in ast.unparse(delivered.node) and "ST['w']" not in ast.unparse(step.node)


def _second_factor(exc, inh, rng):
    exc.ST['k'] = rng.choice([1., 2.], size=exc.num)
    inh.ST['k'] = 2.


def _network(model, delays, mode='once', monitors=()):
    return queue_network(model, delays, mode, monitors, factors=_second_factor if model is SCALED else None)


@pytest.mark.parametrize("model", [W_SPIKE, SPIKE_W, SCALED], ids=["w*spike", "spike*w", "0.5*w*spike*k"])
@pytest.mark.parametrize("delays", [0.5, [0., 0.3, 0.7, 1.2]], ids=["homogeneous", "per-synapse"])
def test_the_queue_equals_the_delay_line_spike_for_spike_and_state_for_state(jit, forms, model, delays):
    results = {}
    for form in ("queue", "line"):
        forms(form)
        net, group = _network(model, delays, monitors=['g'])
        net.run(25.)
        assert [uses_queue(net, syn) for syn in net.objects[1:]] == [form == "queue"] * 2
        results[form] = (np.asarray(group.mon.spike).copy(), group.ST['V'].copy(),
                         [syn.ST['g'].copy() for syn in net.objects[1:]], np.asarray(net.objects[1].mon.g).copy())
    queued, lined = results["queue"], results["line"]
    assert queued[0].sum() > 50 and np.abs(queued[3]).sum() > 0
    np.testing.assert_array_equal(queued[0], lined[0])
    np.testing.assert_array_equal(queued[1], lined[1])
    for mine, theirs in zip(queued[2], lined[2]):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(queued[3], lined[3])  # the monitor of g


@pytest.mark.parametrize("model", [W_SPIKE, SPIKE_W], ids=["w*spike", "spike*w"])
def test_chunks_snapshots_and_weights_set_between_runs_equal_the_delay_line(jit, forms, model):
    delays = [0., 0.3, 0.7, 1.2]
    results = {}
    for form in ("queue", "line"):
        forms(form)
        net, group = _network(model, delays)
        exc = net.objects[1]
        parts = []
        for n_steps in (1, 2, 7, 3, 17, 30):  # chunks shorter and longer than the delays (0 to 12 steps)
            net.advance(n_steps=n_steps)
            parts.append(np.asarray(group.mon.spike).copy())
        assert uses_queue(net, exc) == (form == "queue")
        snapshot = net.snapshot()  # events of every delay on their way
        net.advance(n_steps=40)
        net.restore(snapshot)
        net.advance(n_steps=23)
        parts.append(np.asarray(group.mon.spike).copy())
        exc.ST['w'] = exc.ST['w'][::-1].copy()  # new weights: the delays restart from the state
        for n_steps in (11, 29, 80):
            net.advance(n_steps=n_steps)
            parts.append(np.asarray(group.mon.spike).copy())
        results[form] = (np.concatenate(parts), group.ST['V'].copy(), exc.ST['g'].copy())
    assert results["queue"][0].sum() > 100
    for mine, theirs in zip(results["queue"], results["line"]):
        np.testing.assert_array_equal(mine, theirs)


def test_the_izhikevich_network_delays_its_spikes_through_queues():
    bp.profile.set(jit=False)
    group, exc, inh, thalamic = izh.make(40, 10)
    group.ST['v'] = np.where(np.arange(50) % 3 == 0, 35., -65.)  # a third of the neurons fire at once
    net = bp.Network(group, exc, inh)
    net.run(0.1, inputs=(group, 'ST.input', thalamic[:1]))
    assert group.mon.spike[-1].sum() == 17
    for syn in (exc, inh):
        text = str(net.passes(syn, 'syn_output')[0])
        assert "delayed through a spike queue" in text and "g times ST['w'] at delivery" in text
        # the copy step is not run: g is written from the queue's current events when the run returns
        assert "replaced by the spike queue's capture" in str(net.passes(syn, 'syn_update')[0])
        np.testing.assert_array_equal(syn.ST['g'], syn.ST['w'] * group.mon.spike[-1][syn.pre_ids])


def test_several_pathways_of_a_weight_times_the_spike_equal_separate_synconns(jit):
    """Running ``ST['g'] = ST['w'] * pre['spike']`` once per pathway changes nothing: pathways are accepted, each
    a spike queue, and equal one SynConn per pathway."""
    def weigh(syns):
        for syn in syns:
            syn.ST['w'] = np.random.default_rng(4).choice([0.25, 0.5, 0.75], size=syn.num)

    results = pathways_and_separate_spikes(weight_times_spike, ['w', 'g'], 'w', lambda net, _: net.run(20.), weigh)
    assert results[0].sum() > 50
    np.testing.assert_array_equal(*results)
