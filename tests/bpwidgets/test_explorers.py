"""Explorers driven from Python: parameters re-run the network, marks change, compile_count stays."""

import subprocess
from pathlib import Path

import numpy as np
import pytest

import bp_core as bp
from bpwidgets import BifurcationExplorer, NetworkExplorer, PhasePlaneExplorer, RasterCanvas
from bpwidgets.bundle import MODULES, STATIC_MODULE, bundle
from bpwidgets.traits import array_to_bytes, bytes_to_array

ROOT = Path(__file__).resolve().parents[2]


def test_network_explorer_streams_and_reruns_without_recompiling(gamma):
    net, neu, syn = gamma
    explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=60., params={syn: ['g_max']},
                               traces=(0, 1), chunk=15.)
    explorer.runner.wait()
    first_rate = np.array(explorer.rate_lines.y).copy()
    first_spikes = explorer.raster.spike_count
    compiled = explorer.compile_count
    assert first_spikes > 0 and explorer.summary["spikes"] == first_spikes
    assert np.array(explorer.trace_lines.y).shape == (2, 1500)
    for figure in (explorer.rate_figure, explorer.trace_figure):  # data-scaled axes: round tick values
        ticks = np.asarray(figure.axes[1].tick_values, dtype=float)
        step = ticks[1] - ticks[0]
        np.testing.assert_allclose(ticks / step, np.round(ticks / step), atol=1e-9)
        mantissa = step / 10.0 ** np.floor(np.log10(step))
        assert len(ticks) >= 2 and any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5))
    explorer.panels[0].g_max = explorer.panels[0].g_max * 1.8
    explorer.runner.wait()
    assert not np.array_equal(np.array(explorer.rate_lines.y), first_rate)
    assert explorer.compile_count == compiled
    assert 0.0 <= explorer.summary["coherence"] <= 1.0
    explorer.reset()
    explorer.runner.wait()
    np.testing.assert_array_equal(np.array(explorer.rate_lines.y), first_rate)
    # the progress bar is full, and the status says how fast the simulation ran
    assert explorer.progress_bar.value == 1.0 and explorer.progress_bar.bar_style == "success"
    assert explorer.runner.speed > 0 and "x real time" in explorer.status and "done 100%" in explorer.status


def test_network_explorer_input_slider_and_duration(gamma):
    net, neu, _ = gamma
    explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=30., params={}, chunk=10.)
    explorer.runner.wait()
    quiet = explorer.summary["spikes"]
    input_panel = explorer.panels[-1]
    input_panel.input0 = 2.4
    explorer.runner.wait()
    assert explorer.summary["spikes"] > quiet
    explorer.duration_box.value = 40.0
    explorer.runner.wait()
    assert explorer.raster.t_end == 40.0 and explorer.runner.duration == 40.0
    explorer.duration_box.set_state({"value": float("nan")})
    assert explorer.runner.duration == 40.0 and "duration must be" in explorer.error


def _broken(ST, _t, table):
    ST['V'] = table[int(ST['idx']) + 100]
    ST['spike'] = 0.


def test_network_explorer_shows_model_errors():
    model = bp.NeuType(name='Broken', ST=bp.types.NeuState('V', 'spike', idx=0.), steps=_broken, mode='scalar')
    group = bp.NeuGroup(model, 2, monitors=['spike'], satisfies={'table': np.zeros(3)})
    explorer = NetworkExplorer(bp.Network(group), duration=5., params={})
    explorer.runner.wait()
    assert "RunError" in explorer.error and "Traceback" not in explorer.error


def get_fhn():
    return bp.models.get_FitzHughNagumo()


def test_phase_plane_explorer_redraws_and_launches_trajectories():
    explorer = PhasePlaneExplorer(get_fhn(), {'v': [-3, 3], 'w': [-3, 3]}, fixed_vars={'Iext': 0.8},
                                  params=['a', 'b', 'tau'])
    assert [p.stability for p in explorer.fixed_points] == ["unstable node"]
    assert len(explorer.plot.nullclines[0].x) > 100
    before = np.array(explorer.plot.nullclines[0].y).copy()
    explorer.plot.launcher.x = [-2.8]
    explorer.plot.launcher.y = [-1.8]  # what a click on the plane sends
    assert explorer.plot.trajectories.visible and np.atleast_2d(explorer.plot.trajectories.x).shape[0] == 1
    explorer.panel.Iext = 0.0
    assert [p.stability for p in explorer.fixed_points] == ["stable focus"] or \
        explorer.fixed_points[0].is_stable
    assert not np.array_equal(np.array(explorer.plot.nullclines[0].y), before)
    assert np.atleast_2d(explorer.plot.trajectories.x).shape[0] == 1  # relaunched with the new field
    explorer.launch({'v': 99.0, 'w': 0.0})
    assert "outside" in explorer.error
    explorer.plot.launcher.x = [-2.8, 1.0]
    explorer.plot.launcher.y = [-1.8, 3.04]  # a click on the frame's top edge, a hair above the range
    assert np.atleast_2d(explorer.plot.trajectories.x).shape[0] == 2
    assert np.atleast_2d(explorer.plot.trajectories.y)[1][0] == 3.0


def test_bifurcation_explorer_marks_the_parameter_and_hopf():
    explorer = BifurcationExplorer(get_fhn(), {'Iext': [0., 1.]}, {'v': [-3, 3], 'w': [-3, 3]}, params=['a'],
                                   par_resolution=0.01)
    hopf = [p for p in explorer.points if p.kind == "hopf"]
    assert len(hopf) == 1 and abs(hopf[0].par['Iext'] - 0.3313) < 1e-3
    explorer.marker_panel.Iext = 0.25
    assert list(explorer.plot.marker.x) == [0.25, 0.25]
    assert explorer.plot.stable_cycles.visible and explorer.plot.unstable_cycles.visible
    assert {"H", "LPC"} <= set(explorer.plot.points.names)
    explorer.panel.a = 0.9
    hopf = [p for p in explorer.points if p.label == "H"]
    assert hopf and abs(hopf[0].par['Iext'] - 0.3313) > 0.1


def test_a_click_on_the_diagram_sets_the_linked_phase_plane():
    plane = PhasePlaneExplorer(get_fhn(), {'v': [-3, 3], 'w': [-3, 3]}, fixed_vars={'Iext': 0.5}, params=[],
                               duration=50.)
    diagram = BifurcationExplorer(get_fhn(), {'Iext': [0., 1.]}, {'v': [-3, 3], 'w': [-3, 3]}, par_resolution=0.02)
    diagram.link(plane)
    assert diagram.plot.figure.marks[-1] is diagram.plot.picker  # the click layer is on top
    with diagram.plot.picker.hold_sync():  # a click as the browser sends it: a point added to the picker
        diagram.plot.picker.x = [0.8]
        diagram.plot.picker.y = [1.9]
    selected = diagram.selected
    assert selected["kind"] == "cycle" and selected["stable"] and abs(selected["par"] - 0.8) < 0.03
    assert plane.values['Iext'] == selected["par"] and list(diagram.plot.marker.x)[0] == selected["par"]
    assert plane.plot.cycle.visible
    assert np.max(plane.plot.cycle.x) == pytest.approx(np.max(selected["orbit"][1]['v']))
    assert np.ptp(plane.plot.cycle.x) > 3  # the relaxation oscillation, not a point
    selected = diagram.pick(0.1, -1.1)
    assert selected["kind"] == "equilibrium" and selected["stable"]
    assert not plane.plot.cycle.visible and plane.values['Iext'] == pytest.approx(selected["par"])


def test_a_picked_current_drives_a_linked_network_explorer():
    group = bp.NeuGroup(get_fhn(), 4, monitors=['spike'])
    network = NetworkExplorer(bp.Network(group), inputs=[(group, 'ST.input', 0.2)], duration=20., params={},
                              ranges={'input0': (0., 1.)}, autostart=False)
    diagram = BifurcationExplorer(get_fhn(), {'Iext': [0., 1.]}, {'v': [-3, 3], 'w': [-3, 3]}, par_resolution=0.02)
    with pytest.raises(bp.errors.ModelUseError, match="no control 'Iext'.*input0"):
        diagram.link(network)
    diagram.link(network, name="input0")
    selected = diagram.pick(0.7, 1.9)
    assert network.input_values["input0"] == pytest.approx(selected["par"]) and selected["kind"] == "cycle"
    assert diagram.error == ""
    network.runner.close()


def test_raster_canvas_sends_binary_chunks():
    canvas = RasterCanvas(n_neurons=3, t_end=10.)
    sent = []
    canvas.send = lambda content, buffers=None: sent.append((content, buffers))
    spikes = np.zeros((4, 3))
    spikes[1, 2] = spikes[3, 0] = 1
    canvas.append_monitor(spikes, np.arange(4) * 0.5)
    content, buffers = sent[-1]
    assert content == {"type": "append", "n": 2, "total": 2} and all(isinstance(b, bytes) for b in buffers)
    np.testing.assert_array_equal(bytes_to_array(buffers[0], "float32"), [0.5, 1.5])
    np.testing.assert_array_equal(bytes_to_array(buffers[1], "int32"), [2, 0])
    canvas._handle_message(None, {"type": "request_all"})
    assert sent[-2][0] == {"type": "clear"} and sent[-1][0]["n"] == 2 == canvas.spike_count
    events = bp.Events(np.array([1, 0], np.int32), np.array([0, 3]), np.arange(4) * 0.5, 3)
    canvas.append_events(events)
    np.testing.assert_array_equal(bytes_to_array(sent[-1][1][0], "float32"), [0.0, 1.5])
    np.testing.assert_array_equal(bytes_to_array(sent[-1][1][1], "int32"), [1, 0])
    with pytest.raises(Exception):
        canvas.t_end = float("nan")
    assert array_to_bytes([1.0], "float32") == np.float32(1.0).tobytes()


def test_shipped_front_end_modules_are_the_bundles_of_js_sources():
    for module in MODULES:
        assert (STATIC_MODULE.parent / module).read_text() == bundle(ROOT / "js", module), module


def test_js_logic_passes_node_tests():
    result = subprocess.run(["node", "--test", str(ROOT / "js")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout


def test_a_view_that_opens_late_gets_the_status_and_lines_again(gamma):
    net, neu, syn = gamma
    explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=20., params={syn: ['g_max']})
    explorer.runner.wait()
    resent = []
    for widget in (explorer.status_line, explorer.rate_lines):
        widget.send_state = lambda key=None, w=widget: resent.append(w)
    explorer.raster._handle_message(None, {"type": "request_all"})  # what a view sends when it opens
    assert explorer.status_line in resent and explorer.rate_lines in resent
    assert "done 100%" in explorer.status and "done 100%" in explorer.status_line.value


def test_the_bifurcation_csv_holds_every_branch_point_and_the_hopf_point():
    import io

    explorer = BifurcationExplorer(get_fhn(), {'Iext': [0., 1.]}, {'v': [-3, 3], 'w': [-3, 3]}, par_resolution=0.02)
    text = explorer.export_csv().decode()
    lines = text.splitlines()
    assert lines[0] == "curve,kind,Iext,v,w,stable,period,label"
    equilibria = sum(b.par.size for b in explorer.branches)
    cycles = 2 * sum(c.par.size for c in explorer.cycles)
    assert len(lines) == 1 + equilibria + cycles + len(explorer.points)
    hopf = [line for line in lines if line.endswith(",H")]
    assert hopf and abs(float(hopf[0].split(",")[2]) - 0.3313) < 1e-3
    first = np.loadtxt(io.StringIO("\n".join(lines[1:3])), delimiter=",", usecols=(2, 3, 4))
    np.testing.assert_array_equal(first[0], [explorer.branches[0].par[0], *explorer.branches[0].states[0]])
    sent = []
    explorer.export.downloader.send = lambda content, buffers=None: sent.append((content, buffers))
    explorer.export.buttons["CSV"].click()
    assert sent[-1][0]["name"] == "bifurcation.csv" and sent[-1][1][0] == explorer.export_csv()


def test_explorer_state_lives_in_traits_and_the_view_follows_it(gamma):
    net, neu, syn = gamma
    explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=20., params={syn: ['g_max']})
    explorer.runner.wait()
    seen = []
    explorer.observe(lambda change: seen.append(change["name"]), names=["error", "summary"])
    explorer.report(ValueError("first line\nsecond line"))
    assert explorer.error == "ValueError: first line" and "first line" in explorer.error_line.value
    assert "second line" not in explorer.error_line.value
    explorer.error = "<b>not markup</b>"
    assert "&lt;b&gt;" in explorer.error_line.value  # text from anywhere is escaped on its way to the page
    explorer.error = ""
    assert explorer.error_line.value == ""
    assert explorer.summary["spikes"] >= 0 and f"{explorer.summary['spikes']} spikes" in explorer.summary_line.value
    explorer.runner.restart()
    explorer.runner.wait()
    assert seen.count("error") == 3 and "summary" in seen
