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
