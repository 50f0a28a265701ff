"""The finiteness check of a run's inputs reads a large input once, with no mask of its size, and still refuses
what it refused."""

import tracemalloc

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError

STATE = bp.types.NeuState({'V': 0., 'input': 0.})


def leak(ST, _t):
    ST['V'] += ST['input'] - 0.1 * ST['V']
    ST['input'] = 0.


def group(n):
    return bp.NeuGroup(bp.NeuType(name='Leak', ST=STATE, steps=leak, mode='vector'), n)


def test_a_finite_input_of_one_value_per_step_and_element_is_checked_without_a_mask_of_its_size():
    from bp_core.simulation.inputs import format_inputs
    g = group(1000)
    value = np.random.RandomState(0).randn(2000, 1000)  # 16 MB: a mask of it would be 2 MB
    tracemalloc.start()
    try:
        format_inputs((g, 'ST.input', value), [g], 2000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < value.size // 8


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_value_hidden_among_values_whose_sum_overflows_is_still_found(bad, jit):
    g = group(3)
    value = np.full((4, 3), 1e308)  # the sum overflows: the exact check decides
    value[2, 1] = bad
    with pytest.raises(ModelUseError, match=r"holds .*at index \(2, 1\)"):
        g.run(0.4, inputs=('ST.input', value, '='))


def test_finite_values_whose_sum_overflows_are_accepted(jit):
    g = group(3)
    g.run(0.1, inputs=('ST.input', np.array([[1e308, 1e308, 1e308]]), '='))  # one step, sum 3e308
    np.testing.assert_array_equal(g.ST['V'], 1e308)
