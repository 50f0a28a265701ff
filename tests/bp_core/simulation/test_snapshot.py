"""Network.snapshot() and restore(): going back reproduces the run from there exactly."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError

from . import spec_models as m


def gamma_like(num=30, seed=0):
    bp.profile.set(dt=0.05)
    rng = np.random.default_rng(seed)
    neu = bp.NeuGroup(bp.models.get_HH(), num, monitors=['spike', 'V'])
    neu.ST['V'] = -70. + 20 * rng.random(num)
    syn = bp.SynConn(bp.models.get_GABAa1(), pre_group=neu, post_group=neu,
                     conn=bp.connect.FixedProb(0.3, seed=seed), delay=0.5)
    return bp.Network(neu, syn), neu, syn


def test_restoring_a_snapshot_replays_the_run_from_there_bit_for_bit():
    net, neu, syn = gamma_like()
    net.run(20., inputs=(neu, 'ST.input', 8.))
    snap = net.snapshot()
    net.run(30., inputs=(neu, 'ST.input', 8.))
    first = neu.mon.V.copy(), neu.mon.spike_index.copy()
    net.run(15., inputs=(neu, 'ST.input', 8.))  # wander off
    net.restore(snap)
    net.run(30., inputs=(neu, 'ST.input', 8.))
    assert np.array_equal(neu.mon.V, first[0]) and np.array_equal(neu.mon.spike_index, first[1])
    assert len(first[1]) > 0


def test_parameters_come_back_unless_asked_to_stay():
    net, neu, syn = gamma_like()
    syn.pars['g_max'] = 0.2
    snap = net.snapshot()
    syn.pars['g_max'] = 0.7
    net.restore(snap, parameters=False)
    assert syn.pars['g_max'] == 0.7
    net.restore(snap)
    assert syn.pars['g_max'] == 0.2


def test_a_snapshot_is_a_copy_nobody_can_change():
    net, neu, _ = gamma_like()
    snap = net.snapshot()
    neu.ST['V'] = 0.
    assert not np.any(snap.states[0][0] == 0.)
    with pytest.raises(ValueError):
        snap.states[0][0, 0] = 1.


def test_a_snapshot_of_another_network_is_refused_and_changes_nothing():
    net, neu, _ = gamma_like(num=30)
    other, _, _ = gamma_like(num=20)
    before = neu.ST['V'].copy()
    with pytest.raises(ModelUseError, match="snapshot"):
        net.restore(other.snapshot())
    with pytest.raises(ModelUseError, match="Network.snapshot"):
        net.restore({"V": 1})
    assert np.array_equal(neu.ST['V'], before)


def test_chunks_with_inputs_for_the_whole_pass_give_the_single_run():
    current = np.concatenate([np.zeros(200), np.full(400, 12.), np.linspace(12., 0., 400)])  # 1000 steps
    net, neu, _ = gamma_like(num=10)
    start = net.snapshot()
    net.run(50., inputs=(neu, 'ST.input', current))
    whole = neu.mon.V.copy()
    net.restore(start)
    net.rewind(0.)
    parts = [net.advance(n_steps=n, inputs=(neu, 'ST.input', current), input_steps=1000)[neu.name]['V']
             for n in (1, 99, 300, 600)]
    assert np.array_equal(np.concatenate(parts), whole)
    with pytest.raises(ModelUseError, match="input_steps=1000"):
        net.advance(n_steps=1, inputs=(neu, 'ST.input', current), input_steps=1000)


def test_the_engine_keeps_what_it_derives_off_the_users_objects():
    net, neu, syn = m.gamma_network(num=5)
    before = {id(o): set(vars(o)) for o in (neu, syn)}
    net.run(3.0)
    for obj in (neu, syn):
        added = set(vars(obj)) - before[id(obj)]
        assert added <= {"mon"}, added  # the run's results, and nothing of the build
    line = net._build_state.delay_line(syn)
    assert line is not None and line.buffer.shape[0] == int(round(0.5 / net.dt)) + 1
