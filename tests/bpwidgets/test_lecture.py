"""The lecture frame without a browser: projector mode, reveal, state files, info lines, back and forward."""

from __future__ import annotations

import json

import numpy as np
import pytest

import bp_core as bp
from bpwidgets.apps import NetworkExplorer
from bpwidgets.dashboards import fhn_lecture, hh_neuron
from bpwidgets.dashboards.lecture import STATE_FORMAT, read_state, state_json
from bpwidgets.plots.theme import PROJECTOR_CLASS, PROJECTOR_FONT


def test_a_state_file_reads_back_exactly():
    state = {"controls": {"g_max": 0.1 / 3, "input": 1.2}, "preset": "weak synchrony", "seed": 7, "tab": None}
    data = state_json("gamma", state)
    assert json.loads(data)["format"] == STATE_FORMAT
    assert read_state("gamma", data) == state


@pytest.mark.parametrize("data, match", [
    (b"\xff\xfe", "not JSON"), (b"[1, 2]", "no 'state'"), (b'{"state": 3}', "no 'state'"),
    (json.dumps({"dashboard": "hh_neuron", "format": 1, "state": {}}).encode(), "for dashboard 'hh_neuron'"),
    (json.dumps({"dashboard": "gamma", "format": 99, "state": {}}).encode(), "format 99"),
    (b" " * 2_000_001, "more than"),
])
def test_a_bad_state_file_is_refused_saying_why(data, match):
    with pytest.raises(bp.errors.ModelUseError, match=match):
        read_state("gamma", data)


def test_a_state_that_is_not_json_is_refused():
    with pytest.raises(bp.errors.ModelUseError, match="finite numbers"):
        state_json("gamma", {"g": float("nan")})


def test_hh_neuron_state_round_trip_restores_protocol_amplitude_and_trace():
    frame = hh_neuron.dashboard(projector=False)
    hh = frame.dashboard
    hh.presets.apply("bistability (ramp)")
    hh.panel.set("amplitude", 7.5)
    saved, trace = frame.state_file(), np.array(hh.v_lines.y).copy()
    fresh = hh_neuron.dashboard(projector=False)
    assert fresh.load(saved) == []
    assert fresh.dashboard.protocol.value == "ramp" and fresh.dashboard.settings["amplitude"] == 7.5
    np.testing.assert_array_equal(np.array(fresh.dashboard.v_lines.y), trace)
    # a bad value is refused by name; the rest of the file still applies, and nothing the user had is lost
    bad = json.loads(saved)
    bad["state"].update(amplitude="loud", protocol="sine")
    refused = fresh.load(json.dumps(bad).encode())
    assert any("amplitude" in r for r in refused) and any("sine" in r for r in refused)
    assert fresh.dashboard.settings["amplitude"] == 7.5 and "amplitude" in fresh.message.value


def test_projector_mode_enlarges_fonts_and_reveal_shows_one_figure_at_a_time():
    frame = hh_neuron.dashboard(projector=False)
    hh = frame.dashboard
    assert PROJECTOR_CLASS not in frame.widget._dom_classes
    frame.projector.value = True
    assert PROJECTOR_CLASS in frame.widget._dom_classes
    assert hh.v_figure.fig_margin["left"] >= 4 * PROJECTOR_FONT  # room for the larger tick labels
    assert json.loads(frame.state_file())["state"]["projector"] is True
    frame.reveal.value = True
    assert [f.layout.visibility for f in hh.figures()] == ["visible", "hidden", "hidden"]
    assert frame.reveal_next() and frame.reveal_next() and not frame.reveal_next()
    assert frame.next_button.disabled and [f.layout.visibility for f in hh.figures()] == ["visible"] * 3


def test_hh_neuron_back_and_forward_redraw_earlier_runs():
    hh = hh_neuron.dashboard(projector=False).dashboard
    first = np.array(hh.v_lines.y).copy()
    hh.panel.set("amplitude", 20.0)
    second = np.array(hh.v_lines.y).copy()
    assert hh.rewind.back() and hh.settings["amplitude"] == 10.0
    np.testing.assert_array_equal(np.array(hh.v_lines.y), first)
    assert not hh.rewind.back()
    assert hh.rewind.forward() and hh.settings["amplitude"] == 20.0
    np.testing.assert_array_equal(np.array(hh.v_lines.y), second)
    assert b"time_ms,V_mV,m,h,n" in hh.export_csv()


def test_fhn_info_line_follows_the_iext_slider():
    lecture = fhn_lecture.FHNLecture()
    assert lecture.diagram.info.startswith("Iext = 0.8")
    lecture.plane.panel.set("Iext", 0.1)
    assert lecture.diagram.info.startswith("Iext = 0.1: a stable equilibrium")
    lecture.plane.panel.set("Iext", 1.0)
    assert lecture.diagram.info.startswith("Iext = 1:") and "stable cycle" in lecture.diagram.info
    assert "Iext = 1" in lecture.diagram.info_line.value


def test_network_explorer_state_brings_back_the_same_pass(gamma):
    net, neu, syn = gamma
    explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=40., params={syn: ['g_max']},
                               autostart=False)
    try:
        explorer.set_controls({"g_max": 0.3 * syn.pars['g_max'], "input0": 1.5})
        assert explorer.runner.wait(120)
        state, spikes = explorer.state(), explorer.export_csv()
        explorer.restore({"controls": {"g_max": 0.0}, "seed": 12345})
        assert explorer.runner.wait(120) and explorer.export_csv() != spikes
        assert explorer.restore(json.loads(json.dumps(state))) == []
        assert explorer.runner.wait(120) and explorer.export_csv() == spikes
        assert explorer.restore({"seed": -1, "duration": "long"}) == [
            "seed: -1 is not a whole number from 0 to 2**32 - 1", "duration: 'long' is not between "
            f"{net.dt} and 60000 ms"]
    finally:
        explorer.runner.close()
