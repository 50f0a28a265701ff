"""Export (CSV, NPZ, copy as code) and rewind of a NetworkExplorer, driven from Python."""

import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest

import bp_core as bp
from bpwidgets import NetworkExplorer
from bpwidgets.history import History, Moment

SETUP = ("bp.profile.set(dt=0.04, numerical_method='exponential')\n"
         "net, neu, syn = bp.models.gamma_network(num=30, seed=1)")


@pytest.fixture
def gamma():
    """The network exactly as SETUP builds it (so a script made of SETUP rebuilds it)."""
    names = {"bp": bp}
    exec(SETUP, names)
    return names["net"], names["neu"], names["syn"]


def _explorer(gamma, **kwargs):
    net, neu, syn = gamma
    return NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=40., params={syn: ['g_max']},
                           traces=(0,), chunk=10., setup=SETUP, names={neu: 'neu', syn: 'syn'}, seed=11, **kwargs)


def _spikes(explorer):
    events = explorer._pass_events()
    return events.index.copy(), events.step.copy()


def test_back_and_forward_replay_earlier_passes_exactly(gamma):
    explorer = _explorer(gamma)
    explorer.runner.wait()
    first = _spikes(explorer)
    explorer.panels[0].g_max = explorer.panels[0].g_max * 1.9
    explorer.runner.wait()
    second = _spikes(explorer)
    assert not np.array_equal(first[0], second[0])
    assert explorer.history.describe() == "run 2 of 2" and explorer.forward_button.disabled
    assert explorer.back()
    explorer.runner.wait()
    for got, want in zip(_spikes(explorer), first):
        np.testing.assert_array_equal(got, want)
    assert explorer.panels[0].g_max == pytest.approx(explorer.panels[0].defaults['g_max'])
    assert explorer.history.describe() == "run 1 of 2" and explorer.back_button.disabled
    assert not explorer.back()  # nothing before the first
    assert explorer.forward()
    explorer.runner.wait()
    for got, want in zip(_spikes(explorer), second):
        np.testing.assert_array_equal(got, want)
    assert len(explorer.history.moments) == 2  # replays are not new moments


def test_a_change_after_stepping_back_drops_the_moments_ahead():
    history = History(limit=3)
    for k in range(5):
        history.record(Moment(k))
    assert [m.snapshot for m in history.moments] == [2, 3, 4]
    assert history.back().snapshot == 3
    history.record(Moment(9))
    assert [m.snapshot for m in history.moments] == [2, 3, 9] and not history.can_forward


def test_copy_as_code_reproduces_the_spikes_in_a_fresh_process(gamma, tmp_path):
    explorer = _explorer(gamma)
    explorer.runner.wait()
    explorer.panels[0].g_max = 0.0051
    explorer.panels[1].input0 = 1.35
    explorer.runner.wait()
    index, step = _spikes(explorer)
    assert index.size > 0
    script = explorer.code()
    assert "syn.pars['g_max'] = 0.0051" in script and "1.35" in script and "net.reseed(11)" in script
    out = tmp_path / "spikes.npz"
    script += f"import numpy as np\nnp.savez({str(out)!r}, index=spikes.index, step=spikes.step)\n"
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    with np.load(out) as saved:
        np.testing.assert_array_equal(saved["index"], index)
        np.testing.assert_array_equal(saved["step"], step)


def test_csv_and_npz_hold_the_pass_and_go_through_the_downloader(gamma):
    explorer = _explorer(gamma)
    explorer.runner.wait()
    events = explorer._pass_events()
    table = np.loadtxt(io.BytesIO(explorer.export_csv()), delimiter=",", skiprows=1, ndmin=2)
    np.testing.assert_array_equal(table[:, 0].astype(int), events.index)
    np.testing.assert_array_equal(table[:, 1], events.time)
    with np.load(io.BytesIO(explorer.export_npz())) as saved:
        np.testing.assert_array_equal(saved["spike_index"], events.index)
        assert saved["rate"].shape == saved["rate_time"].shape and saved["traces"].shape[0] == 1
        assert json.loads(str(saved["parameters"]))["seed"] == 11
    sent = []
    explorer.export.downloader.send = lambda content, buffers=None: sent.append((content, buffers))
    explorer.export.buttons["CSV"].click()
    assert sent[-1][0] == {"type": "download", "name": "spikes.csv", "mime": "text/csv"}
    assert sent[-1][1][0] == explorer.export_csv()
    explorer.export.buttons["code"].click()
    assert sent[-1][0]["name"] == "run.py" and explorer.code_box.value == explorer.code()


def test_copy_as_code_without_setup_says_what_to_give(gamma):
    net, neu, syn = gamma
    explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=20., params={syn: ['g_max']},
                               autostart=False)
    explorer.export.buttons["code"].click()
    assert "setup=" in explorer.export.message.value
    with pytest.raises(bp.errors.ModelUseError, match="names="):
        NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=20., setup="net = 1",
                        names={neu: 'neu'}, autostart=False).code()
    with pytest.raises(bp.errors.ModelUseError, match="file name"):
        explorer.export.downloader.save("../x.csv", b"")


@pytest.mark.parametrize("name, problem", [
    ("lambda", "is a Python keyword"), ("None", "is a Python keyword"),
    ("net", "is a name the script itself uses"), ("bp", "is a name the script itself uses"),
    ("2syn", "is not a Python name"), ("syn.x", "is not a Python name")])
def test_export_names_must_be_usable_variables(gamma, name, problem):
    net, neu, syn = gamma
    explorer = _explorer(gamma, autostart=False)
    explorer.names = {neu: 'neu', syn: name}
    with pytest.raises(bp.errors.ModelUseError, match=rf"copy as code: '{re.escape(name)}' {problem}.*names="):
        explorer.code()
    explorer.export.buttons["code"].click()  # the button shows the reason beside it
    assert problem in explorer.export.message.value
    explorer.names = {neu: 'neu', syn: 'syn'}
    compile(explorer.code(), "run.py", "exec")  # a valid name gives a script Python accepts


@pytest.mark.parametrize("dashboard", ["gamma", "ei_balance"])
def test_a_dashboards_code_reproduces_its_spikes_in_a_fresh_process(dashboard, tmp_path):
    from importlib import import_module

    module = import_module(f"bpwidgets.dashboards.{dashboard}")
    explorer = module.explorer(40, duration=30.) if dashboard == "gamma" else module.explorer(60, 0.2, duration=30.)
    explorer.runner.wait()
    explorer.presets.apply(list(explorer.presets.presets)[-1])
    explorer.runner.wait()
    events = explorer._pass_events()
    out = tmp_path / "spikes.npz"
    script = explorer.code() + f"import numpy as np\nnp.savez({str(out)!r}, index=spikes.index, step=spikes.step)\n"
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300, capture_output=True)
    with np.load(out) as saved:
        assert saved["index"].size == events.index.size > 0
        np.testing.assert_array_equal(saved["index"], events.index)
        np.testing.assert_array_equal(saved["step"], events.step)


def test_replaying_a_foreign_snapshot_is_an_error_in_the_widget_not_a_crash(gamma):
    explorer = _explorer(gamma)
    explorer.runner.wait()
    other, _, _ = bp.models.gamma_network(num=5)
    with pytest.raises(bp.errors.ModelUseError, match="snapshot of a start frame"):
        explorer.runner.replay({"V": 1.0})
    explorer.runner.replay(other.snapshot())
    explorer.runner.wait()
    assert explorer.runner.status == "error" and "restore" in explorer.error
    explorer.back_button.click()  # the history is intact: nothing recorded from the failed pass
    assert len(explorer.history.moments) == 1
