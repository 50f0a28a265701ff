"""The clock counts whole steps: a run ends at the first step at or after its end (a time within a ten-thousandth
of a step of the grid counts as that step), as Brian2's clock does and as the spec's ``np.arange(start, end, dt)``
times say; runs whose lengths are whole steps keep their number of steps."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import bp_core as bp
from bp_core.errors import ClockRestartWarning, ModelUseError
from bp_core.simulation.clock import grid_step

DT = 0.1


def brian2_timestep(t: float, dt: float) -> int:
    """Brian2's ``Clock._calc_timestep``: the nearest step if within 1e-4 dt of ``t``, else the next one."""
    nearest = np.int64(np.round(t / dt))
    if nearest * dt == t or abs(nearest * dt - t) / dt <= 1e-4:
        return int(nearest)
    return int(np.ceil(t / dt))


def _network():
    bp.profile.set(jit=False, dt=DT)
    group = bp.NeuGroup(bp.models.get_LIF(V_rest=0.0, V_th=100.0), 2, monitors=['V'])
    return bp.Network(group), group


_durations = st.one_of(
    st.floats(min_value=0.01, max_value=3.0, allow_nan=False),
    st.integers(min_value=1, max_value=30).map(lambda k: k * DT),            # whole steps, in floating point
    st.integers(min_value=1, max_value=90).map(lambda k: k * DT / 3.),       # a third of a step off the grid
)


@settings(max_examples=20, deadline=None)
@given(st.lists(_durations, min_size=1, max_size=4), st.booleans())
@example([0.99999, 1.0], True)  # a start 1e-4 steps before a step counts as it: its times are the grid's
def test_consecutive_runs_take_the_steps_of_brian2s_clock(durations, with_run):
    net, group = _network()
    asked = 0.  # Brian2's network keeps the time asked for; run(d) goes from its step to the step of asked + d
    for d in durations:
        first, end = brian2_timestep(asked, DT), brian2_timestep(asked + d, DT)
        if end - first < 1:  # Brian2 would run nothing; here a run must take a step
            with pytest.raises(ModelUseError, match="at least one step"):
                net.advance(d) if not with_run else net.run((asked, asked + d))
        else:
            if with_run:  # the spec's form, (start, end) from the time the user keeps
                net.run((asked, asked + d))
                times = group.mon.ts
            else:
                times = net.advance(d)[group.name].ts
            assert times.size == end - first, (d, asked)
            np.testing.assert_allclose(times, (first + np.arange(end - first)) * DT, rtol=0, atol=1e-9)  # the grid
            np.testing.assert_allclose(net.t_end, end * DT, rtol=0, atol=1e-9)
        asked += d


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_lengths_of_whole_steps_keep_their_number_of_steps(first, k):
    # start and end as a user computes them in floating point: (10., 10.3) is 3.0000000000000067 steps
    start, end = first * DT, first * DT + k * DT
    assert grid_step(end - start, DT) == k == int(round((end - start) / DT))  # the count before the grid rule


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=40))
def test_runs_of_whole_steps_keep_their_number_of_steps(first, k):
    net, group = _network()
    net.run((first * DT, first * DT + k * DT))
    assert group.mon.ts.size == k
    np.testing.assert_allclose(group.mon.ts, first * DT + np.arange(k) * DT, rtol=0, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0., max_value=1e3), st.floats(min_value=0.01, max_value=50.))
def test_a_run_between_steps_takes_the_times_of_np_arange(start, length):
    steps = length / DT
    assume(abs(steps - round(steps)) > 1e-3)  # elsewhere np.arange's count is floating-point noise
    assert grid_step((start + length) - start, DT) == np.arange(start, start + length, DT).size


def test_a_run_takes_the_grids_steps_and_its_monitor_times():
    net, group = _network()
    net.run((10., 10.3))  # 3.0000000000000067 steps in floating point: three
    np.testing.assert_allclose(group.mon.ts, [10., 10.1, 10.2])
    net.run((0.2, 0.3))   # 0.09999999999999998 ms: one step (refused before)
    assert group.mon.ts.size == 1
    net.run((0., 0.25))   # between steps: the times before 0.25 (was round(2.5) = 2)
    np.testing.assert_allclose(group.mon.ts, [0., 0.1, 0.2])
    net.run((0.05, 0.25))  # from between two steps: the steps from the next one on, as Brian2 starts
    np.testing.assert_allclose(group.mon.ts, [0.1, 0.2])
    net.advance(0.08)      # continues from the time asked, 0.25 + 0.08: to step 4
    np.testing.assert_allclose(group.mon.ts, [0.3])
    net.advance(n_steps=2)
    net.advance(0.15)      # after a chunk of steps, from the grid's time 0.5
    np.testing.assert_allclose(group.mon.ts, [0.6, 0.7])
    with pytest.raises(ModelUseError, match="at least one step"):
        net.run((0.05, 0.09))  # no step of the grid between them
    with pytest.raises(ModelUseError, match="at least one step"):
        net.run((1., 1. + 1e-6))
    with pytest.raises(ModelUseError, match="needs a duration"):
        net.advance("1 ms")


def test_a_plain_second_run_still_restarts_the_clock_and_warns():
    net, group = _network()
    net.run(0.25)
    with pytest.warns(ClockRestartWarning):
        net.run(0.25)
    np.testing.assert_allclose(group.mon.ts, [0., 0.1, 0.2])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClockRestartWarning)
        net.run((0.25, 0.5))
    np.testing.assert_allclose(group.mon.ts, [0.3, 0.4])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=20.), min_size=1, max_size=5))
def test_input_currents_take_the_steps_of_the_run_of_their_duration(pieces):
    current, duration = bp.inputs.constant_current([(float(k), d) for k, d in enumerate(pieces)], DT)
    assert current.shape == (grid_step(duration, DT),)
    ends = np.cumsum(pieces)
    for k, end in enumerate(ends):  # piece k holds the steps from the one of its start to the one of its end
        start = grid_step(ends[k - 1], DT) if k else 0
        assert np.all(current[start:grid_step(end, DT)] == k)
    assert bp.inputs.ramp_current(0., 1., duration, dt=DT).shape == current.shape
    assert bp.inputs.spike_current([0.], 0.25, 1., duration, DT).shape == current.shape


def test_a_current_of_a_duration_between_steps_runs_with_it():
    net, group = _network()
    current, duration = bp.inputs.constant_current([(0., 0.25), (1., 0.3)], DT)  # 0.55 ms: 6 steps
    net.run(duration, inputs=[group, 'ST.input', current])
    assert current.size == group.mon.ts.size == 6
    np.testing.assert_array_equal(current, [0., 0., 0., 1., 1., 1.])  # 1 from the step of 0.25 ms on (0.3)
