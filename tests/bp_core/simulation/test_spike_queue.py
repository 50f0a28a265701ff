"""Spike-queue delays against the per-synapse delay line, and the connectivity checks of a build."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen import event_delays, queue_ops
from bp_core.codegen.step_translation import translate_step
from bp_core.errors import ModelUseError
from bp_core.simulation import planning
from bp_core.simulation.planning import rows_are_unique
from bp_core.simulation.spike_queues import make_routes
from tests.bp_core.simulation.queue_networks import (N_EXC, NEURON, SYNAPSE, copy_spike, deliver, drifting_group,
                                                     queue_network, uses_queue)

# -- build: the duplicate-index check of index lists ------------------------------------------------------

def _compressed(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    idx = np.array([i for r in rows for i in r], dtype=np.int64)
    return ptr, idx


@pytest.mark.parametrize("seed", range(20))
def test_duplicate_check_agrees_with_a_per_row_reference(seed):
    rng = np.random.default_rng(seed)
    rows = [list(rng.choice(50, size=rng.integers(0, 8), replace=bool(rng.integers(0, 2)))) for _ in range(30)]
    ptr, idx = _compressed(rows)
    expected = all(len(set(r)) == len(r) for r in rows)
    assert rows_are_unique(ptr, idx) == expected
    assert rows_are_unique(ptr, idx.astype(np.int32)) == expected


def test_duplicate_check_sees_one_repeat_among_a_million_entries():
    rng = np.random.default_rng(0)
    ptr = np.arange(0, 1_000_001, 100, dtype=np.int64)
    idx = np.concatenate([rng.permutation(5000)[:100] for _ in range(10_000)])
    assert rows_are_unique(ptr, idx)
    idx[500_001] = idx[500_000]  # two entries of row 5000
    assert not rows_are_unique(ptr, idx)
    # the same index in two different rows is no duplicate
    assert rows_are_unique(np.array([0, 1, 2]), np.array([7, 7]))


def _count_once(ST, _t, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['V'][pre2post[i]] += 1.


def _mark(ST):
    ST['spike'] = 1.


def test_a_row_listing_a_target_twice_keeps_numpy_fancy_index_semantics(jit):
    """A duplicate makes ``x[rows] += 1`` add once per distinct index (NumPy), not once per entry."""
    bp.profile.set(dt=0.1)
    neuron = bp.NeuType(name='marker', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=_mark, mode='scalar')
    group = bp.NeuGroup(neuron, 3)
    syn = bp.SynConn(bp.SynType(name='once', ST=bp.types.SynState([]), steps=_count_once, mode='vector'),
                     pre_group=group, post_group=group, conn=bp.connect.All2All())
    syn.pre2post = [np.array([0, 1, 1]), np.array([2]), np.array([], dtype=np.int64)]
    bp.Network(group, syn).run(0.1)
    assert group.ST['V'].tolist() == [1., 1., 1.]


# -- spike queues against the delay line (queue_networks.py: why the two forms agree spike for spike) -------

def _network(delay_exc=0.5, delay_inh=0.3, conn_seed=2, mode='once', split_exc=None, monitors=('spike',)):
    """40 neurons driven above threshold at different rates, excitatory and inhibitory pathways.

    ``split_exc``: delays (ms) per excitatory synapse, given as one SynConn per distinct delay (the reference
    of heterogeneous delays).
    """
    group = drifting_group(monitors)
    exc_conn = bp.connect.FixedProb(0.3, seed=conn_seed)
    members = [group]
    if split_exc is None:
        members.append(bp.SynConn(SYNAPSE, pre_group=group[:N_EXC], post_group=group, conn=exc_conn,
                                  delay=delay_exc))
    else:
        probe = bp.SynConn(SYNAPSE, pre_group=group[:N_EXC], post_group=group, conn=exc_conn)
        i, j = probe.local_ids()
        for value in np.unique(split_exc):
            keep = split_exc == value
            members.append(bp.SynConn(SYNAPSE, pre_group=group[:N_EXC], post_group=group, conn=(i[keep], j[keep]),
                                      delay=float(value)))
    inh = bp.SynConn(SYNAPSE, pre_group=group[N_EXC:], post_group=group,
                     conn=bp.connect.FixedProb(0.5, seed=conn_seed + 1), delay=delay_inh)
    inh.pars['w'] = -0.5
    members.append(inh)
    return bp.Network(*members, mode=mode), group


def _spikes(group) -> np.ndarray:
    return np.asarray(group.mon.spike).copy()


@pytest.fixture
def line_only(monkeypatch):
    """Make every network built in the block keep the delay line."""
    return lambda: monkeypatch.setattr(planning, "SPIKE_QUEUES", False)


def test_homogeneous_delays_equal_the_delay_line_spike_for_spike(jit, line_only):
    net, group = _network()
    net.run(30.)
    queued, state = _spikes(group), [o.ST['s'].copy() for o in net.objects[1:]]
    assert all(uses_queue(net, o) for o in net.objects[1:])
    line_only()
    net2, group2 = _network()
    net2.run(30.)
    assert not uses_queue(net2, net2.objects[1])
    assert queued.sum() > 50
    np.testing.assert_array_equal(queued, _spikes(group2))
    # the field the copy step writes reads the same afterwards (written from the queue's current events)
    for mine, theirs in zip(state, net2.objects[1:]):
        np.testing.assert_array_equal(mine, theirs.ST['s'])
    # and the delay shows: the first recurrent effect comes delay_inh = 3 steps after the first spike
    assert net.objects[1].delay == 0.5


def test_heterogeneous_delays_equal_one_delay_line_per_delay(jit):
    probe_net, _ = _network()
    size = probe_net.objects[1].num
    delays = np.random.default_rng(5).choice([0., 0.3, 0.7, 1.2], size=size)
    net, group = _network(delay_exc=delays)
    net.run(30.)
    assert uses_queue(net, net.objects[1])
    ref, ref_group = _network(split_exc=delays)
    ref.run(30.)
    assert _spikes(group).sum() > 50
    np.testing.assert_array_equal(_spikes(group), _spikes(ref_group))


def test_heterogeneous_delays_of_fields_that_are_no_event_copy_go_through_a_delay_line(jit, line_only):
    """A field a queue cannot carry (here: the spike queues turned off; in a model, a field that decays
    between spikes) keeps the delay line, each synapse reading its own delay: the same spikes as the queue."""
    probe_net, _ = _network()
    delays = np.random.default_rng(5).choice([0., 0.3, 0.7, 1.2], size=probe_net.objects[1].num)
    queued, queued_group = _network(delay_exc=delays)
    queued.run(30.)
    line_only()
    net, group = _network(delay_exc=delays)
    net.run(30.)
    assert not uses_queue(net, net.objects[1])
    assert "0 to 12 steps, each synapse its own" in str(net.passes(net.objects[1], 'deliver')[0])
    assert _spikes(group).sum() > 50
    np.testing.assert_array_equal(_spikes(group), _spikes(queued_group))


def test_heterogeneous_delays_of_a_vector_mode_delay_line_are_refused_naming_scalar_mode(line_only):
    line_only()
    vector = bp.SynType(name='delta_copy_vector', ST=bp.types.SynState(['s']), steps=(copy_spike, deliver),
                        mode='vector')
    group = bp.NeuGroup(NEURON, 4)
    syn = bp.SynConn(vector, pre_group=group, post_group=group, conn=bp.connect.All2All(),
                     delay=np.linspace(0.1, 1., 16))
    with pytest.raises(ModelUseError, match="needs a scalar-mode model"):
        bp.Network(group, syn).run(1.)


def test_delays_carry_over_advance_chunks_and_repeated_runs(jit):
    whole, whole_group = _network()
    whole.run(12.)
    expected = _spikes(whole_group)
    chunked, chunked_group = _network()
    parts = []
    for n_steps in (1, 2, 7, 3, 17, 90):  # chunks shorter and longer than the delays (3 and 5 steps)
        chunked.advance(n_steps=n_steps)
        parts.append(_spikes(chunked_group))
    np.testing.assert_array_equal(np.concatenate(parts), expected)
    repeated, repeated_group = _network(mode='repeat')
    runs = []
    for _ in range(4):
        repeated.run(3.)
        runs.append(_spikes(repeated_group))
    np.testing.assert_array_equal(np.concatenate(runs), expected)


def test_snapshot_and_restore_keep_the_events_on_their_way(jit, line_only):
    net, group = _network(delay_exc=1.0)
    net.run(4.05)  # ends with events in flight
    snapshot = net.snapshot()
    assert len(snapshot.delays[1]) == 4  # a queue's events, counts and position
    net.run(6.)
    after = _spikes(group)
    net.restore(snapshot)
    net.run(6.)
    np.testing.assert_array_equal(_spikes(group), after)
    line_only()
    ref, ref_group = _network(delay_exc=1.0)
    ref.run(4.05)
    ref.run(6.)
    np.testing.assert_array_equal(_spikes(ref_group), after)


def test_a_snapshot_whose_queue_does_not_fit_is_refused_and_changes_nothing():
    bp.profile.set(jit=False)
    net, group = _network()
    net.run(2.)
    snapshot = net.snapshot()
    events, values, counts, position = snapshot.delays[1]
    bad_events = events.copy()
    bad_events[0, 0] = events.shape[1] + 3  # a source that does not exist
    bad_counts = counts.copy()
    bad_counts[0] = max(bad_counts[0], 1)
    broken = dataclasses.replace(snapshot, delays=(None, (bad_events, values, bad_counts, position), None))
    before = group.ST['V'].copy()
    with pytest.raises(ModelUseError, match="spike queue"):
        net.restore(broken)
    np.testing.assert_array_equal(group.ST['V'], before)


def test_a_state_set_by_the_user_restarts_the_queue_as_the_delay_line_refills(line_only):
    bp.profile.set(jit=False)
    results = []
    for form in ("queue", "line"):
        if form == "line":
            line_only()
        net, group = _network(delay_exc=1.0)
        net.run(3.)
        net.objects[1].ST['s'] = net.objects[1].ST['s']  # a new state version: delays start from the state
        net.run(5.)
        results.append(_spikes(group))
    np.testing.assert_array_equal(*results)


@pytest.mark.parametrize("value, queued", [
    (1., True),  # every synapse "fired" before the run: each source one event, in every slot of the queue
    (0., True),  # a reset: no events
    ("uneven", False),  # synapses of one source with different values: only a delay line can hold that
])
def test_an_event_field_set_by_the_user_is_delayed_from_the_state(line_only, value, queued):
    bp.profile.set(jit=False)
    results = []
    for form in ("queue", "line"):
        if form == "line":
            line_only()
        net, group = _network()
        net.run(0.5)
        syn = net.objects[1]
        syn.ST['s'] = np.linspace(0., 2., syn.num) if value == "uneven" else value
        net.run(0.3)
        first = _spikes(group)
        net.run(3.)  # a line holding values on their way stays
        results.append((first, _spikes(group)))
        if form == "queue":
            assert uses_queue(net, syn) is queued
            assert uses_queue(net, net.objects[2])
    for queued_spikes, lined in zip(*results):
        np.testing.assert_array_equal(queued_spikes, lined)


# -- the delayed step inside the walk of the arriving events ----------------------------------------------
# Three pathways that read the delayed field, the synapse, the presynaptic neuron and the postsynaptic one in
# different ways, two of them with one delay per synapse (0 to 1.2 ms): the walk must equal the list of
# arrivals (the same sums in the same order) and, with weights that are multiples of 1/4, the delay line.

def scaled_copy_of_spike(ST, pre):
    ST['s'] = 0.5 * pre['spike']


@bp.delayed
def deliver_weighted(ST, post):
    if ST['s'] > 0.:
        post['inp'] -= 2. * ST['weight'] * ST['s']  # a weight per synapse: the walk reads the synapse's index


@bp.delayed
def deliver_from_fast(ST, pre, post):
    if ST['s'] > 0.:
        if pre['I'] < 1.2:  # the presynaptic neuron's field: its index from the synapse's
            return
        post['inp'] += w * ST['s']


w = 0.25  # a parameter of deliver_from_fast
WEIGHTED = bp.SynType(name='weighted_copy', ST=bp.types.SynState(['s', 'weight']),
                      steps=(scaled_copy_of_spike, deliver_weighted), mode='scalar')
FROM_FAST = bp.SynType(name='from_fast', ST=bp.types.SynState(['s']), steps=(copy_spike, deliver_from_fast),
                       mode='scalar')


def _pathway(model, pre, post, conn, choices, rng, split, weights=None):
    """One SynConn with a delay per synapse drawn from ``choices`` (ms), or with ``split`` one per delay."""
    probe = bp.SynConn(model, pre_group=pre, post_group=post, conn=conn)
    delays = rng.choice(choices, size=probe.num)
    weights = None if weights is None else rng.choice(weights, size=probe.num)
    if not split:
        syn = bp.SynConn(model, pre_group=pre, post_group=post, conn=conn, delay=delays)
        if weights is not None:
            syn.ST['weight'] = weights
        return [syn]
    i, j = probe.local_ids()
    out = []
    for value in np.unique(delays):
        keep = delays == value
        out.append(bp.SynConn(model, pre_group=pre, post_group=post, conn=(i[keep], j[keep]), delay=float(value)))
        if weights is not None:
            out[-1].ST['weight'] = weights[keep]
    return out


def _pathways(float_type='float64', split=False):
    """40 neurons and three pathways; ``split``: one SynConn per delay (the delay line's reference)."""
    bp.profile.set(float_type=float_type)
    group = drifting_group()
    rng = np.random.default_rng(11)
    exc = bp.SynConn(SYNAPSE, pre_group=group[:N_EXC], post_group=group, conn=bp.connect.FixedProb(0.3, seed=2),
                     delay=0.5)
    inh = _pathway(WEIGHTED, group[N_EXC:], group, bp.connect.FixedProb(0.5, seed=3), [0.1, 0.4, 0.5], rng, split,
                   weights=[0.25, 0.5, 0.75])
    fast = _pathway(FROM_FAST, group[:N_EXC], group, bp.connect.FixedProb(0.2, seed=4), [0., 0.3, 0.7, 1.2], rng,
                    split)
    return bp.Network(group, exc, *inh, *fast), group


def _delivery(net, syn) -> str:
    """'walk', 'list' or 'line': how ``syn``'s delayed step is delivered in the kernel ``net`` ran."""
    delayed = next(s.name for s in syn.model.steps if s.is_delayed)
    text = net.passes(syn, delayed)[0].stage("generated function")
    if "_queue_ptr" in text:
        assert "_arrivals" not in text and "_delay_buf" not in text
        return "walk"
    return "list" if "_arrivals" in text else "line"


@pytest.fixture
def delivered(monkeypatch):
    """Make the networks built next deliver their delays as ``form`` says ('walk', 'list' or 'line')."""
    def choose(form):
        monkeypatch.setattr(queue_ops, "WALK_ARRIVALS", form == "walk")
        monkeypatch.setattr(planning, "SPIKE_QUEUES", form != "line")
    return choose


def test_the_walk_of_the_arrivals_equals_the_arrival_list_and_the_delay_line(jit, delivered):
    spikes = {}
    for form in ("walk", "list", "line"):
        delivered(form)
        net, group = _pathways(split=form == "line")
        net.run(25.)
        assert {_delivery(net, syn) for syn in net.objects[1:]} == {form}
        spikes[form] = _spikes(group)
    assert spikes["walk"].sum() > 100
    np.testing.assert_array_equal(spikes["walk"], spikes["list"])
    np.testing.assert_array_equal(spikes["walk"], spikes["line"])


def test_the_walk_carries_the_events_over_chunks_and_snapshots(jit, delivered):
    delivered("line")
    whole, whole_group = _pathways(split=True)
    whole.run(18.)
    expected = _spikes(whole_group)
    delivered("walk")
    net, group = _pathways()
    parts = []
    for n_steps in (1, 2, 7, 3, 17, 30):  # chunks shorter and longer than the delays (0 to 12 steps)
        net.advance(n_steps=n_steps)
        parts.append(_spikes(group))
    snapshot = net.snapshot()  # events of every delay on their way
    net.advance(n_steps=40)
    net.restore(snapshot)
    for n_steps in (11, 29, 80):
        net.advance(n_steps=n_steps)
        parts.append(_spikes(group))
    assert _delivery(net, net.objects[3]) == "walk"
    np.testing.assert_array_equal(np.concatenate(parts), expected)


def test_a_float32_walk_scales_events_as_the_arrival_list_stores_them(delivered):
    bp.profile.set(jit=True)
    spikes, inputs = {}, {}
    for form in ("walk", "list"):
        delivered(form)
        net, group = _pathways(float_type='float32')
        net.objects[2].ST['weight'] = np.linspace(0.1, 0.9, net.objects[2].num)  # sums that round
        net.run(15.)
        assert _delivery(net, net.objects[2]) == form and group.ST['V'].dtype == np.float32
        spikes[form], inputs[form] = _spikes(group), group.ST['V'].copy()
    assert spikes["walk"].sum() > 50
    np.testing.assert_array_equal(spikes["walk"], spikes["list"])
    np.testing.assert_array_equal(inputs["walk"], inputs["list"])


def test_the_walk_finds_the_slot_of_each_delay_without_a_remainder_per_delay(delivered):
    # a queue spanning D delay steps visits D slots every step, events or not: a remainder (integer division)
    # for each made Brian2's licklider (delays 0-20 ms at dt 0.02 ms, 1001 slots) spend most of its run there
    import ast
    bp.profile.set(jit=False)
    delivered("walk")
    net, _ = _pathways()
    net.run(0.2)
    syn = net.objects[-1]
    assert _delivery(net, syn) == "walk"
    source = net.passes(syn, next(s.name for s in syn.model.steps if s.is_delayed))[0].stage("generated function")
    loops = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.For)
             and isinstance(node.target, ast.Name) and node.target.id.startswith("_queue_a")]
    assert len(loops) == 1
    assert not any(isinstance(node, ast.Mod) for node in ast.walk(loops[0]))


def test_the_walk_is_kept_out_where_it_is_not_exact():
    bp.profile.set(jit=False)
    net, _ = _network()
    net.run(0.2)
    inputs = net._plan.step_inputs[f"{net._plan.objects[1].code_name}_deliver"]
    assert inputs.queue_walk is not None and "_queue_ptr" in translate_step(inputs).args
    # the delayed field read at another element than the arriving synapse (here its postsynaptic neuron's
    # position): the walk holds the value of the synapse only, so the step loops over the list of arrivals
    elsewhere = dataclasses.replace(inputs, states={**inputs.states,
                                                    "ST": dataclasses.replace(inputs.states["ST"], index="_post_i")})
    generated = translate_step(elsewhere)
    assert "_arrivals" in generated.args and "_queue_ptr" not in generated.args
    assert "_delay_buf[_delay_read, 0, _post_i]" in generated.source


# -- which models lower -----------------------------------------------------------------------------------

def _syn(*steps, ST=('s',)):
    return bp.SynType(name='probe', ST=bp.types.SynState(list(ST)), steps=steps, mode='scalar')


def scaled_copy(ST, pre):
    ST['s'] = 2. * pre['spike']


@bp.delayed
def spec_output(ST, post):
    I_syn = - g_max * ST['s'] * (post['V'] - E)
    post['input'] += I_syn


@bp.delayed
def guarded(ST, post):
    if ST['s'] > 0.:
        post['input'] += ST['w']


@bp.delayed
def always(ST, post):
    post['input'] += ST['s'] + 1.


@bp.delayed
def noisy(ST, post):
    post['input'] += ST['s'] * np.random.random()


def decaying(ST, pre):
    s = ST['s'] * 0.9
    s += pre['spike']
    ST['s'] = s


def copy_unless_silenced(ST, pre):
    if ST['mute'] > 0.:
        return
    ST['s'] = pre['spike']


def counting_copy(ST, pre, post):
    ST['s'] = pre['spike']
    # a count of arrivals (Graupner & Brunel's calcium) that halves at every step and drives the target
    c = ST['c'] * 0.5
    post['inp'] += 0.25 * c
    ST['c'] = c


@bp.delayed
def count_arrival(ST, post):
    if ST['s'] > 0.:
        ST['c'] += 1.  # the synapse's current count, under a delay line as under a queue
        post['inp'] += ST['w'] * ST['s']


@bp.delayed
def halving_arrival(ST, post):
    if ST['s'] > 0.:
        ST['c'] = ST['c'] * 0.5 + 1.  # reads the count: a delay line reads it from one delay ago


@bp.delayed
def counting_always(ST, post):
    post['inp'] += ST['s']
    ST['c'] += 1.  # at every step, with or without an event


COUNTING = bp.SynType(name='counting', ST=bp.types.SynState(['s', 'c', 'w']), steps=(counting_copy, count_arrival),
                      mode='scalar')

g_max, E = 0.1, 0.


def test_the_analysis_accepts_copies_of_events_and_outputs_quiet_without_them():
    form = event_delays.analyse(_syn(scaled_copy, spec_output))
    assert isinstance(form, event_delays.EventDelay)
    assert form.scales == {'s': 2.0} and form.source == 'spike' and form.copy_only
    form = event_delays.analyse(_syn(copy_spike, guarded, ST=('s', 'w')))
    assert isinstance(form, event_delays.EventDelay) and form.static == ('w',)


@pytest.mark.parametrize("steps, reason", [
    ((decaying, spec_output), "not a copy"),
    ((copy_spike, always), "does something when the event fields are 0"),
    ((copy_spike, noisy), "random"),
    ((copy_unless_silenced, deliver), "may end before it copies"),
])
def test_the_analysis_refuses_what_a_queue_would_change(steps, reason):
    assert reason in event_delays.analyse(_syn(*steps, ST=('s', 'mute')))


def test_the_analysis_accepts_a_delayed_step_that_updates_a_field_of_its_own_at_events():
    form = event_delays.analyse(COUNTING)
    assert isinstance(form, event_delays.EventDelay) and form.static == ('w',) and form.scales == {'s': 1.0}
    assert "reads it" in event_delays.analyse(_syn(counting_copy, halving_arrival, ST=('s', 'c')))
    assert "does something when the event fields are 0" in \
        event_delays.analyse(_syn(counting_copy, counting_always, ST=('s', 'c')))


@pytest.mark.parametrize("delays", [0.5, [0.2, 0.5, 0.9]], ids=["one delay", "per synapse"])
def test_a_delayed_step_updating_its_own_field_through_a_queue_equals_the_delay_line(jit, line_only, delays):
    runs = []
    for queued in (True, False):
        if not queued:
            line_only()
        net, group = queue_network(COUNTING, delays)
        counts = []
        for _ in range(3):  # the queue's events carry over the calls
            net.advance(10.)
            counts.append(net.objects[1].ST['c'].copy())
        runs.append((uses_queue(net, net.objects[1]), _spikes(group), counts))
    assert runs[0][0] and not runs[1][0]
    assert runs[0][1].sum() > 20 and runs[0][2][-1].max() > 0.5
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    for queued, line in zip(runs[0][2], runs[1][2]):
        np.testing.assert_array_equal(queued, line)


def test_the_models_ampa_keeps_its_delay_line():
    assert "not a copy" in event_delays.analyse(bp.models.get_AMPA1())


def test_a_per_synapse_weight_parameter_keeps_the_delay_line():
    bp.profile.set(jit=False)
    net, _ = _network()
    net.objects[1].pars['w'] = np.full(net.objects[1].num, 0.25)
    net.run(1.)
    assert not uses_queue(net, net.objects[1])


def test_routes_group_synapses_by_source_then_delay():
    pre = np.array([3, 1, 3, 1, 3, 0])
    steps = np.array([2, 1, 1, 1, 2, 3])
    routes = make_routes(pre, steps, parent_size=5)
    assert routes.sources.tolist() == [0, 1, 3] and (routes.shortest, routes.longest) == (1, 3)
    rows = [routes.synapses[routes.ptr[r]:routes.ptr[r + 1]].tolist() for r in range(routes.ptr.size - 1)]
    # source 0: delays 1, 2, 3; source 1: ...; source 3: ...
    assert rows == [[], [], [5], [1, 3], [], [], [2], [0, 4], []]
    assert routes.lookup.tolist() == [0, 1, -1, 2, -1]


@pytest.mark.parametrize("steps", [np.full(8, 2), np.array([1, 2, 1, 2, 2, 1, 3, 3])])
def test_routes_of_synapses_already_in_order_are_the_sorted_ones(steps):
    # synapses ordered by (source, delay) skip the sort: the same routes as from any order
    pre = np.array([0, 0, 2, 2, 2, 4, 4, 4])
    order = np.lexsort((steps, pre))
    ordered = make_routes(pre[order], steps[order], parent_size=5)
    shuffled = np.array([5, 0, 7, 2, 1, 6, 3, 4])
    mixed = make_routes(pre[order][shuffled], steps[order][shuffled], parent_size=5)
    np.testing.assert_array_equal(ordered.ptr, mixed.ptr)
    np.testing.assert_array_equal(ordered.lookup, mixed.lookup)
    np.testing.assert_array_equal(ordered.synapses, np.arange(8))
    for lo, hi in zip(ordered.ptr[:-1], ordered.ptr[1:]):  # each (source, delay) row reaches the same synapses
        assert sorted(shuffled[mixed.synapses[lo:hi]]) == ordered.synapses[lo:hi].tolist()


@pytest.mark.parametrize("delay, match", [
    (np.array([1., -1.]), "negative"),
    (np.array([[1.]]), "one-dimensional"),
    (np.ones(3), "3 delays"),
])
def test_bad_delay_arrays_are_refused(delay, match):
    group = bp.NeuGroup(NEURON, 2)
    with pytest.raises(ModelUseError, match=match):
        bp.SynConn(SYNAPSE, pre_group=group, post_group=group, conn=bp.connect.All2All(), delay=delay)


def test_float32_state_queues_equal_the_delay_line(line_only):
    bp.profile.set(jit=False, float_type='float32')
    net, group = _network()
    net.run(10.)
    queued = _spikes(group)
    assert uses_queue(net, net.objects[1]) and net.objects[1].ST['s'].dtype == np.float32
    line_only()
    ref, ref_group = _network()
    ref.run(10.)
    assert queued.sum() > 10
    np.testing.assert_array_equal(queued, _spikes(ref_group))


def test_unmonitored_spikes_are_found_by_scanning_the_presynaptic_neurons(jit, line_only):
    """Without a spike monitor there is no event list to follow: the queue scans its source neurons."""
    net, group = _network(monitors=('V',))
    net.run(8.)
    assert "_q_src" in net.code and "_q_lookup" not in net.code
    line_only()
    ref, ref_group = _network(monitors=('V',))
    ref.run(8.)
    assert (np.diff(ref_group.mon.V, axis=0) < -0.5).sum() > 10  # resets: neurons fired
    np.testing.assert_array_equal(group.mon.V, ref_group.mon.V)


@pytest.mark.parametrize("taken", ["before the first run", "with events on their way"])
def test_restoring_a_snapshot_runs_on_the_same_kernel_and_repeats_the_run(taken):
    # restore puts the queue's events (saved, or started again from the state) into the queue the kernel reads
    net, group = _network(delay_exc=1.0)
    if taken != "before the first run":
        net.run(2.)
    snap = net.snapshot()
    net.advance(4.)
    first = _spikes(group)
    builds = net.build_count
    for _ in range(2):
        net.restore(snap)
        net.advance(4.)
        np.testing.assert_array_equal(_spikes(group), first)
    assert net.build_count == builds
    assert first.sum() > 10
