"""The fixed cost of a run call: what a second run of an unchanged structure does not do again (check the
members, work out the records, validate connectivity, call the kernel for zero steps, unbox an unused random
generator, read the memory available, hash read-only delays), what it still does (validate an index array
assigned since, check a state's event values), and that the cached path gives the results a fresh network
gives, spike for spike."""

import numpy as np
import pytest

import bp_core as bp
from bp_core import profile
from bp_core.errors import ModelUseError
from bp_core.simulation import builds, planning, recording
from bp_core.simulation.network import Network
from bp_core.simulation.recording import RecordingLayout
from examples.nonlinear_synapses import model as nonlinear
from examples.sturzl_2000 import model as sturzl


def ramp(ST, _t):
    v = ST['V'] + 0.3
    ST['spike'] = v > 1.
    ST['V'] = np.where(v > 1., 0., v)


def kick(ST, _t, pre, post, pre2post):
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            for j in pre2post[i]:
                post['V'][j] += w_kick


w_kick = 0.05


RAMP = bp.NeuType(name='ramp_cell', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=ramp, mode='vector')
KICK = bp.SynType(name='kick', ST=bp.types.SynState([]), steps=kick, mode='vector')


def _kicked_network():
    pre = bp.NeuGroup(RAMP, 3, monitors=['spike'])
    pre.ST['V'] = [0., 0.2, 0.5]
    post = bp.NeuGroup(RAMP, 4, monitors=['spike', 'V'])
    syn = bp.SynConn(KICK, pre_group=pre, post_group=post, conn=bp.connect.All2All())
    return Network(pre, post, syn, mode='repeat'), pre, post, syn


def _counting(monkeypatch, owner, name, calls):
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls[name] = calls.get(name, 0) + 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


@pytest.mark.parametrize("jit", [False, True])
def test_a_second_run_of_an_unchanged_structure_checks_lays_out_and_validates_nothing_again(monkeypatch, jit):
    bp.profile.set(jit=jit, dt=0.1)
    net, pre, post, syn = _kicked_network()
    calls = {}
    for owner, name in ((Network, "_check_members"), (RecordingLayout, "__init__"),
                        (planning, "_check_connectivity")):
        _counting(monkeypatch, owner, name, calls)
    steps = []  # the steps of each kernel call
    original = Network._call
    monkeypatch.setattr(Network, "_call", lambda self, kernel, plan, args:
                        steps.append(args[plan.args.index("_n_steps")]) or original(self, kernel, plan, args))
    net.run(3.)
    assert calls["_check_members"] == 1 and calls["__init__"] == 1 and calls["_check_connectivity"] >= 1
    assert 0 not in steps  # no zero-step call: the run's own call compiles
    calls.clear()
    syn.pars['w_kick'] = 0.1  # values, not structure
    pre.ST['V'] = [0.1, 0.2, 0.3]
    net.run(3.)
    assert calls == {}
    assert net.build_count == 1
    before = len(steps)
    net.run(3., report=True)  # a progress report times the run alone: the kernel is called for zero steps first
    assert steps[before] == 0 and all(steps[before + 1:])


def test_a_bad_index_array_assigned_between_runs_is_still_refused_naming_it():
    bp.profile.set(jit=True, dt=0.1)
    net, pre, post, syn = _kicked_network()
    net.run(3.)
    good = [np.array(row) for row in syn.connectivity('pre2post')]
    syn.pre2post = [np.array([0, 1]), np.array([9]), np.array([2])]  # neuron 9 of a group of 4
    with pytest.raises(ModelUseError, match=r"pre2post.*9"):
        net.run(3.)
    syn.pre2post = good  # a new, valid array: validated again and run
    net.run(3.)
    assert post.mon.spike.shape == (30, 4)


def test_a_state_set_to_values_other_than_0_and_1_still_keeps_event_values():
    # the one per-run check of a record: whether the state's event field holds only 0 and 1 now
    bp.profile.set(jit=False, dt=0.1)
    net, pre, post, syn = _kicked_network()
    net.run(1.)
    assert pre.mon.spike_events.value is None
    layout = net._builder.latest.layout
    pre.ST['spike'] = 0.5
    assert (pre.name, 'spike') in layout.valued()
    pre.ST['spike'] = 0.
    assert (pre.name, 'spike') not in layout.valued()


def test_reused_event_buffers_leave_the_last_runs_records_alone():
    bp.profile.set(jit=True, dt=0.1)
    net, pre, post, syn = _kicked_network()
    net.run(5.)
    index, time_ = pre.mon.spike_index, pre.mon.spike_time
    kept = index.copy(), time_.copy()
    held = dict(net._spare_events)
    pre.ST['V'] = [0.9, 0.9, 0.9]
    net.run(5.)
    assert all(net._spare_events[name] is array for name, array in held.items())  # the same buffers ...
    np.testing.assert_array_equal(index, kept[0])  # ... and the records handed out before are untouched
    np.testing.assert_array_equal(time_, kept[1])
    assert not np.array_equal(pre.mon.spike_index, kept[0])


def test_a_kernel_without_random_numbers_gets_no_generator_and_a_noisy_one_does():
    bp.profile.set(jit=True, dt=0.1)
    net, *_ = _kicked_network()
    net.run(1.)
    assert net._builder.latest.reads_rng is False
    out = sturzl.run(duration=5., seed=1)
    again = sturzl.run(duration=5., seed=1)
    other = sturzl.run(duration=5., seed=2)
    np.testing.assert_array_equal(out['leg_time'], again['leg_time'])
    assert not np.array_equal(out['leg_time'], other['leg_time'])  # the legs' noise is drawn


def test_reads_name_tells_a_read_from_a_parameter():
    assert not builds.reads_name("def f(a, _rng):\n    return a\n", "_rng")
    assert builds.reads_name("def f(a, _rng):\n    return g(a, _rng)\n", "_rng")


def test_the_memory_available_is_read_again_when_old_or_when_a_run_needs_much(monkeypatch):
    reads = []
    monkeypatch.setattr(profile, "get_monitor_memory_limit", lambda: reads.append(1) or 1024.)
    monkeypatch.setattr(profile, "monitor_limit_is_set", lambda: False)
    monkeypatch.setitem(recording._available, "read", -np.inf)
    assert recording.monitor_limit(10) == 1024 * 2**20
    assert recording.monitor_limit(10) == 1024 * 2**20
    assert len(reads) == 1  # a small need within the second: the reading stands
    recording.monitor_limit(2**30 // 8)  # an eighth of the budget: read again
    assert len(reads) == 2
    monkeypatch.setattr(recording, "AVAILABLE_TTL", -1.)
    recording.monitor_limit(10)
    assert len(reads) == 3


def test_a_read_only_delay_array_is_hashed_once_a_writable_one_every_time(monkeypatch):
    hashed = []
    real = builds.hashlib.sha1
    monkeypatch.setattr(builds.hashlib, "sha1", lambda data: hashed.append(1) or real(data))
    frozen = np.array(np.linspace(0., 2., 50))  # owns its values, as a SynConn's checked delays do
    frozen.flags.writeable = False
    assert builds._array_key(frozen) == builds._array_key(frozen)
    assert len(hashed) == 1
    writable = np.linspace(0., 2., 50)
    first = builds._array_key(writable)
    writable[3] = 7.
    assert builds._array_key(writable) != first and len(hashed) == 3
    base = np.linspace(0., 2., 50)
    view = base[:]
    view.flags.writeable = False
    key = builds._array_key(view)
    base[0] = 1.  # a read-only view of a writable array may still change
    assert builds._array_key(view) != key


@pytest.mark.parametrize("example", ["nonlinear", "sturzl"])
def test_repeated_runs_equal_a_fresh_network_spike_for_spike(example):
    """The cached path (no checks, no zero-step call, reused buffers, no generator where none is drawn) gives
    what a network built afresh gives."""
    bp.profile.set(jit=True)
    if example == "nonlinear":
        fresh = nonlinear.run(duration=60.)
        with bp.profile.override(dt=0.1):
            inputs = bp.NeuGroup(nonlinear.ramp, 2, monitors=['spike'])
            post = bp.NeuGroup(nonlinear.neuron, 1, monitors=['g', 'v'])
            syn = bp.SynConn(nonlinear.nmda, pre_group=inputs, post_group=post, conn=bp.connect.All2All(),
                             monitors=['g_syn'])
            syn.ST['w'] = [1., 10.]
            net = bp.Network(inputs, syn, post, mode='repeat')
            for _ in range(3):
                inputs.ST['v'] = [0., 0.5]
                inputs.ST['spike'] = 0.
                post.ST['v'], post.ST['g'] = 0., 0.
                syn.ST['g_syn'], syn.ST['x'] = 0., 0.
                net.run(60.)
                np.testing.assert_array_equal(inputs.mon.spike_index, fresh['spike_index'])
                np.testing.assert_array_equal(inputs.mon.spike_time, fresh['spike_time'])
                np.testing.assert_array_equal(np.asarray(post.mon.g)[:-1, 0], fresh['g'][1:])
        return
    with bp.profile.override(dt=0.1, seed=3):
        n_steps = 200
        rates = sturzl.leg_input(sturzl.wave(20., 0.1, np.random.default_rng(3)), n_steps, 0.1)
        legs = bp.NeuGroup(sturzl.leg, geometry=8, monitors=['spike'])
        neurons = bp.NeuGroup(sturzl.command, geometry=8, monitors=['spike'])
        ex = bp.SynConn(sturzl.excitatory, pre_group=legs, post_group=neurons, conn=bp.connect.One2One())
        inh = bp.SynConn(sturzl.inhibitory, pre_group=legs, post_group=neurons, conn=sturzl.opposite_triads(),
                         delay=sturzl.delta_inh)
        inh.pars['winh'] = sturzl.winh
        net = bp.Network(legs, neurons, ex, inh, mode='repeat')
        inputs = (legs, 'ST.rate', rates, '=')
        start = net.snapshot()
        outcomes = []
        for _ in range(3):  # the first run takes the fresh path, the others the cached one
            net.restore(start)
            net.reseed(0)
            net.run(20., inputs=inputs)
            outcomes.append((neurons.mon.spike_index.copy(), neurons.mon.spike_time.copy(),
                             legs.mon.spike_index.copy(), legs.mon.spike_time.copy()))
        for later in outcomes[1:]:
            for a, b in zip(outcomes[0], later):
                np.testing.assert_array_equal(a, b)
        assert outcomes[0][2].size > 0
