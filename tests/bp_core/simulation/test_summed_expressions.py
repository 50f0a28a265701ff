"""Summed variables of an expression of one synapse (``summed={'I_gap': "ST['w'] * (pre['V'] - post['V'])"}``)."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError, ModelUseError

DT = 0.1
N = 6


def _leaky(ST, _t):
    ST['V'] += 0.1 * (ST['I_ext'] - ST['V'] + ST['I_gap'])


def _age(ST):
    ST['age'] += 1.


NEURON = bp.NeuType('leaky', bp.types.NeuState('V', 'I_ext', 'I_gap'), _leaky, mode='vector')


def _gap(expression, mode='vector'):
    return bp.SynType('gap', bp.types.SynState('w', 'age'), _age, mode=mode, summed={'I_gap': expression})


def _network(order, expression, mode='vector', pre_slice=None):
    rng = np.random.default_rng(5)
    group = bp.NeuGroup(NEURON, N, monitors=['V', 'I_gap'])
    group.ST['V'] = rng.uniform(-1., 1., N)
    group.ST['I_ext'] = np.linspace(0., 2., N)
    pre = group if pre_slice is None else group[pre_slice]
    i, j = rng.integers(0, pre.num, 15), rng.integers(0, N, 15)
    gap = bp.SynConn(_gap(expression, mode), pre_group=pre, post_group=group, conn=(i, j))
    gap.ST['w'] = rng.uniform(0., 0.5, gap.num)
    objects = {'group': group, 'gap': gap}
    return bp.Network(*(objects[name] for name in order)), group, gap


@pytest.mark.parametrize("mode", ["vector", "scalar"])
def test_gap_junction_expression_equals_a_numpy_reference_in_any_order(jit, mode):
    bp.profile.set(dt=DT)
    text = "ST['w'] * (pre['V'] - post['V'])"
    runs = []
    for order in [('group', 'gap'), ('gap', 'group')]:
        net, group, gap = _network(order, text, mode)
        V, w, i, j = group.ST['V'].copy(), gap.ST['w'].copy(), gap.pre_ids, gap.post_ids
        net.run(10 * DT)
        runs.append(group.mon.V.copy())
    for k in range(10):
        I_gap = np.bincount(j, weights=w * (V[i] - V[j]), minlength=N)
        V = V + 0.1 * (np.linspace(0., 2., N) - V + I_gap)
        np.testing.assert_allclose(runs[0][k], V, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert np.abs(group.mon.I_gap).max() > 0.05  # the coupling acts


def test_expression_with_np_functions_over_a_presynaptic_subgroup():
    bp.profile.set(dt=DT, jit=False)
    text = "np.tanh(pre['V']) * ST['w'] + 0.5 * ST['age']"
    net, group, gap = _network(('gap', 'group'), text, pre_slice=slice(2, 5))
    V, w, age = group.ST['V'].copy(), gap.ST['w'].copy(), gap.ST['age'].copy()
    net.run(DT)
    expected = np.bincount(gap.post_ids, weights=np.tanh(V[gap.pre_ids]) * w + 0.5 * age, minlength=N)
    assert gap.pre_ids.min() >= 2  # positions in the whole group
    np.testing.assert_allclose(group.mon.I_gap[0], expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("text, match", [
    ("ST['w'] * V", r"names 'V'; an expression reads fields as ST\['x'\]"),
    ("ST['w'][0]", r"indexes ST\['w'\]\[0\]; write a field as"),
    ("len(ST['w'])", r"calls len; only np functions"),
    ("ST['w'] > 0.", r"uses Compare"),
    ("ST['q'] * 2.", r"reads ST\['q'\], which the synapse state does not have"),
    ("2. + 3.", r"reads no field"),
    ("ST['w'] +", r"neither a synapse field name nor a Python expression"),
])
def test_bad_expressions_are_refused_naming_the_declaration(text, match):
    with pytest.raises(ModelDefError, match=r"summed of SynType 'gap'\['I_gap'\].*" + match):
        _gap(text)


def test_field_the_neurons_lack_is_refused_when_the_network_is_built():
    bp.profile.set(jit=False)
    net, _, _ = _network(('group', 'gap'), "ST['w'] * pre['U']")
    with pytest.raises(ModelUseError, match=r"reads pre\['U'\], which the presynaptic group's state does not have"):
        net.run(DT)


def test_expression_reading_a_summed_field_of_its_presynaptic_side_sees_the_last_value(jit):
    # a recurrent SynConn whose expression reads the field it sums into, on both sides: every expression is
    # evaluated before any field is cleared, so it reads the previous step's sum
    bp.profile.set(dt=DT)
    model = bp.SynType('echo', bp.types.SynState('w', 'age'), _age, mode='vector',
                       summed={'I_gap': "0.5 * ST['w'] * pre['I_gap'] - 0.1 * post['I_gap'] + ST['w']"})
    group = bp.NeuGroup(NEURON, 4, monitors=['I_gap'])
    i, j = np.array([0, 1, 2, 3, 3]), np.array([1, 2, 3, 0, 1])
    syn = bp.SynConn(model, pre_group=group, post_group=group, conn=(i, j))
    syn.ST['w'] = [0.5, 1., 1.5, 2., 2.5]
    bp.Network(syn, group).run(5 * DT)
    I_gap, w = np.zeros(4), syn.ST['w']
    for k in range(5):
        I_gap = np.bincount(j, weights=0.5 * w * I_gap[i] - 0.1 * I_gap[j] + w, minlength=4)
        np.testing.assert_allclose(group.mon.I_gap[k], I_gap, rtol=0, atol=1e-12)
    assert group.mon.I_gap[-1].max() > 5.


@pytest.mark.parametrize("mode", ["vector", "scalar"])
def test_compiled_expression_sum_is_one_loop_equal_bit_for_bit_to_the_array_form(mode):
    # compiled, the expression is evaluated and added synapse by synapse in one loop; plain NumPy evaluates it
    # as an array and sums it with np.bincount, in the same order: the sums agree bit for bit
    text = "ST['w'] * (pre['V'] - post['V']) + np.exp(-ST['w'])"
    runs, kernels = [], []
    for jit in (True, False):
        bp.profile.set(dt=DT, jit=jit)
        net, group, gap = _network(('group', 'gap'), text, mode)
        V, w, i, j = group.ST['V'].copy(), gap.ST['w'].copy(), gap.pre_ids, gap.post_ids
        net.run(10 * DT)
        runs.append(group.mon.I_gap.copy())
        kernels.append(net.kernel_text('cpu'))
    assert "fused_sum" in kernels[0] and "fused_sum" not in kernels[1]
    np.testing.assert_array_equal(runs[0], runs[1])
    first = np.bincount(j, weights=w * (V[i] - V[j]) + np.exp(-w), minlength=N)
    np.testing.assert_allclose(runs[0][0], first, rtol=0, atol=1e-12)
    assert np.abs(runs[0]).max() > 0.05


def test_expression_reading_a_summed_field_is_not_fused():
    # one loop would read a sum it is adding to; the array is evaluated before any field is cleared
    bp.profile.set(dt=DT, jit=True)
    net, _, _ = _network(('group', 'gap'), "ST['w'] * pre['I_gap']")
    net.run(DT)
    text = net.kernel_text('cpu')
    assert "add_summed" in text and "fused_sum" not in text
