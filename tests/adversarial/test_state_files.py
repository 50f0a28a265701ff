"""Hostile 'load state' files: wrong types, NaN, values outside the figures, thousands of entries. A parameters
entry that is no object raised TypeError out of the upload callback, a preset or protocol given as a list raised
'unhashable type', a pick of NaN or far outside the diagram was taken without a word, a file of hundreds of
trajectory starts held the kernel for minutes (each is integrated), and an earlier failed start was reported
again by every later load. Each is refused by name, the rest of the file applies, and what was shown stays."""

import json

import numpy as np
import pytest

from bpwidgets.dashboards import fhn_lecture, hh_neuron
from bpwidgets.dashboards.lecture import STATE_FORMAT


def state_file(frame, **changes):
    state = json.loads(frame.state_file())["state"]
    state.update(changes)
    return json.dumps({"dashboard": frame.name, "format": STATE_FORMAT, "state": state}).encode()


@pytest.fixture(scope="module")
def fhn():
    return fhn_lecture.dashboard(projector=False)


@pytest.mark.parametrize("parameters", [[1, 2], "Iext", 3.5, [["Iext"]]])
def test_parameters_that_are_no_object_are_refused_and_the_panel_kept(fhn, parameters):
    before = fhn.dashboard.plane.panel.values()
    refused = fhn.load(state_file(fhn, parameters=parameters))
    assert refused == [f"parameters: {parameters!r} is not an object of parameter name -> number"]
    assert fhn.dashboard.plane.panel.values() == before


@pytest.mark.parametrize("picked, why", [
    ([float("nan"), None], "lies outside the diagram"),
    ([1e308, 0.], "lies outside the diagram"),
    ([0.8, float("nan")], "lies outside the diagram"),
    ([0.8, 99.], "lies outside the diagram"),
    ([True, None], "is not [Iext, v]"),
    (["0.8", 1.], "is not [Iext, v]"),
    ([0.8], "is not [Iext, v]"),
])
def test_a_pick_that_is_no_point_of_the_diagram_is_refused_and_the_pick_kept(fhn, picked, why):
    fhn.load(state_file(fhn, picked=[0.8, 1.9]))
    kept = fhn.dashboard.diagram.picked_at
    refused = fhn.load(state_file(fhn, picked=picked))
    assert len(refused) == 1 and refused[0].startswith("picked: ") and why in refused[0]
    assert fhn.dashboard.diagram.picked_at == kept


def test_a_file_of_too_many_trajectories_is_refused_before_integrating_any(fhn):
    fhn.load(state_file(fhn, trajectories=[{"v": -2.8, "w": -1.8}]))
    kept = list(fhn.dashboard.plane._starts)
    starts = [{"v": 0., "w": 0.}] * (fhn_lecture.MAX_TRAJECTORIES + 1)
    refused = fhn.load(state_file(fhn, trajectories=starts))
    assert refused == [f"trajectories: {fhn_lecture.MAX_TRAJECTORIES + 1} starts, more than "
                       f"{fhn_lecture.MAX_TRAJECTORIES}; the trajectories shown are kept"]
    assert fhn.dashboard.plane._starts == kept


def test_a_failed_start_is_not_reported_again_by_the_next_file(fhn):
    refused = fhn.load(state_file(fhn, trajectories=[{"q": 1.}]))
    assert refused and refused[0].startswith("trajectories: ")
    assert fhn.load(state_file(fhn, trajectories=[{"v": -2.8, "w": -1.8}])) == []
    assert fhn.dashboard.plane._starts == [{"v": -2.8, "w": -1.8}]


@pytest.mark.parametrize("key", ["preset", "protocol"])
@pytest.mark.parametrize("value", [[1, 2], {"a": 1}])
def test_a_preset_or_protocol_that_is_no_name_is_refused_not_a_type_error(key, value):
    frame = hh_neuron.dashboard(projector=False)
    hh = frame.dashboard
    protocol, amplitude = hh.protocol.value, hh.settings["amplitude"]
    refused = frame.load(state_file(frame, **{key: value}))
    assert len(refused) == 1 and refused[0].startswith(f"{key}: ") and repr(value) in refused[0]
    assert hh.protocol.value == protocol and hh.settings["amplitude"] == amplitude
    assert np.isfinite(amplitude)


@pytest.mark.parametrize("preset", [["weak"], {"weak": 1}])
def test_a_network_preset_that_is_no_name_is_refused_not_a_type_error(preset):
    import bp_core as bp
    from bpwidgets.apps import NetworkExplorer
    from tests.bp_core.simulation import spec_models

    bp.profile.set(dt=0.04, numerical_method='exponential')
    net, neu, syn = spec_models.gamma_network(num=30, seed=1)
    g_max = float(syn.pars['g_max'])
    explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=40., params={syn: ['g_max']},
                               presets={"weak": {"g_max": 0.5 * g_max}}, autostart=False)
    try:
        before = explorer.state()
        refused = explorer.restore({"preset": preset, "controls": {"g_max": 0.25 * g_max}})
        assert refused == [f"preset: no preset {preset!r}"]
        assert explorer.state()["preset"] == before["preset"]
    finally:
        explorer.runner.close()


def test_a_file_nested_thousands_deep_is_refused_not_a_recursion_error():
    from bp_core.errors import ModelUseError
    from bpwidgets.dashboards.lecture import read_state

    deep = b'{"dashboard": "gamma", "format": 1, "state": {"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    with pytest.raises(ModelUseError, match="nests its values too deep"):
        read_state("gamma", deep)
