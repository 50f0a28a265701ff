"""A field an input sets to one value per step is read once per step (``passes.uniform_fields``): the same state
bit for bit as reading it per element, and per-element reads where something else may make its elements differ
(a step writing it, a second input, an input that adds, a step running before the input)."""

import re

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError

N, DURATION, DT = 7, 3., 0.1
STEPS = int(round(DURATION / DT))


def _bar(ST, _t):
    # what depends on the direction alone is the same for every element
    across = ST['x'] * np.cos(ST['direction']) + np.sin(ST['direction']) / (1. + ST['direction'] ** 2)
    ST['out'] = across
    ST['spike'] = 0.
    if across > 0.2:
        ST['spike'] = 1.


def _reader(ST, _t, pre, post):
    post['got'] += pre['direction'] * ST['w']


_STATE = {'direction': 0., 'x': 0., 'out': 0., 'spike': 0., 'got': 0.}


def _network(case: str, per_element: bool):
    """The bar group, its input (a per-step series given as one value per step, or the same values per element),
    and what the case adds. Returns the network, its groups and the inputs."""
    series = np.linspace(-2., 3., STEPS)
    value = np.repeat(series[:, None], N, axis=1) if per_element else series
    steps = [_bar]
    if case == 'step writes it':
        def writes(ST, _t):
            ST['direction'] = ST['direction'] * 1.5
        steps = [_bar, writes]
    model = bp.NeuType(name='UniformBar', ST=bp.types.NeuState(_STATE), steps=steps, mode='scalar')
    group = bp.NeuGroup(model, N, monitors=['spike'])
    group.ST['x'] = np.linspace(-1., 1., N)
    group.ST['direction'] = np.arange(N) * 0.3  # differs per element until the input first sets it
    inputs = [(group, 'ST.direction', value, '=')]
    if case == 'second input':
        inputs.append((group, 'ST.direction', np.linspace(0., .5, N), '+'))
    if case == 'input adds':
        inputs = [(group, 'ST.direction', value, '+')]
    objects = [group]
    if case in ('synapse before', 'synapse after'):
        syn_model = bp.SynType(name='UniformReader', ST=bp.types.SynState({'w': 1.}), steps=_reader, mode='scalar')
        syn = bp.SynConn(syn_model, pre_group=group, post_group=group, conn=bp.connect.All2All(include_self=True))
        syn.ST['w'] = np.linspace(.1, 1., syn.num)
        objects = [syn, group] if case == 'synapse before' else [group, syn]
    return bp.Network(*objects), group, inputs


CASES = ['alone', 'synapse after', 'synapse before', 'step writes it', 'second input', 'input adds']
READ_ONCE = {'alone': ['bar'], 'synapse after': ['bar', 'reader'], 'synapse before': ['bar']}
"""The generated functions (by the model's name in them) that read the direction once per step, in each case."""


def _run(case: str, per_element: bool):
    with bp.profile.override(dt=DT):
        net, group, inputs = _network(case, per_element)
        net.run(DURATION, inputs=inputs)
    return net, group


def _read_once(code: str) -> set[str]:
    """The generated step functions that read the direction once, by the name of their model's step."""
    found = set()
    for function in re.split(r"^def ", code, flags=re.M)[1:]:
        header = function.split("\n", 1)[0]
        if "_u_direction = " in function:
            found.add("reader" if "_reader(" in header else "bar")
    return found


@pytest.mark.parametrize("case", CASES)
def test_reading_once_gives_the_per_element_result_bit_for_bit(jit, case):
    net, group = _run(case, per_element=False)
    reference_net, reference = _run(case, per_element=True)
    assert _read_once(net.code) == set(READ_ONCE.get(case, []))
    assert _read_once(reference_net.code) == set()  # one value per element: read per element
    for key in _STATE:
        np.testing.assert_array_equal(group.ST[key], reference.ST[key], err_msg=key)
    np.testing.assert_array_equal(group.mon.spike, reference.mon.spike)


def test_work_on_the_uniform_value_moves_before_the_element_loop():
    with bp.profile.override(dt=DT, jit=True):
        net, group, inputs = _network('alone', per_element=False)
        net.build(DURATION, inputs=inputs)
    step = net.code.split("def run_kernel")[0]
    before_loop = step.split("for _obj_i in")[0]
    assert "np.cos(" in before_loop and "np.sin(" in before_loop
    assert "np.cos(" not in step.split("for _obj_i in")[1]


def _gain_reader(ST, _t, pre, post):
    post['got'] += ST['gain'] * pre['x']


def test_an_object_without_elements_is_not_read():
    """A SynConn whose connector made no synapse: there is no element to read the value from."""
    model = bp.NeuType(name='UniformGroup', ST=bp.types.NeuState(_STATE), steps=_bar, mode='scalar')
    syn_model = bp.SynType(name='UniformGain', ST=bp.types.SynState({'gain': 0.}), steps=_gain_reader, mode='scalar')
    with bp.profile.override(dt=DT):
        group = bp.NeuGroup(model, N)
        syn = bp.SynConn(syn_model, pre_group=group, post_group=group, conn=(np.zeros(0, int), np.zeros(0, int)))
        net = bp.Network(group, syn)
        net.run(DURATION, inputs=[(syn, 'ST.gain', np.linspace(-2., 3., STEPS), '=')])
    assert syn.num == 0 and "_u_gain" not in net.code
    np.testing.assert_array_equal(group.ST['got'], 0.)


def test_a_field_only_an_input_sets_is_not_checked_at_every_step(jit):
    # the input's values are checked before the run; the field holds nothing else
    series = np.linspace(-2., 3., STEPS)
    series[12] = np.nan
    with bp.profile.override(dt=DT):
        net, group, _ = _network('alone', per_element=False)
        with pytest.raises(ModelUseError, match=r"input 'ST.direction' .* holds nan at index \(12,\)"):
            net.run(DURATION, inputs=[(group, 'ST.direction', series, '=')])
        net.run(DURATION, inputs=[(group, 'ST.direction', np.nan_to_num(series), '=')])
    assert "any_nonfinite(NeuGroup0_ST_direction)" not in net.code
    # an input that adds may overflow the field: checked
    with bp.profile.override(dt=DT):
        net, group, inputs = _network('input adds', per_element=False)
        net.run(DURATION, inputs=inputs)
    assert "any_nonfinite(NeuGroup0_ST_direction)" in net.code
