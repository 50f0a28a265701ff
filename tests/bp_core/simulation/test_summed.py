"""Summed variables (``SynType(summed=...)``): the sum over synapses, its order-independent timing, its errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bp_core as bp
from bp_core.errors import ModelDefError, ModelUseError

DT = 0.1
STEPS = 12


def _neuron():
    def update(ST, _t):
        ST['v'] += (ST['g'] - ST['v']) * 0.2

    return bp.NeuType('Leaky', bp.types.NeuState('v', 'g'), update, mode='vector')


def _synapse(mode='vector'):
    # the synapses read no other object, so only the summed variable's timing could make the order matter
    def update(ST, _t):
        ST['s'] = ST['s'] * 0.8 + ST['w'] * (1. + _t)

    return bp.SynType('Decay', bp.types.SynState('s', 'w'), update, mode=mode, summed={'g': 's'})


def _network(order, mode='vector'):
    """Pre (5) -> post (7) at random, weights per synapse; returns the network and its objects by name."""
    rng = np.random.default_rng(3)
    neuron = _neuron()
    pre = bp.NeuGroup(neuron, 5, monitors=['v'])
    post = bp.NeuGroup(neuron, 7, monitors=['g', 'v'])
    i = rng.integers(0, 5, 30)
    j = rng.integers(0, 6, 30)  # neuron 6 has no synapse: its sum is 0
    syn = bp.SynConn(_synapse(mode), pre_group=pre, post_group=post, conn=(i, j), monitors=['s'])
    syn.ST['w'] = rng.uniform(0.1, 1.0, syn.num)
    syn.ST['s'] = rng.uniform(0., 1., syn.num)  # the first step's sum is of the initial state
    pre.ST['v'] = rng.uniform(0., 1., 5)
    pre.ST['g'] = 0.5
    objects = {'pre': pre, 'syn': syn, 'post': post}
    return bp.Network(*(objects[name] for name in order)), objects


@pytest.mark.parametrize("mode", ["vector", "scalar"])
def test_summed_field_is_the_sum_over_synapses(jit, mode):
    bp.profile.set(dt=DT)
    net, o = _network(('pre', 'syn', 'post'), mode)
    s0 = o['syn'].ST['s'].copy()
    net.run(STEPS * DT)
    syn, post = o['syn'], o['post']
    s = np.vstack([s0, syn.mon.s[:-1]])  # the synapse state each step starts from
    expected = np.array([np.bincount(syn.post_ids, weights=row, minlength=7) for row in s])
    assert np.abs(s).max() > 0.5  # the synapses carry something to sum
    np.testing.assert_allclose(post.mon.g, expected, rtol=0, atol=1e-12)
    assert np.all(post.mon.g[:, 6] == 0.)


def test_result_does_not_depend_on_network_order():
    bp.profile.set(dt=DT, jit=False)
    runs = []
    for order in [('pre', 'syn', 'post'), ('post', 'syn', 'pre'), ('syn', 'post', 'pre')]:
        net, o = _network(order)
        net.run(STEPS * DT)
        runs.append((o['post'].mon.v.copy(), o['post'].mon.g.copy(), o['syn'].mon.s.copy()))
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            np.testing.assert_array_equal(a, b)
    # and the value follows the documented timing: neurons at step k read the sum of the synapse state after the
    # synapse steps of step k - 1 (a NumPy reference of the whole network)
    _, o = _network(('pre',))
    syn = o['syn']
    s, w = syn.ST['s'].copy(), syn.ST['w'].copy()
    v_post = np.zeros(7)
    for k in range(STEPS):
        g_post = np.bincount(syn.post_ids, weights=s, minlength=7)
        s = s * 0.8 + w * (1. + k * DT)
        v_post += (g_post - v_post) * 0.2
        np.testing.assert_allclose(runs[0][0][k], v_post, rtol=0, atol=1e-12)


def test_sums_of_several_synconns_add_up_over_subgroups():
    bp.profile.set(dt=DT, jit=False)
    neuron = _neuron()
    pre = bp.NeuGroup(neuron, 4)
    post = bp.NeuGroup(neuron, 6, monitors=['g'])
    first = bp.SynConn(_synapse(), pre_group=pre, post_group=post[0:4], conn=bp.connect.All2All())
    second = bp.SynConn(_synapse(), pre_group=pre, post_group=post[np.array([1, 3, 5])], conn=bp.connect.All2All())
    first.ST['w'], second.ST['w'] = 1., 10.
    net = bp.Network(pre, first, second, post)
    net.run(3 * DT)
    expected = (np.bincount(first.post_ids, weights=first.ST['s'], minlength=6)
                + np.bincount(second.post_ids, weights=second.ST['s'], minlength=6))
    assert np.all(expected[[1, 3]] > 0) and np.all(expected[[0, 2]] > 0)
    # the last step's sum was taken before the synapses' last step: undo that step (s = 0.8 s' + w (1 + t))
    t_last = 2 * DT
    before = {c: (c.ST['s'] - c.ST['w'] * (1. + t_last)) / 0.8 for c in (first, second)}
    expected = sum(np.bincount(c.post_ids, weights=before[c], minlength=6) for c in (first, second))
    np.testing.assert_allclose(post.mon.g[-1], expected, rtol=0, atol=1e-12)


def _syn_type(summed, requires=None, mode='vector'):
    def update(ST, _t):
        ST['s'] *= 0.5

    return bp.SynType('Bad', bp.types.SynState('s'), update, mode=mode, summed=summed, requires=requires)


@pytest.mark.parametrize("summed, requires, match", [
    ({'g': 'x'}, None, r"summed of SynType 'Bad'\['g'\] names 'x', which is not a field of the synapse state"),
    ({'g': 'v'}, {'post': bp.types.NeuState('v', 'g')}, r"'v', a field of the postsynaptic state"),
    ({'s': 's'}, {'post': bp.types.NeuState('v', 'g')}, r"key 's', a field of the synapse state"),
    ({'h': 's'}, {'post': bp.types.NeuState('v', 'g')}, r"key 'h', which requires\['post'\] does not declare"),
    (['g', 's'], None, r"must be a dict of postsynaptic field -> synapse field"),
    ({'g': 3}, None, r"synapse field \(value\) must be a field name"),
])
def test_bad_declarations_name_the_model_and_field(summed, requires, match):
    with pytest.raises(ModelDefError, match=match):
        _syn_type(summed, requires)


def test_step_storing_into_the_summed_field_is_refused():
    def hand_built(ST, post, post_ids):
        post['g'][post_ids] += ST['s']

    with pytest.raises(ModelDefError, match=r"step function 'hand_built' of model 'Twice' stores into post\['g'\], "
                                            r"which summed of SynType"):
        bp.SynType('Twice', bp.types.SynState('s'), hand_built, mode='vector', summed={'g': 's'})


def test_matrix_mode_is_refused_with_the_fix():
    with pytest.raises(ModelDefError, match=r"matrix mode write the column sum in a step"):
        _syn_type({'g': 's'}, mode='matrix')


def test_postsynaptic_field_checked_when_the_network_is_built():
    bp.profile.set(jit=False)
    neuron = _neuron()
    pre, post = bp.NeuGroup(neuron, 2), bp.NeuGroup(neuron, 3)
    for key, match in (('q', r"names 'q', which the postsynaptic group's state does not have"),
                       ('s', r"names 's', a field of the synapse state, not of the postsynaptic group")):
        syn = bp.SynConn(_syn_type({key: 's'}), pre_group=pre, post_group=post, conn=bp.connect.All2All())
        with pytest.raises(ModelUseError, match=match):
            bp.Network(pre, syn, post).run(DT)


def test_post_state_of_another_shape_is_refused():
    bp.profile.set(jit=False)
    neuron = _neuron()
    pre, post = bp.NeuGroup(neuron, 2), bp.NeuGroup(neuron, 3)
    syn = bp.SynConn(_syn_type({'g': 's'}), pre_group=pre, post_group=post, conn=bp.connect.All2All())
    syn.post = bp.types.NeuState('v', 'g')(5)
    with pytest.raises(ModelUseError, match=r"post state was replaced"):
        bp.Network(pre, syn, post).run(DT)


def test_synconn_made_with_num_is_refused():
    bp.profile.set(jit=False)
    neuron = _neuron()
    pre, post = bp.NeuGroup(neuron, 2), bp.NeuGroup(neuron, 3)
    syn = bp.SynConn(_syn_type({'g': 's'}), num=6)
    syn.pre, syn.post = pre.ST, post.ST
    with pytest.raises(ModelUseError, match=r"made with num=\.\.\., so its synapses have no known postsynaptic"):
        bp.Network(pre, syn, post).run(DT)


def test_float32_state_sums_in_its_own_type(jit):
    bp.profile.set(dt=DT, float_type='float32')
    net, o = _network(('post', 'syn', 'pre'))
    s0 = o['syn'].ST['s'].copy()
    net.run(3 * DT)
    assert o['post'].ST['g'].dtype == np.float32
    expected = np.bincount(o['syn'].post_ids, weights=s0, minlength=7)
    np.testing.assert_allclose(o['post'].mon.g[0], expected, rtol=1e-6)


def test_gpu_target_refuses_summed_variables_with_the_fix():
    from unittest import mock

    from bp_core.codegen.device_plan import device_plan
    from bp_core.simulation.network import Network

    bp.profile.set(jit=False)
    net, _ = _network(('pre', 'syn', 'post'))
    calls = []
    with mock.patch.object(Network, "_call", lambda self, kernel, plan, args: calls.append(plan) or (0, 0, 0, 0)):
        net.run(DT)
    listing = str(calls[-1].operations)  # the kernel's operations: the sums open each step, clears first
    assert listing.index("summed variables:") < listing.index("clear_summed") < listing.index("add_summed") \
        < listing.index("call_step")
    with pytest.raises(ModelUseError, match=r"summed variables \(\['g'\]\) cannot run on the GPU yet.*device='cpu'"):
        device_plan(calls[-1], None, check_finite=True)


def test_field_a_spike_queue_stands_for_is_refused():
    bp.profile.set(jit=False, dt=DT)

    def copy_spike(ST, pre):
        ST['s'] = pre['spike']

    @bp.delayed
    def deliver(ST, post):
        post['v'] += 0.25 * ST['s']

    def fire(ST):
        ST['spike'] = 1.

    neuron = bp.NeuType('firing', bp.types.NeuState('v', 'g', 'spike'), fire, mode='scalar')
    model = bp.SynType('queued', bp.types.SynState(['s']), (copy_spike, deliver), mode='scalar', summed={'g': 's'})
    group = bp.NeuGroup(neuron, 3)
    syn = bp.SynConn(model, pre_group=group, post_group=group, conn=bp.connect.All2All(), delay=0.3)
    with pytest.raises(ModelUseError, match=r"reads ST\['s'\], a field its spike queue stands for"):
        bp.Network(group, syn).run(DT)


def test_monitor_of_a_summed_field_its_neuron_clears_keeps_the_values():
    # the neuron's own step only sets 'g' to 0, so alone it would be recorded as events (of value 1) without values
    bp.profile.set(jit=False, dt=DT)

    def clear_late(ST, _t):
        ST['v'] += ST['g']
        if _t > 0.25:
            ST['g'] = 0.

    neuron = bp.NeuType('clearing', bp.types.NeuState('v', 'g'), clear_late, mode='vector')
    assert 'g' in neuron.binary_fields
    pre, post = bp.NeuGroup(neuron, 2), bp.NeuGroup(neuron, 3, monitors=['g'])
    syn = bp.SynConn(_synapse(), pre_group=pre, post_group=post, conn=bp.connect.All2All())
    syn.ST['w'] = 0.5
    bp.Network(pre, syn, post).run(5 * DT)
    s = [0.]
    for k in range(4):
        s.append(s[-1] * 0.8 + 0.5 * (1. + k * DT))
    expected = np.array([[2. * s[k]] * 3 if k < 3 else [0.] * 3 for k in range(5)])
    np.testing.assert_allclose(post.mon.g, expected, rtol=0, atol=1e-12)


def test_post_group_of_two_dimensions_gets_the_sums_at_its_flat_positions(jit):
    bp.profile.set(dt=DT)
    neuron = _neuron()
    pre, post = bp.NeuGroup(neuron, 4), bp.NeuGroup(neuron, geometry=(2, 3), monitors=['g'])
    i, j = np.array([0, 1, 2, 3, 3]), np.array([0, 5, 5, 2, 4])
    syn = bp.SynConn(_synapse(), pre_group=pre, post_group=post, conn=(i, j))
    syn.ST['s'] = [1., 2., 4., 8., 16.]
    bp.Network(pre, syn, post).run(DT)
    np.testing.assert_array_equal(np.ravel(post.mon.g[0]), [1., 0., 8., 0., 16., 6.])


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_property_sums_over_random_synapses_subgroups_and_orders(data):
    """Random connectivity onto a random subgroup (a range or listed neurons), maybe a second SynConn onto the whole
    group, objects in a random order: each step's field equals the NumPy sum of the SynConns' synapse state on the
    neurons they cover, and keeps its own value elsewhere."""
    bp.profile.set(jit=False, dt=DT)
    n_pre, n_post = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 8))
    neuron = _neuron()
    pre, post = bp.NeuGroup(neuron, n_pre), bp.NeuGroup(neuron, n_post, monitors=['g'])
    members = data.draw(st.lists(st.integers(0, n_post - 1), min_size=1, max_size=n_post, unique=True))
    target = post[np.array(members)] if data.draw(st.booleans()) else post[min(members):max(members) + 1]
    post.ST['g'] = 7.
    synapses = []
    for group in (target, post)[:data.draw(st.integers(1, 2))]:
        size = data.draw(st.integers(0, 12))
        i = np.array(data.draw(st.lists(st.integers(0, n_pre - 1), min_size=size, max_size=size)), dtype=int)
        j = np.array(data.draw(st.lists(st.integers(0, group.num - 1), min_size=size, max_size=size)), dtype=int)
        syn = bp.SynConn(_synapse(), pre_group=pre, post_group=group, conn=(i, j), monitors=['s'])
        syn.ST['w'] = data.draw(st.lists(st.floats(-2., 2.), min_size=size, max_size=size)) if size else 0.
        synapses.append(syn)
    objects = data.draw(st.permutations([pre, post, *synapses]))
    bp.Network(*objects).run(4 * DT)
    expected = np.zeros((4, n_post))
    covered = np.zeros(n_post, dtype=bool)
    for syn in synapses:
        covered[np.asarray(syn.post_group.indices).ravel()] = True
        start = np.vstack([np.zeros(syn.num), np.asarray(syn.mon.s).reshape(4, syn.num)[:-1]])
        expected += np.array([np.bincount(syn.post_ids, weights=row, minlength=n_post) for row in start])
    expected[:, ~covered] = 7.
    np.testing.assert_allclose(post.mon.g, expected, rtol=0, atol=1e-12)
