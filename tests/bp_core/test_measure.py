"""Measures on constructed spike trains and potentials."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError


def test_cross_correlation_of_identical_and_independent_trains():
    rng = np.random.default_rng(0)
    train = (rng.random(20000) < 0.01).astype(float)
    identical = np.stack([train] * 5, axis=1)
    assert bp.measure.cross_correlation(identical, bin_size=5) == pytest.approx(1.0)
    independent = (rng.random((20000, 5)) < 0.01).astype(float)
    assert bp.measure.cross_correlation(independent, bin_size=5) < 0.1
    silent = np.zeros((100, 3))
    assert bp.measure.cross_correlation(silent, bin_size=5) == 0.0
    with pytest.raises(ModelUseError, match="bin_size"):
        bp.measure.cross_correlation(identical, bin_size=0)


def test_cross_correlation_formula_on_two_trains():
    spikes = np.zeros((8, 2))
    spikes[[0, 2, 4], 0] = 1
    spikes[[0, 5], 1] = 1
    # bins of 2 steps: X = [1, 1, 1, 0], Y = [1, 0, 1, 0] -> 2 / sqrt(3 * 2)
    assert bp.measure.cross_correlation(spikes, 2) == pytest.approx(2 / np.sqrt(6))


def test_voltage_fluctuation():
    t = np.linspace(0, 10, 1000)
    same = np.stack([np.sin(t)] * 4, axis=1)
    assert bp.measure.voltage_fluctuation(same) == pytest.approx(1.0)
    rng = np.random.default_rng(1)
    noisy = rng.standard_normal((5000, 50))
    assert bp.measure.voltage_fluctuation(noisy) == pytest.approx(1 / 50, rel=0.2)


def test_raster_plot_and_firing_rate():
    bp.profile.set(dt=0.1)
    spikes = np.zeros((10000, 4))
    spikes[::1000, :] = 1  # every neuron fires every 100 ms: 10 Hz
    index, times = bp.measure.raster_plot(spikes, np.arange(10000) * 0.1)
    assert len(index) == 40 and times[4] == pytest.approx(100.0)
    for window in ("flat", "gaussian"):
        rate = bp.measure.firing_rate(spikes, 50., window=window)
        assert rate[2000:8000].mean() == pytest.approx(10.0, rel=0.02)
    with pytest.raises(ModelUseError, match="window"):
        bp.measure.firing_rate(spikes, 5., window="hann")


def _events_of(dense: np.ndarray, dt: float = 0.1) -> bp.Events:
    steps, index = np.nonzero(dense)
    order = np.lexsort((steps, index))  # a different event order than the dense scan's
    return bp.Events(index[order].astype(np.int32), steps[order], np.arange(dense.shape[0]) * dt, dense.shape[1])


def test_measures_of_events_equal_those_of_the_dense_record():
    rng = np.random.default_rng(3)
    dense = (rng.random((3000, 40)) < 0.02).astype(float)
    dense[:, 5] = dense[:, 4]  # a correlated pair
    events = _events_of(dense)
    np.testing.assert_array_equal(events.dense(), dense)
    assert bp.measure.cross_correlation(events, 7) == pytest.approx(bp.measure.cross_correlation(dense, 7), rel=1e-12)
    bp.profile.set(dt=0.1)
    for window in ("gaussian", "flat"):
        np.testing.assert_allclose(bp.measure.firing_rate(events, 2.0, window),
                                   bp.measure.firing_rate(dense, 2.0, window), rtol=1e-12)
    ts = np.arange(3000) * 0.1
    index, times = bp.measure.raster_plot(events)
    index_d, times_d = bp.measure.raster_plot(dense, ts)
    np.testing.assert_array_equal(index, index_d)
    np.testing.assert_allclose(times, times_d)


def test_spikes_from_voltage_counts_upward_crossings_only():
    t = np.arange(0, 1000, 0.1)
    V = np.stack([10 * np.sin(2 * np.pi * t / 100) - 5, np.full_like(t, -70.)], axis=1)  # 10 periods; silent
    spikes = bp.measure.spikes_from_voltage(V, threshold=0.0)
    assert spikes.shape == V.shape and spikes.dtype == bool and not spikes[0].any()
    assert spikes[:, 0].sum() == 10 and spikes[:, 1].sum() == 0
    rising = np.flatnonzero(spikes[:, 0])
    assert np.all(np.diff(V[:, 0])[rising - 1] > 0)
    with pytest.raises(bp.errors.ModelUseError, match="threshold"):
        bp.measure.spikes_from_voltage(V, threshold=np.nan)
    with pytest.raises(bp.errors.ModelUseError, match="potentials"):
        bp.measure.spikes_from_voltage(V[:, 0])


def test_steady_rate_reads_the_last_interspike_intervals():
    dt = 0.1
    t = np.arange(0, 1000, dt)
    # a neuron that fires every 25 ms after a slower start, one every 40 ms, and a silent one
    V = np.stack([np.where(t < 300, np.sin(2 * np.pi * t / 60.), np.sin(2 * np.pi * t / 25.)),
                  np.sin(2 * np.pi * t / 40.), -np.ones_like(t)], axis=1) * 50 - 10
    rates = bp.measure.steady_rate(V, dt)
    np.testing.assert_allclose(rates[:2], [40.0, 25.0], rtol=1e-3)
    assert rates[2] == 0
    with pytest.raises(ModelUseError, match="dt must be"):
        bp.measure.steady_rate(V, 0.)
    with pytest.raises(ModelUseError, match="intervals"):
        bp.measure.steady_rate(V, dt, intervals=0)


def test_isi_cv_is_zero_for_a_clock_and_near_one_for_poisson_trains():
    clock = np.zeros((1000, 3))
    clock[::10] = 1.0
    assert bp.measure.isi_cv(clock) == pytest.approx(0.0, abs=1e-12)
    rng = np.random.default_rng(1)
    poisson = (rng.random((200_000, 4)) < 0.01).astype(float)
    assert bp.measure.isi_cv(poisson) == pytest.approx(1.0, abs=0.03)
    assert np.isnan(bp.measure.isi_cv(np.zeros((100, 2))))


def test_population_summary_from_events_equals_the_dense_measures():
    rng = np.random.default_rng(2)
    dense = (rng.random((5000, 20)) < 0.02).astype(float)
    steps, index = np.nonzero(dense)
    events = bp.Events(index, steps, np.arange(5000) * 0.1, 20)
    summary = bp.measure.population_summary(events, dt=0.1)
    assert summary["spikes"] == int(dense.sum())
    assert summary["mean_rate"] == pytest.approx(dense.sum() / 20 / 0.5)
    assert summary["coherence"] == pytest.approx(bp.measure.cross_correlation(dense, 20))
    assert summary["cv_isi"] == pytest.approx(bp.measure.isi_cv(dense))
    with pytest.raises(bp.errors.ModelUseError, match="spike events"):
        bp.measure.population_summary(dense, dt=0.1)
