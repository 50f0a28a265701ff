"""A delay line that stands for a spike queue gives way to the queue once it holds only copies of events.

A state set with values no events copy is delayed by a delay line; the copy step then writes copies of events
into it each step, and once the longest delay has passed the next run goes back to the queue. The values the
line still holds are delivered first: the spikes are the line's throughout (and the queue's where the line
never came in). Weights and values are multiples of 1/4 (``queue_networks``), so the forms agree exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp
from bp_core.simulation import planning
from tests.bp_core.simulation.queue_networks import N_EXC, SYNAPSE, drifting_group, queue_network, uses_queue

J = 0.5  # the SynConns' pars['J']


def j_weight_spike(ST, pre):
    ST['g'] = J * ST['w'] * pre['spike']


@bp.delayed
def add_g(ST, post):
    post['inp'] += ST['g']


WEIGHTED = bp.SynType(name='line_back_j_w_spike', ST=bp.types.SynState(['w', 'g']), steps=(j_weight_spike, add_g),
                      mode='scalar')


def _copy_network():
    """Excitatory and inhibitory copies of the spike, one delay each (5 and 3 steps; the line has 6 slots)."""
    group = drifting_group()
    exc = bp.SynConn(SYNAPSE, pre_group=group[:N_EXC], post_group=group, conn=bp.connect.FixedProb(0.3, seed=2),
                     delay=0.5)
    inh = bp.SynConn(SYNAPSE, pre_group=group[N_EXC:], post_group=group, conn=bp.connect.FixedProb(0.5, seed=3),
                     delay=0.3)
    inh.pars['w'] = -0.5
    return bp.Network(group, exc, inh), group


def _weighted_network():
    """``J * w * spike`` (a captured parameter and a weight read at delivery), one delay per excitatory synapse
    (0 to 12 steps; the line has 13 slots)."""
    return queue_network(WEIGHTED, [0., 0.3, 0.7, 1.2])


NETWORKS = {"copy": (_copy_network, 's', 6), "J*w*spike, per-synapse delays": (_weighted_network, 'g', 13)}


def _unrounded_network():
    """``J * w * spike`` with J = 0.1 and weights drawn uniformly, one delay (5 steps; 6 slots): a value divided
    back out of ``J * w`` is often an ulp off J. One delay and synapses in presynaptic order: the queue delivers
    in the line's order, so the sums are the same though the values are not multiples of 1/4."""
    group = drifting_group()
    exc = bp.SynConn(WEIGHTED, pre_group=group[:N_EXC], post_group=group, conn=bp.connect.FixedProb(0.3, seed=2),
                     delay=0.5)
    exc.ST['w'] = np.random.default_rng(3).uniform(0.5, 3., exc.num)
    exc.pars['J'] = 0.1
    inh = bp.SynConn(SYNAPSE, pre_group=group[N_EXC:], post_group=group, conn=bp.connect.FixedProb(0.5, seed=3),
                     delay=0.3)
    inh.pars['w'] = -0.5
    return bp.Network(group, exc, inh), group


NETWORKS["J = 0.1, drawn weights"] = (_unrounded_network, 'g', 6)


def _uneven(syn) -> np.ndarray:
    """Values no events copy: a presynaptic neuron's synapses hold different ones."""
    return np.random.default_rng(7).choice([0., 0.25, 0.5, 1.], size=syn.num)


def _chunks(make, field, chunks, monkeypatch, queues):
    """Run ``make()``'s network 0.5 ms, set the excitatory field uneven, then advance by ``chunks`` (steps);
    returns each chunk's spikes, whether the SynConn then ran on a queue, the build count after it, the field."""
    monkeypatch.setattr(planning, "SPIKE_QUEUES", queues)
    net, group = make()
    syn = net.objects[1]
    net.advance(0.5)
    assert uses_queue(net, syn) is queues
    syn.ST[field] = _uneven(syn)
    spikes, forms, builds = [], [], []
    for n_steps in chunks:
        net.advance(n_steps=n_steps)
        spikes.append(np.asarray(group.mon.spike).copy())
        forms.append(uses_queue(net, syn))
        builds.append(net.build_count)
    return spikes, forms, builds, syn.ST[field].copy()


@pytest.mark.parametrize("case", NETWORKS)
def test_the_line_gives_way_to_the_queue_after_delivering_its_values(jit, monkeypatch, case):
    make, field, slots = NETWORKS[case]
    chunks = [2] * (slots // 2 + 1) + [7, 30, 30, 30]
    spikes, forms, builds, state = _chunks(make, field, chunks, monkeypatch, queues=True)
    ref_spikes, _, _, ref_state = _chunks(make, field, chunks, monkeypatch, queues=False)
    # the line stays until the copy step has written every slot (the longest delay has passed), then goes
    ran = np.cumsum([0] + chunks[:-1])  # steps run since the state was set, when each chunk starts
    np.testing.assert_array_equal(forms, ran >= slots)
    # the values on their way were delivered: the spikes are the line's, chunk for chunk
    for mine, theirs in zip(spikes, ref_spikes):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(state, ref_state)
    assert sum(s.sum() for s in spikes) > 50
    # the queue is planned once when it comes back, and not again
    back = int(np.argmax(forms))
    assert builds[back] == builds[back - 1] + 1 and len(set(builds[back:])) == 1


def test_the_values_a_line_holds_change_the_spikes(monkeypatch):
    """What the test above delivers matters: dropping the line's values (a reset to 0) changes the spikes."""
    bp.profile.set(jit=False)
    lined, _, _, _ = _chunks(_copy_network, 's', [3, 3, 30], monkeypatch, queues=True)
    monkeypatch.setattr(planning, "SPIKE_QUEUES", True)
    net, group = _copy_network()
    net.advance(0.5)
    net.objects[1].ST['s'] = 0.
    dropped = []
    for n_steps in (3, 3, 30):
        net.advance(n_steps=n_steps)
        dropped.append(np.asarray(group.mon.spike).copy())
    assert not all(np.array_equal(a, b) for a, b in zip(lined, dropped))


def test_restoring_a_queue_snapshot_onto_the_line_runs_the_queue_again():
    bp.profile.set(jit=False)
    net, group = _copy_network()
    syn = net.objects[1]
    net.advance(2.)
    snapshot = net.snapshot()  # events on their way through the queue
    net.advance(4.)
    never_fell_back = np.asarray(group.mon.spike).copy()
    syn.ST['s'] = _uneven(syn)
    net.advance(0.2)
    assert not uses_queue(net, syn)
    net.restore(snapshot)
    net.advance(4.)
    np.testing.assert_array_equal(group.mon.spike, never_fell_back)
    assert uses_queue(net, syn)
    builds = net.build_count
    for _ in range(2):
        net.restore(snapshot)
        net.advance(4.)
        np.testing.assert_array_equal(group.mon.spike, never_fell_back)
    assert net.build_count == builds


def test_restoring_a_snapshot_of_the_line_delivers_its_values_before_the_queue_comes_back(monkeypatch):
    bp.profile.set(jit=False)
    net, group = _copy_network()
    syn = net.objects[1]
    net.advance(0.5)
    syn.ST['s'] = _uneven(syn)
    net.advance(0.3)
    snapshot = net.snapshot()  # a line holding values no events copy
    assert len(snapshot.delays[1]) == 2
    first = []
    for _ in range(3):
        net.advance(1.)
        first.append(np.asarray(group.mon.spike).copy())
    assert uses_queue(net, syn)
    net.restore(snapshot)
    assert not uses_queue(net, syn)
    again = []
    for _ in range(3):
        net.advance(1.)
        again.append(np.asarray(group.mon.spike).copy())
    assert uses_queue(net, syn)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    # and the line's run from the start gives them too
    monkeypatch.setattr(planning, "SPIKE_QUEUES", False)
    ref, ref_group = _copy_network()
    ref.advance(0.5)
    ref.objects[1].ST['s'] = _uneven(ref.objects[1])
    ref.advance(0.3)
    for expected in first:
        ref.advance(1.)
        np.testing.assert_array_equal(ref_group.mon.spike, expected)
