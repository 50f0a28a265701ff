"""Python a step may hold: translated as Python means it on both backends, or refused naming the line."""

import inspect

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError

STATE = bp.types.NeuState({'V': 0., 'w': 0.})


def line_of(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


def group(step, mode, n=3):
    return bp.NeuGroup(bp.NeuType(name='Odd', ST=STATE, steps=step, mode=mode), n)


def with_a_lambda(ST, _t):
    double = lambda x: 2. * x  # noqa: E731
    ST['V'] = double(ST['V']) + 1.


def with_a_generator_expression(ST, _t):
    ST['V'] = ST['V'] + sum(k * 1. for k in range(3))


@pytest.mark.parametrize("mode", ["scalar", "vector"])
@pytest.mark.parametrize("step, text, words", [
    (with_a_lambda, "lambda x", "defines a lambda"),
    (with_a_generator_expression, "for k in range(3))", "has a generator expression"),
])
def test_what_compiled_code_cannot_run_is_refused_at_its_line_on_both_backends(step, text, words, mode, jit):
    with pytest.raises(ModelDefError) as info:
        group(step, mode).run(0.2)
    message = str(info.value)
    assert f"step function {step.__name__!r} of model 'Odd' {words} ({__file__}, line {line_of(step, text)})" \
        in message


def with_a_list_comprehension(ST, _t):
    ST['V'] = ST['V'] + sum([k * 1. for k in range(3)])


def test_a_list_comprehension_still_runs(jit):
    g = group(with_a_list_comprehension, "scalar")
    g.run(0.2)
    np.testing.assert_array_equal(g.ST['V'], [6., 6., 6.])


def adds_its_reverse(ST, _t):
    ST['V'] += ST['V'][::-1]


def adds_its_left_neighbour(ST, _t):
    ST['V'][1:] += ST['V'][:-1]


def multiplies_by_a_named_view(ST, _t):
    v = ST['V']
    reversed_v = v[::-1]
    v *= reversed_v


def subtracts_its_flip(ST, _t):
    ST['V'] -= np.flip(ST['V'])


def adds_itself_and_a_scaled_copy(ST, _t):
    ST['V'] += ST['V']
    ST['w'] += 0.5 * ST['w'][::-1]


def numpy_reference(step, values, steps):
    state = {key: np.array(v, dtype=float) for key, v in values.items()}
    # a spec ST row is a view: the reference updates arrays in place as the engine does
    for _ in range(steps):
        step(state, 0.)
    return state


@pytest.mark.parametrize("step", [adds_its_reverse, adds_its_left_neighbour, multiplies_by_a_named_view,
                                  subtracts_its_flip, adds_itself_and_a_scaled_copy])
def test_an_in_place_update_reading_a_view_of_its_target_gives_numpys_result(step, jit):
    values = {'V': [0., 1., 2.5, -1.5], 'w': [0.5, -1., 3., 2.]}
    expected = numpy_reference(step, values, steps=3)
    g = group(step, "vector", n=4)
    for key, v in values.items():
        g.ST[key] = v
    g.run(0.3)
    for key in values:
        np.testing.assert_allclose(g.ST[key], expected[key], rtol=1e-12, err_msg=key)


def test_updates_that_cannot_overlap_are_not_copied():
    net = bp.Network(group(adds_itself_and_a_scaled_copy, "vector"))
    net.run(0.1)
    assert "fresh_copy" not in net.code  # a += a, and arithmetic, make no copy
    net = bp.Network(group(adds_its_reverse, "vector"))
    net.run(0.1)
    assert "fresh_copy(" in net.code
