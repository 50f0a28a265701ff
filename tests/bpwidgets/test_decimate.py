"""Lines thinned for a figure keep every peak and trough, the ends and the order of the samples."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import find_peaks

from bpwidgets.plots.decimate import MAX_POINTS, decimate_lines
from bpwidgets.plots.figures import line_figure, set_lines


def runs_reference(y: np.ndarray, max_points: int) -> list[np.ndarray]:
    """The runs the thinning works on, cut here by a plain loop."""
    length = -(-y.size // (max_points // 4))
    return [y[start:start + length] for start in range(0, y.size, length)]


@pytest.mark.parametrize("samples", [2001, 10_000, 12_345])
def test_each_run_keeps_its_lowest_and_highest_sample_and_the_ends(samples):
    rng = np.random.default_rng(samples)
    t = np.arange(samples) * 0.02
    y = np.cumsum(rng.normal(size=samples))
    xs, ys = decimate_lines(t, y)
    assert xs.size <= MAX_POINTS and xs.shape == ys.shape
    assert xs[0] == t[0] and ys[0] == y[0] and xs[-1] == t[-1] and ys[-1] == y[-1]
    assert np.all(np.diff(xs) >= 0)  # time order
    index = np.rint(xs / 0.02).astype(int)
    np.testing.assert_array_equal(y[index], ys)  # only samples of the line itself
    length = -(-samples // (MAX_POINTS // 4))
    for k, run in enumerate(runs_reference(y, MAX_POINTS)):
        inside = ys[(index >= k * length) & (index < (k + 1) * length)]
        assert inside.max() == run.max() and inside.min() == run.min()


def test_rows_are_thinned_each_on_its_own():
    t = np.linspace(0, 200, 10_000)
    y = np.stack([np.sin(t), np.cos(3 * t), t])
    xs, ys = decimate_lines(np.repeat(t[None], 3, axis=0), y)
    assert xs.shape == ys.shape and xs.shape[0] == 3 and xs.shape[1] <= MAX_POINTS
    for row, full in zip(ys, y):
        assert row.max() == full.max() and row.min() == full.min()


def test_an_hh_trace_keeps_every_action_potential():
    import bp_core as bp
    from bpwidgets.dashboards import hh_neuron

    group = hh_neuron.simulate("step", 10.0)
    t, v = group.mon.ts, group.mon.V[:, 0]
    assert t.size > MAX_POINTS
    xs, vs = decimate_lines(t, v)
    assert len(find_peaks(vs, prominence=20.0)[0]) == len(find_peaks(v, prominence=20.0)[0]) > 5
    assert vs.max() == v.max() and vs.min() == v.min()
    assert bp.measure.spikes_from_voltage(vs[:, None]).sum() == bp.measure.spikes_from_voltage(v[:, None]).sum()


@pytest.mark.parametrize("x, y", [
    (np.arange(MAX_POINTS), np.ones(MAX_POINTS)),  # already fits
    (np.arange(5000.0), np.where(np.arange(5000) == 10, np.nan, 1.0)),  # a gap: left as it is
    (np.arange(5000.0), np.ones(4000)),  # shapes that differ are bqplot's to refuse
])
def test_lines_that_fit_have_gaps_or_differ_in_shape_come_back_unchanged(x, y):
    xs, ys = decimate_lines(x, y)
    assert xs is x or np.array_equal(xs, x)
    np.testing.assert_array_equal(ys, y)


def test_set_lines_sends_the_thinned_line_and_axes_span_the_full_one():
    figure, lines = line_figure("t", "V")
    t = np.linspace(0, 100, 20_000)
    v = np.sin(t) * 50
    v[12_345] = 200.0  # a one-sample spike
    set_lines(lines, t[None], v[None])
    assert np.asarray(lines.y).shape[-1] <= MAX_POINTS
    assert np.asarray(lines.y).max() == 200.0  # the spike survives
    ticks = np.asarray(figure.axes[1].tick_values)
    assert ticks.max() <= v.max() and ticks.max() > 100
