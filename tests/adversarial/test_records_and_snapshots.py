"""Adversarial restores and runs: a snapshot that does not fit the network and a run that does not fit the
monitor budget are refused with a ``ModelUseError`` naming the object and field, and the network keeps
exactly what it had (state, parameters, random generator, the last run's records)."""

import dataclasses

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError

tau, tau_m = 10., 10.


def step_tau(ST, _t):
    ST['V'] += (ST['input'] - ST['V']) / tau
    ST['input'] = 0.


def step_tau_m(ST, _t):
    ST['V'] += (ST['input'] - ST['V']) / tau_m
    ST['input'] = 0.


def fire_step(ST, _t):
    ST['spike'] = 0.
    ST['V'] += ST['input']
    if ST['V'] > 1.:
        ST['V'] = 0.
        ST['spike'] = 1.
    ST['input'] = 0.


def network(fields=('V', 'input'), step=step_tau, num=5):
    model = bp.NeuType(name='Leaky', ST=bp.types.NeuState({f: 0. for f in fields}), steps=step, mode='vector')
    group = bp.NeuGroup(model, num, name='g')
    return bp.Network(group), group


def held(net, group):
    """Everything a restore could change."""
    return (group.ST['_data'].copy(), dict(group.pars.updates),
            None if net._rng is None else net._rng.bit_generator.state)


def assert_unchanged(net, group, before):
    state, updates, rng = held(net, group)
    np.testing.assert_array_equal(state, before[0])
    assert updates.keys() == before[1].keys() and all(np.array_equal(updates[k], before[1][k]) for k in updates)
    assert rng == before[2]


@pytest.fixture
def snapshot():
    net, group = network()
    group.ST['V'] = 0.633
    group.pars['tau'] = 5.
    net.run(1.)
    return net.snapshot()


@pytest.fixture
def target():
    net, group = network()
    group.ST['V'] = np.arange(5.)
    group.pars['tau'] = 7.
    net.run(1.)
    return net, group


def test_fields_in_another_order_are_refused_naming_the_object_and_fields(snapshot):
    net, group = network(fields=('input', 'V'))
    group.ST['input'] = 0.25
    before = held(net, group)
    with pytest.raises(ModelUseError, match=r"NeuGroup 'g'.*fields are \['V', 'input'\].*\['input', 'V'\]"
                                            r".*another order.*unchanged"):
        net.restore(snapshot)
    assert_unchanged(net, group, before)


def test_a_parameter_the_model_no_longer_has_is_refused_and_the_state_can_still_come_back(snapshot):
    net, group = network(step=step_tau_m)
    group.pars['tau_m'] = 3.
    before = held(net, group)
    with pytest.raises(ModelUseError, match=r"NeuGroup 'g'.*no longer there: \['tau'\], new: \['tau_m'\]"
                                            r".*parameters=False"):
        net.restore(snapshot)
    assert_unchanged(net, group, before)
    net.restore(snapshot, parameters=False)
    np.testing.assert_array_equal(group.ST['_data'], snapshot.states[0])
    assert group.pars['tau_m'] == 3.


@pytest.mark.parametrize("bad, match", [
    (lambda s: {'parameters': ({'tau': float('nan')},)}, r"NeuGroup 'g'.*'tau'.*NaN"),
    (lambda s: {'parameters': ({'tau': 'fast'},)}, r"NeuGroup 'g'.*'tau'.*numeric"),
    (lambda s: {'parameters': ({'tau': np.ones(3)},)}, r"NeuGroup 'g'.*'tau'.*5 values"),
    (lambda s: {'parameters': ({'tau_x': 1.},)}, r"NeuGroup 'g'.*no parameter 'tau_x'"),
    (lambda s: {'states': (np.where(np.arange(2)[:, None] == 1, np.nan, s.states[0]),)},
     r"NeuGroup 'g'.*state field 'input' holds NaN"),
    (lambda s: {'states': (s.states[0].astype(np.float32),)}, r"NeuGroup 'g'.*\(2, 5\) float64.*float32"),
    (lambda s: {'states': (s.states[0][:, :3],)}, r"NeuGroup 'g'.*\(2, 5\) float64.*\(2, 3\)"),
    (lambda s: {'states': ([[0.] * 5] * 2,)}, r"NeuGroup 'g'.*list"),
    (lambda s: {'fields': (('V', 'I'),)}, r"NeuGroup 'g'.*\['V', 'I'\]"),
    (lambda s: {'delays': ((np.zeros((3, 1, 5)), np.array([5, 3])),)}, r"NeuGroup 'g'.*delay buffer"),
    (lambda s: {'random_state': {'bit_generator': 'PCG64', 'state': 'x'}}, r"random generator state"),
    (lambda s: {'states': ()}, r"states cover 0 objects"),
], ids=["nan-parameter", "text-parameter", "parameter-shape", "unknown-parameter", "nan-state", "float-type",
        "state-shape", "state-not-array", "field-names", "delay-buffer", "random-state", "missing-objects"])
def test_a_tampered_snapshot_is_refused_and_changes_nothing(snapshot, target, bad, match):
    net, group = target
    before = held(net, group)
    with pytest.raises(ModelUseError, match=match):
        net.restore(dataclasses.replace(snapshot, **bad(snapshot)))
    assert_unchanged(net, group, before)
    net.restore(snapshot)  # the untouched snapshot still comes back whole
    np.testing.assert_array_equal(group.ST['_data'], snapshot.states[0])
    assert group.pars['tau'] == 5.


def spiking_group(num):
    model = bp.NeuType(name='Fire', ST=bp.types.NeuState({'V': 0., 'input': 0., 'spike': 0.}), steps=fire_step,
                       mode='scalar')
    return bp.NeuGroup(model, num, monitors=['spike', ('V', [0])])


def test_a_run_whose_event_buffers_cannot_fit_fails_first_and_keeps_the_last_records():
    bp.profile.set(monitor_memory_limit=0.3)
    group = spiking_group(1000)
    net = bp.Network(group)
    net.run(1., inputs=(group, 'ST.input', 0.5))
    index, times, trace = group.mon.spike_index.copy(), group.mon.spike_time.copy(), group.mon.V.copy()
    state = group.ST['_data'].copy()
    assert len(index) == 3000
    # the dense trace of neuron 0 fits (0.15 MiB); the spikes at the expected 10 Hz would not (0.23 MiB more)
    with pytest.raises(ModelUseError, match=r"events of monitor 'spike' of '\w+' alone take 0.2 MiB.*"
                                            r"last run's records are kept"):
        net.run(2000.)
    assert net.t_end == 1. and net.ts.size == 10  # the clock stays with the state, which did not move
    np.testing.assert_array_equal(group.mon.spike_index, index)
    np.testing.assert_array_equal(group.mon.spike_time, times)
    np.testing.assert_array_equal(group.mon.V, trace)
    np.testing.assert_array_equal(group.ST['_data'], state)
    bp.profile.set(monitor_memory_limit=1)
    net.refresh_profile()
    net.run(2000.)  # with room it runs, and its records replace the last ones
    assert group.mon.V.shape == (20_000, 1)


def test_a_run_the_system_cannot_allocate_keeps_the_last_records(monkeypatch):
    import bp_core.simulation.recording as recording

    group = spiking_group(50)
    net = bp.Network(group)
    net.run(1., inputs=(group, 'ST.input', 0.5))
    index, trace = group.mon.spike_index.copy(), group.mon.V.copy()

    def refuse(*args, **kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr(recording, "aligned_empty", refuse)
    with pytest.raises(ModelUseError, match="could not allocate.*last run's records are kept"):
        net.run(5.)
    np.testing.assert_array_equal(group.mon.spike_index, index)
    np.testing.assert_array_equal(group.mon.V, trace)
    assert net.t_end == 1.
