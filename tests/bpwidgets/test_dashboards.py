"""Dashboard logic without a browser."""

import numpy as np
import pytest

import bp_core as bp
from bpwidgets.dashboards import hh_neuron


def test_hh_protocols_and_fi_curve():
    step = hh_neuron.protocol_current("step", 10.0)
    ramp = hh_neuron.protocol_current("ramp", 10.0)
    pulses = hh_neuron.protocol_current("spikes", 10.0)
    n = int(round(hh_neuron.DURATION / hh_neuron.DT))
    assert step.shape == ramp.shape == pulses.shape == (n,)
    assert step.max() == 10.0 and ramp[-int(30 / hh_neuron.DT)] > 9.0 and pulses.sum() > 0
    with pytest.raises(bp.errors.ModelUseError, match="protocol"):
        hh_neuron.protocol_current("sine", 1.0)
    rates = hh_neuron.fi_curve(np.array([2.0, 10.0, 20.0, 40.0]))
    assert rates[0] == 0 and np.all(np.diff(rates[1:]) > 0) and 60 < rates[1] < 90


def test_hh_fi_curve_rises_smoothly_above_its_rheobase():
    currents = np.linspace(0., 40., 41)
    rates = hh_neuron.fi_curve(currents)
    onset = hh_neuron.rheobase(currents, rates)
    # A current step from rest starts repetitive firing between the fold of cycles (6.26) and the Hopf point (9.78).
    assert 6.2 < onset < 9.8
    above = rates[currents >= onset]
    assert np.all(above > 50) and np.all(np.diff(above) > 0)  # no staircase, never down
    assert np.all(np.diff(above)[5:] < 2.0)  # smooth: small steps once past the jump at onset
    assert np.isnan(hh_neuron.rheobase(currents[:3], rates[:3]))


def test_hh_dashboard_redraws_for_each_protocol():
    dashboard = hh_neuron.HHDashboard()
    first = np.array(dashboard.v_lines.y).copy()
    dashboard.protocol.value = "ramp"
    assert not np.array_equal(np.array(dashboard.v_lines.y), first)
    dashboard.panel.amplitude = 0.0
    assert "0 spikes" in dashboard.info


@pytest.mark.parametrize("amplitude", [10.0, 28.4, 40.0])
def test_hh_summary_counts_every_spike_of_the_trace(amplitude):
    from scipy.signal import find_peaks

    dashboard = hh_neuron.HHDashboard()
    dashboard.panel.amplitude = amplitude
    V = np.asarray(dashboard.v_lines.y)
    peaks, _ = find_peaks(V, prominence=20.0)  # the action potentials a reader sees in the trace
    assert len(peaks) > 5
    assert f"{len(peaks)} spikes" in dashboard.info


def test_presets_set_their_parameters_and_report_what_they_cannot():
    from bpwidgets.params import ParameterPanel
    from bpwidgets.presets import PresetBar

    values = {'g': 1.0, 'I': 0.5}
    panel = ParameterPanel(values, ranges={'g': (0., 2.), 'I': (0., 1.)}, labels={'I': 'input'})
    bar = PresetBar({"low": {'g': 0.1, 'input': 0.2}, "too high": {'g': 5.0, 'input': 0.9}}, [panel])
    assert bar.apply("low") and values == {'g': 0.1, 'I': 0.2}
    assert bar.buttons[0].button_style == "info"
    assert not bar.apply("too high")  # g refused, the input still set
    assert values == {'g': 0.1, 'I': 0.9} and "g:" in bar.message.value
    with pytest.raises(bp.errors.ModelUseError, match="no preset 'medium'"):
        bar.apply("medium")
    with pytest.raises(bp.errors.ModelUseError, match="sets 'gg'.*'g'"):
        PresetBar({"typo": {'gg': 1.0}}, [panel])


def test_hh_presets_show_rest_firing_and_bistability():
    dashboard = hh_neuron.HHDashboard()
    counts = {}
    for name in hh_neuron.PRESETS:
        dashboard.presets.apply(name)
        counts[name] = int(bp.measure.spikes_from_voltage(np.asarray(dashboard.v_lines.y).reshape(-1, 1)).sum())
    assert counts["rest"] <= 1 and counts["repetitive firing"] > 10
    # the same current: a step fires, a slow ramp leaves the neuron at rest
    assert counts["bistability (step)"] > 5 and counts["bistability (ramp)"] == 0


def test_gamma_presets_order_the_synchrony():
    from bpwidgets.dashboards import gamma

    levels = []
    for name, values in gamma.presets(60).items():
        net, neu, syn = bp.models.gamma_network(60)
        syn.pars['g_max'] = values['g_max']
        net.run(300., inputs=[(neu, 'ST.input', values['input0'])])
        levels.append(bp.measure.cross_correlation(neu.mon.spike[int(100 / net.dt):], 2))
    assert levels[0] < 0.05 < levels[1] < levels[2]


def test_the_hh_dashboards_runs_share_one_kernel(tmp_path, monkeypatch):
    # a protocol's neuron, the F-I curve's neurons and a trace from a picked point: one generated kernel, so a
    # fresh install compiles it once for both dashboards (each form of its own was a kernel of its own)
    from bpwidgets.dashboards import hh_bifurcation

    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    with bp.profile.override(jit=False):
        simulated = hh_neuron.simulate("step", 10.0)
        rates = hh_neuron.fi_curve(np.array([0.0, 10.0]))
        ts, v = hh_bifurcation.trace_from({'V': -60.0}, 10.0, kick=2.0)
    assert len(list((tmp_path / "generated").glob("run_kernel_*.py"))) == 1
    assert simulated.mon.m.shape == simulated.mon.V.shape and rates[0] == 0 and rates[1] > 50
    assert abs(v[0] + 58.0) < 0.5 and ts.shape == v.shape  # started 2 mV above the state given
