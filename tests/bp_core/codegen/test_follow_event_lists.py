"""Synapse scans that follow the spike monitor's list of this step's events deliver exactly what a full scan does."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.simulation import recording

N, NE = 120, 96
STATE = bp.types.NeuState({'V': 0., 'ge': 0., 'gi': 0., 'spike': 0., 't_last': -1e7})


def lif(ST, _t, _dt):
    ST['spike'] = 0.
    if _t - ST['t_last'] > 2.:
        V = ST['V'] + _dt * (ST['ge'] - ST['gi'] + drive - ST['V']) / 10.
        if V > 1.:
            V = 0.
            ST['spike'] = 1.
            ST['t_last'] = _t
        ST['V'] = V
    ST['ge'] = ST['ge'] - _dt * ST['ge'] / 5.
    ST['gi'] = ST['gi'] - _dt * ST['gi'] / 10.


def loop_to_ge(ST, _t, pre, post, pre2post):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            for j in pre2post[i]:
                post['ge'][j] += w


def spec_to_gi(ST, _t, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['gi'][pre2post[i]] += w


def rows_to_ge(ST, _t, pre, post, pre2post):
    # the spec's AMPA chapter's loop: over the rows of pre2post (one per presynaptic neuron), not the spikes
    for i in range(len(pre2post)):
        if pre['spike'][i] > 0.:
            post['ge'][pre2post[i]] += w


def force_spikes(ST, _t, pre, post, pre2post):
    # sets spikes between the monitor and the synapses after it: a list made before would miss them
    post['spike'][:3] = 1.


def at_or_above_zero(ST, _t, pre, post, pre2post):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] >= 0.:  # holds for zeros too: a list of nonzero elements cannot stand for it
            post['ge'][i] += 0.


drive = 1.5
w = 0.4
TO_GE = bp.SynType(name='loop_to_ge', ST=bp.types.SynState(), steps=loop_to_ge, mode='vector')
TO_GI = bp.SynType(name='spec_to_gi', ST=bp.types.SynState(), steps=spec_to_gi, mode='vector')
ROWS_TO_GE = bp.SynType(name='rows_to_ge', ST=bp.types.SynState(), steps=rows_to_ge, mode='vector')
FORCE = bp.SynType(name='force', ST=bp.types.SynState(), steps=force_spikes, mode='vector')


def _network(monitors, order="group first", force=False, seed=3, to_ge=TO_GE):
    bp.profile.set(dt=0.1, seed=seed)
    group = bp.NeuGroup(bp.NeuType(name='LIFev', ST=STATE, steps=lif, mode='scalar'), N, monitors=monitors)
    group.ST['V'] = np.random.default_rng(seed).uniform(0., 1., N)
    exc = bp.SynConn(to_ge, pre_group=group[:NE], post_group=group, conn=bp.connect.FixedProb(0.1, seed=seed))
    inh = bp.SynConn(TO_GI, pre_group=group[NE:], post_group=group, conn=bp.connect.FixedProb(0.1, seed=seed + 1))
    objects = [group, exc, inh]
    if force:
        objects.insert(1, bp.SynConn(FORCE, pre_group=group, post_group=group, conn=bp.connect.One2One()))
    if order == "synapses first":
        objects = objects[1:] + objects[:1]
    return bp.Network(*objects), group


def _final(net, group, duration=60.):
    net.run(duration)
    return {key: group.ST[key].copy() for key in ('V', 'ge', 'gi', 't_last')}


def _followers(net):
    """The synapse steps of the kernel that read an event list."""
    functions = [block for block in net.code.split("\n\n\n") if block.startswith("def SynConn")]
    return [name for name in ("loop_to_ge", "rows_to_ge", "spec_to_gi")
            if any(f"_{name}(" in f.split("\n")[0] and "_events_pre_spike" in f for f in functions)]


@pytest.mark.parametrize("float_type", ["float64", "float32"])
def test_both_synapse_idioms_follow_the_list_and_deliver_what_a_full_scan_delivers(jit, float_type):
    bp.profile.set(float_type=float_type)
    listed, group = _network(['spike'])
    result = _final(listed, group)
    scanned, reference = _network(['V'])
    expected = _final(scanned, reference)
    assert _followers(listed) == ["loop_to_ge", "spec_to_gi"] and _followers(scanned) == []
    [stages] = listed.passes(listed.objects[1])  # show_passes prints what the network runs
    assert "_events_pre_spike" in stages.stage("follow event lists")
    assert 100 < len(group.mon.spike_events)  # the network fires, in both subgroups
    assert np.isin(group.mon.spike_index, np.arange(NE, N)).any() and (group.mon.spike_index < NE).any()
    for key, value in expected.items():
        np.testing.assert_array_equal(result[key], value, err_msg=key)


def test_a_loop_over_the_rows_of_pre2post_follows_the_list_and_delivers_what_a_full_scan_delivers(jit):
    listed, group = _network(['spike'], to_ge=ROWS_TO_GE)
    result = _final(listed, group)
    scanned, reference = _network(['V'], to_ge=ROWS_TO_GE)
    expected = _final(scanned, reference)
    assert _followers(listed) == ["rows_to_ge", "spec_to_gi"] and _followers(scanned) == []
    assert "min(" in listed.code.split("def SynConn1")[1].split("\n\n\n")[0]  # up to the smaller count
    assert 100 < len(group.mon.spike_events)
    for key, value in expected.items():
        np.testing.assert_array_equal(result[key], value, err_msg=key)


def test_a_run_cut_into_chunks_and_buffers_that_grow_mid_run_change_nothing(jit, monkeypatch):
    monkeypatch.setitem(lif.__globals__, "drive", 4.)  # every neuron fires every 3 ms or so
    monkeypatch.setattr(recording, "MIN_FIRST_EVENTS", 1)  # buffers of the expected rate alone, to make them grow
    listed, group = _network(['spike'])
    whole = _final(listed, group, 40.)
    first_buffer = recording.first_event_capacity(N, int(400 * 0.1 * recording._EXPECTED_RATE))
    assert len(group.mon.spike_events) > 2 * first_buffer  # the event buffer grew at least twice
    chunked, chunked_group = _network(['spike'])
    events = sum(len(chunked.advance(10.)[chunked_group.name].spike_events) for _ in range(4))
    assert events == len(group.mon.spike_events)
    scanned, reference = _network(['V'])
    expected = _final(scanned, reference, 40.)
    for key, value in expected.items():
        np.testing.assert_array_equal(whole[key], value, err_msg=key)
        np.testing.assert_array_equal(chunked_group.ST[key], value, err_msg=key)


def test_a_step_writing_the_field_after_the_monitor_stops_the_list(jit):
    listed, group = _network(['spike'], force=True)
    result = _final(listed, group)
    scanned, reference = _network(['V'], force=True)
    expected = _final(scanned, reference)
    for key, value in expected.items():
        np.testing.assert_array_equal(result[key], value, err_msg=key)
    assert _followers(listed) == []  # the forced spikes are not in the monitor's list


def _recurrent(steps, monitors, seed=5):
    bp.profile.set(dt=0.1, seed=seed)
    group = bp.NeuGroup(bp.NeuType(name='LIFev', ST=STATE, steps=lif, mode='scalar'), N, monitors=monitors)
    group.ST['V'] = np.random.default_rng(seed).uniform(0., 1., N)
    syn = bp.SynConn(bp.SynType(name=steps.__name__, ST=bp.types.SynState(), steps=steps, mode='vector'),
                     pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.05, seed=seed))
    return bp.Network(group, syn), group


def test_a_scan_of_the_whole_group_follows_the_list(jit):
    listed, group = _recurrent(loop_to_ge, ['spike'])
    result = _final(listed, group, 20.)
    scanned, reference = _recurrent(loop_to_ge, ['V'])
    expected = _final(scanned, reference, 20.)
    assert "_events_pre_spike" in listed.code
    for key, value in expected.items():
        np.testing.assert_array_equal(result[key], value, err_msg=key)


def cascade(ST, _t, pre, post, pre2post):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            for j in pre2post[i]:
                post['ge'][j] += w
                if j > i:
                    post['spike'][j] = 1.  # post is pre's group: the scan meets this spike later on


def test_a_synapse_writing_the_scanned_field_through_post_scans_it():
    listed, group = _recurrent(cascade, ['spike'])
    result = _final(listed, group, 20.)
    scanned, reference = _recurrent(cascade, ['V'])
    expected = _final(scanned, reference, 20.)
    for key, value in expected.items():
        np.testing.assert_array_equal(result[key], value, err_msg=key)
    assert "_events_" not in listed.code


def test_synapses_running_before_the_monitor_scan_the_field():
    listed, group = _network(['spike'], order="synapses first")
    listed.run(5.)
    assert _followers(listed) == []


def test_a_test_that_zeros_can_pass_keeps_the_scan():
    bp.profile.set(dt=0.1)
    group = bp.NeuGroup(bp.NeuType(name='LIFev', ST=STATE, steps=lif, mode='scalar'), N, monitors=['spike'])
    syn = bp.SynConn(bp.SynType(name='ge0', ST=bp.types.SynState(), steps=at_or_above_zero, mode='vector'),
                     pre_group=group, post_group=group, conn=bp.connect.One2One())
    net = bp.Network(group, syn)
    net.run(1.)
    assert "_events_" not in net.code and "any_in_block(spikes, _b, '>=', 0.0)" in net.code
