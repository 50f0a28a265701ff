"""Input currents and spike-source groups."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError


def test_constant_current_as_in_the_chapter():
    current, duration = bp.inputs.constant_current([(0, 100), (1, 300), (0, 100)], 0.1)
    assert duration == 500 and current.shape == (5000,)
    assert current[:1000].sum() == 0 and np.all(current[1000:4000] == 1) and current[4000:].sum() == 0
    current, duration = bp.inputs.constant_current([(-1, 10), (1, 3), (3, 30), (-0.5, 10)], 0.1)
    assert duration == 53 and current.shape == (530,) and current[130] == 3 and current[-1] == -0.5
    per_neuron, _ = bp.inputs.constant_current([(np.zeros(4), 10), (np.arange(4.), 10)], 0.5)
    assert per_neuron.shape == (40, 4) and per_neuron[-1].tolist() == [0, 1, 2, 3]


def test_spike_and_ramp_currents():
    current = bp.inputs.spike_current([10, 20, 30, 200, 300], 1., 0.5, 1000, 0.1)
    assert current.shape == (10000,) and current.sum() == pytest.approx(5 * 10 * 0.5)
    assert current[100] == 0.5 and current[110] == 0 and current[99] == 0
    ramp = bp.inputs.ramp_current(0, 1, 1000, dt=0.1)
    assert ramp.shape == (10000,) and ramp[0] == 0 and ramp[-1] == 1
    ramp = bp.inputs.ramp_current(0, 1, 1000, 200, 800, dt=0.1)
    assert ramp[:2000].sum() == 0 and ramp[8000:].sum() == 0 and ramp[2000] == 0 and ramp[7999] == 1


@pytest.mark.parametrize("call", [
    lambda: bp.inputs.constant_current([(1, -5)]),
    lambda: bp.inputs.spike_current([1], 1., 1., -10.),
    lambda: bp.inputs.ramp_current(0, 1, -100.),
    lambda: bp.inputs.ramp_current(0, 1, 100., 50, 20),
])
def test_negative_or_inverted_durations_are_refused(call):
    with pytest.raises(ModelUseError):
        call()


@pytest.mark.parametrize("call, words", [
    (lambda: bp.inputs.constant_current([(np.nan, 5)], 0.1), "each size of constant_current must be finite"),
    (lambda: bp.inputs.constant_current([(np.array([1., np.inf]), 5)], 0.1), "must be finite"),
    (lambda: bp.inputs.constant_current([('a', 5)], 0.1), "each size of constant_current must be numbers"),
    (lambda: bp.inputs.spike_current([1.], 1., np.nan, 10., 0.1), "each size of spike_current must be finite"),
    (lambda: bp.inputs.spike_current([5., 12.], 1., 1., 10., 0.1), "pulse at 12.0 ms starts at or after"),
    (lambda: bp.inputs.ramp_current(np.nan, 1., 10., dt=0.1), "ramp_current's c_start must be finite"),
    (lambda: bp.inputs.ramp_current(0., np.inf, 10., dt=0.1), "ramp_current's c_end must be finite"),
], ids=["nan size", "inf in a per-neuron size", "text size", "nan pulse", "pulse past the end", "nan ramp start",
        "inf ramp end"])
def test_currents_of_no_finite_numbers_or_pulses_past_their_end_are_refused(call, words):
    # a NaN amplitude made a NaN current that only the run refused; a pulse after the end was left out silently
    with pytest.raises(ModelUseError, match=words):
        call()


@pytest.mark.parametrize("indices, expected", [
    (None, {(10.0, 0), (10.0, 1), (20.0, 0), (20.0, 1), (30.0, 0), (30.0, 1)}),
    (0, {(10.0, 0), (20.0, 0), (30.0, 0)}),
    ([0, 1, 0], {(10.0, 0), (20.0, 1), (30.0, 0)}),
    ([0, [0, 1], 1], {(10.0, 0), (20.0, 0), (20.0, 1), (30.0, 1)}),
])
def test_spike_time_input_fires_exactly_at_the_times(indices, expected, jit):
    bp.profile.set(dt=0.1)
    group = bp.inputs.SpikeTimeInput(2, times=[10, 20, 30], indices=indices, monitors=['spike'])
    group.run(40.)
    steps, neurons = np.nonzero(group.mon.spike)
    assert {(round(float(group.mon.ts[s]), 6), int(n)) for s, n in zip(steps, neurons)} == expected


def test_poisson_input_rate_within_bounds(jit):
    bp.profile.set(dt=0.1, seed=4)
    group = bp.inputs.PoissonInput(200, 40., monitors=['spike'])
    group.run(1000.)
    total = group.mon.spike.sum()
    expected = 200 * 40.
    assert abs(total - expected) < 5 * np.sqrt(expected)
    rates = bp.inputs.PoissonInput(2, np.array([0., 100.]), monitors=['spike'])
    rates.run(500.)
    assert rates.mon.spike[:, 0].sum() == 0 and rates.mon.spike[:, 1].sum() > 25


def test_freq_input_is_regular_and_drives_synapses(jit):
    bp.profile.set(dt=0.1)
    source = bp.inputs.FreqInput(2, 10., start_time=np.array([5., 20.]), monitors=['spike'])
    target = bp.NeuGroup(bp.models.get_LIF(V_rest=-65., V_th=1e9), 2, monitors=['V'])
    syn = bp.SynConn(bp.models.get_AMPA1(), pre_group=source, post_group=target, conn=bp.connect.One2One())
    bp.Network(source, syn, target).run(1000.)
    times0 = source.mon.ts[source.mon.spike[:, 0] > 0]
    times1 = source.mon.ts[source.mon.spike[:, 1] > 0]
    np.testing.assert_allclose(times0, 5. + 100. * np.arange(10), atol=1e-9)
    np.testing.assert_allclose(times1, 20. + 100. * np.arange(10), atol=1e-9)
    assert target.mon.V.max() > -65.  # the input group works as a pre-synaptic group


def test_freq_input_takes_the_documented_freq_keyword():
    bp.profile.set(dt=0.1)
    # the API documentation's examples: FreqInput(2, freq=10.) and 4 neurons starting at given times
    source = bp.inputs.FreqInput(4, freq=20., start_time=np.array([10., 15., 20., 29.]), monitors=['spike'])
    source.run(200.)
    for k, start in enumerate([10., 15., 20., 29.]):
        np.testing.assert_allclose(source.mon.ts[source.mon.spike[:, k] > 0], start + 50. * np.arange(4), atol=1e-9)
    with pytest.raises(ModelUseError, match="FreqInput needs its rates in Hz once"):
        bp.inputs.FreqInput(2, 10., freq=10.)
    with pytest.raises(ModelUseError, match="FreqInput needs its rates in Hz once"):
        bp.inputs.FreqInput(2)
