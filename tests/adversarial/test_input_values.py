"""Input values that could only end a run with a NaN or infinite state are refused before it starts, and the
state the group had is kept."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError

STATE = bp.types.NeuState({'V': 0., 'input': 0.})


def leak(ST, _t):
    ST['V'] += ST['input'] - 0.1 * ST['V']
    ST['input'] = 0.


def group():
    return bp.NeuGroup(bp.NeuType(name='Leak', ST=STATE, steps=leak, mode='vector'), 3, monitors=['V'])


@pytest.mark.parametrize("key, value, op, words", [
    ('ST.input', None, '+', "holds no number"),
    ('ST.input', np.nan, '+', "holds nan"),
    ('ST.input', -np.inf, '+', "holds -inf"),
    ('ST.input', [1., np.nan, 1.], '+', "holds nan at index (1,)"),
    ('ST.input', np.array([[1., 1., 1.], [1., np.inf, 1.], [1., 1., 1.]]), '+', "holds inf at index (1, 1)"),
    ('ST.V', 0., '/', "divides by zero (op '/')"),
    ('ST.V', [2., 0., 2.], '/', "divides by zero (op '/')"),
])
def test_a_value_no_run_could_end_with_is_refused_and_the_state_kept(key, value, op, words, jit):
    g = group()
    g.run(0.3, inputs=('ST.input', 1.))
    before, records = g.ST['V'].copy(), g.mon.V
    with pytest.raises(ModelUseError) as info:
        g.run(0.3, inputs=(key, value, op))
    message = str(info.value)
    assert words in message and f"input {key!r} for {g.name!r}" in message
    np.testing.assert_array_equal(g.ST['V'], before)
    assert g.mon.V is records
    g.run(0.3, inputs=('ST.input', 1.))  # the group still runs
    assert np.isfinite(g.ST['V']).all() and (g.ST['V'] > before).all()


def test_finite_values_and_non_zero_divisors_still_apply(jit):
    g = group()
    g.run(0.1, inputs=('ST.input', [1., 2., 3.]))  # one step: inputs apply before the step
    np.testing.assert_allclose(g.ST['V'], [1., 2., 3.])
    g.run((0.1, 0.2), inputs=('ST.V', [2., -4., 1e300], '/'))
    np.testing.assert_allclose(g.ST['V'], 0.9 * np.array([0.5, -0.5, 3e-300]))


@pytest.mark.parametrize("value", [np.nan, -0.1, 0., np.inf, 'a', None, True])
def test_a_report_interval_that_is_no_fraction_is_refused_before_the_run(value, jit):
    g = group()
    g.run(0.3, inputs=('ST.input', 1.))
    before, t_end = g.ST['V'].copy(), g._network().t_end
    with pytest.raises(ModelUseError, match=r"report_percent of a run .* a positive number .*, got "):
        g.run((0.3, 0.6), report=True, report_percent=value)
    np.testing.assert_array_equal(g.ST['V'], before)
    assert g._network().t_end == t_end
    g.run((0.3, 0.6), inputs=('ST.input', 1.), report=True, report_percent=0.5)
    assert (g.ST['V'] > before).all()
