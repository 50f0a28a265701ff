"""First passes shared between kernels: recorded once, streamed by later runners without simulating, equal to a
simulation array for array, and never trusted blindly (a damaged or foreign file is simulated instead)."""

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import bp_core as bp
from bpwidgets.first_pass import RECORD_ENV, FirstPasses, installed_code
from bpwidgets.runner import LiveRunner

DURATION, CHUNK = 12.0, 2.0  # ms: six chunks of the gamma network's 0.04 ms steps


def _pass(store, share="gamma-test", g_max=None, seed=0, duration=DURATION, current=1.2):
    """One first pass of a small gamma network: (frames, network)."""
    net, neu, syn = bp.models.gamma_network(10)
    if g_max is not None:
        syn.pars['g_max'] = g_max
    runner = LiveRunner(net, inputs=[(neu, 'ST.input', current)], duration=duration, chunk=CHUNK, seed=seed,
                        share=share, first_passes=store)
    frames = []
    runner.subscribe(frames.append)
    runner.restart()
    assert runner.wait(300)
    assert [f.kind for f in frames][-1] == "done", frames[-1]
    return frames, net, runner


def _record(store, monkeypatch, **kwargs):
    monkeypatch.setenv(RECORD_ENV, "1")
    try:
        return _pass(store, **kwargs)
    finally:
        monkeypatch.delenv(RECORD_ENV)


def _assert_same_pass(a, b):
    chunks_a, chunks_b = [f for f in a if f.kind == "chunk"], [f for f in b if f.kind == "chunk"]
    assert len(chunks_a) == len(chunks_b) == round(DURATION / CHUNK)
    for x, y in zip(chunks_a, chunks_b):
        # objects in the network's order (their automatic names depend on what the process made before)
        assert x.progress == y.progress and len(x.monitors) == len(y.monitors)
        for (name, mon), other in zip(x.monitors.items(), y.monitors.values()):
            assert sorted(mon.keys()) == sorted(other.keys())
            for key in mon.keys():  # the dense arrays, event fields densified, ts
                assert mon[key].dtype == other[key].dtype and np.array_equal(mon[key], other[key]), (name, key)
            for key in mon.event_keys():
                ev, ew = mon[f"{key}_events"], other[f"{key}_events"]
                assert np.array_equal(ev.index, ew.index) and np.array_equal(ev.step, ew.step)
                assert np.array_equal(ev.time, ew.time) and ev.num == ew.num
                assert ev.index.dtype == ew.index.dtype and ev.step.dtype == ew.step.dtype


def test_a_recorded_first_pass_is_streamed_without_building_and_equals_a_simulation(tmp_path, monkeypatch):
    store = FirstPasses(tmp_path / "passes")
    recorded, _, _ = _record(store, monkeypatch)
    assert not recorded[0].shared and len(list(store.path.glob("*.npz"))) == 1
    shared, net, runner = _pass(store)
    assert shared[0].shared
    assert net.build_count == 0 and net.compile_count == 0  # streamed: nothing was built, nothing simulated
    fresh, fresh_net, _ = _pass(None, share=None)  # a runner that never looks: simulated
    assert not fresh[0].shared and fresh_net.build_count == 1
    _assert_same_pass(fresh, shared)
    _assert_same_pass(fresh, recorded)
    spikes = sum(len(f.monitors[net.objects[0].name].spike_events) for f in shared if f.kind == "chunk")
    assert spikes > 0  # a pass with spikes in it, not two empty ones
    assert runner.speed == 0.0 and runner.status == "done"  # no simulation speed claimed for a file


def test_a_pass_that_differs_in_anything_keyed_is_simulated(tmp_path, monkeypatch):
    store = FirstPasses(tmp_path / "passes")
    _record(store, monkeypatch)
    for change in ({"g_max": 0.02}, {"seed": 1}, {"duration": DURATION - CHUNK}, {"current": 1.3},
                   {"share": "another dashboard"}):
        frames, net, _ = _pass(store, **change)
        assert not frames[0].shared and net.build_count == 1, change
    frames, _, _ = _pass(store)  # and the recorded one still is
    assert frames[0].shared


def test_after_a_streamed_pass_a_changed_parameter_is_simulated_as_a_new_network_would(tmp_path, monkeypatch):
    store = FirstPasses(tmp_path / "passes")
    _record(store, monkeypatch)
    frames, net, runner = _pass(store)
    assert frames[0].shared
    frames.clear()
    net.objects[1].pars['g_max'] = 0.03
    runner.restart()
    assert runner.wait(300) and not frames[0].shared and net.build_count == 1
    fresh, _, _ = _pass(None, share=None, g_max=0.03)
    _assert_same_pass(fresh, frames)
    frames.clear()
    net.objects[1].pars['g_max'] = 0.1 / 10  # back to the recorded values: simulated all the same, once built
    runner.restart()
    assert runner.wait(300) and not frames[0].shared


def test_a_pre_started_kernel_builds_the_network_right_after_streaming(tmp_path, monkeypatch):
    store = FirstPasses(tmp_path / "passes")
    _record(store, monkeypatch)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    frames, net, runner = _pass(store)
    assert frames[0].shared and net.build_count == 1  # built while no page waited
    compiled = net.compile_count
    frames.clear()
    net.objects[1].pars['g_max'] = 0.03
    runner.restart()
    assert runner.wait(300) and not frames[0].shared
    assert net.compile_count == compiled  # the slider's pass found its kernel loaded (a restore plans again: cheap)


def _damage(file, how):
    if how == "truncated":
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    elif how == "garbage":
        file.write_bytes(b"\x93NUMPY" + bytes(range(256)) * 40)
    elif how == "empty":
        file.write_bytes(b"")
    elif how in ("foreign key", "spike out of range", "short chunk", "pickled"):
        with np.load(file, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        header = json.loads(bytes(arrays["__header__"]).decode())
        if how == "foreign key":
            header["key"] = "0" * 64
        elif how == "spike out of range":
            name = next(k for k in arrays if k.endswith("/e/spike/index") and arrays[k].size)
            arrays[name] = arrays[name] + 1000
        elif how == "short chunk":
            name = next(k for k in arrays if k.startswith("c1/") and k.endswith("/a/ts"))
            arrays[name] = arrays[name][:-1]
        else:
            name = next(k for k in arrays if k.endswith("/a/V"))
            arrays[name] = np.array([object()] * 3, dtype=object)
        arrays["__header__"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
        with open(file, "wb") as out:
            np.savez(out, **arrays, allow_pickle=True) if how == "pickled" else np.savez(out, **arrays)
    else:
        with zipfile.ZipFile(file, "a") as archive:  # a second header: the reader must not be confused into one
            archive.writestr("x.npy", b"not an array")


@pytest.mark.parametrize("how", ["truncated", "garbage", "empty", "foreign key", "spike out of range", "short chunk",
                                 "pickled", "extra member"])
def test_a_damaged_or_foreign_file_is_simulated_instead_never_a_crash(tmp_path, monkeypatch, how):
    store = FirstPasses(tmp_path / "passes")
    recorded, _, _ = _record(store, monkeypatch)
    (file,) = store.path.glob("*.npz")
    _damage(file, how)
    frames, net, _ = _pass(store)
    if how == "extra member":  # an unknown member is not read: the pass is still the recorded one
        assert frames[0].shared
    else:
        assert not frames[0].shared and net.build_count == 1, how
    _assert_same_pass(recorded, frames)


def test_an_unwritable_folder_leaves_the_pass_simulated_and_shown(tmp_path, monkeypatch):
    blocker = tmp_path / "passes"
    blocker.write_text("a file where the folder would be")
    frames, _, _ = _record(FirstPasses(blocker), monkeypatch)
    assert [f.kind for f in frames][-1] == "done" and not frames[0].shared


def _explorer_pass(module, monkeypatch, record):
    if record:
        monkeypatch.setenv(RECORD_ENV, "1")
    try:
        explorer = module.explorer(20, duration=40.)
        starts = []
        explorer.runner.subscribe(lambda frame: frame.kind == "start" and starts.append(frame.shared))
        assert explorer.runner.wait(300) and explorer.runner.status == "done"
        return explorer, starts
    finally:
        monkeypatch.delenv(RECORD_ENV, raising=False)


@pytest.mark.parametrize("name", ["gamma", "ei_balance"])
def test_a_dashboards_first_pass_is_shared_and_its_figures_show_the_same_run(tmp_path, monkeypatch, name):
    import importlib

    module = importlib.import_module(f"bpwidgets.dashboards.{name}")
    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / "cache"))
    recorded, starts = _explorer_pass(module, monkeypatch, record=True)
    assert starts == [False] and list((tmp_path / "cache" / "first-passes").glob("*.npz"))
    shared, starts = _explorer_pass(module, monkeypatch, record=False)
    assert starts == [True] and shared.net.compile_count == 0
    assert shared.export_csv() == recorded.export_csv() and shared.summary["spikes"] > 0
    np.testing.assert_equal(shared.summary, recorded.summary)
    assert np.array_equal(shared.rate_lines.y, recorded.rate_lines.y)
    assert np.array_equal(shared.trace_lines.y, recorded.trace_lines.y)
    assert len(shared.history.moments) == 1  # the pass is in the history, to go back to


def test_the_warm_up_records_the_first_pass_a_later_kernel_streams(tmp_path, monkeypatch):
    from bpwidgets import warmup
    from tests.browser.conftest import write_notebook

    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / "cache"))
    write_notebook(tmp_path / "lesson.ipynb", [
        "import bp_core as bp\nfrom bpwidgets.runner import LiveRunner\n"
        "net, neu, syn = bp.models.gamma_network(10)\n"
        f"runner = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration={DURATION}, chunk={CHUNK}, seed=0, "
        "share='gamma-test')\nrunner.restart()"])
    assert warmup.warm_all([tmp_path / "lesson.ipynb"]) == 0
    installed_code.cache_clear()  # the code as the kernel saw it, not as it was when this process first looked
    frames, net, _ = _pass(FirstPasses())  # the warm-up's folder, read in another process
    assert frames[0].shared and net.compile_count == 0
    _assert_same_pass(_pass(None, share=None)[0], frames)


def test_save_state_after_a_streamed_pass_takes_the_state_the_pass_ends_with(tmp_path, monkeypatch):
    store = FirstPasses(tmp_path / "passes")
    _record(store, monkeypatch)
    frames, net, runner = _pass(store)
    assert frames[0].shared
    _, fresh_net, fresh_runner = _pass(None, share=None)
    runner.save_state()
    fresh_runner.save_state()
    for mine, theirs in zip(runner._initial.states, fresh_runner._initial.states):
        assert np.array_equal(mine, theirs)
    assert not np.array_equal(runner._initial.states[0], frames[0].snapshot.states[0])  # the pass moved it


def test_the_hh_dashboards_first_figures_are_computed_once_for_every_kernel(tmp_path, monkeypatch):
    from bpwidgets.dashboards import hh_neuron

    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(RECORD_ENV, "1")
    recorded = hh_neuron.HHDashboard()
    monkeypatch.delenv(RECORD_ENV)
    assert len(list((tmp_path / "cache" / "first-passes").glob("*.npz"))) == 2  # the F-I curve and the trace

    def no_run(*args, **kwargs):
        raise AssertionError("simulated although the warm-up recorded this run")

    with monkeypatch.context() as patched:
        patched.setattr(hh_neuron, "run_hh", no_run)
        shared = hh_neuron.HHDashboard()
    for a, b in ((shared.rates, recorded.rates), (shared.v_lines.y, recorded.v_lines.y),
                 (shared.v_lines.x, recorded.v_lines.x), (shared.gate_lines.y, recorded.gate_lines.y),
                 (shared.fi_lines.y, recorded.fi_lines.y)):
        assert np.array_equal(a, b)
    assert shared.info == recorded.info and "spikes" in shared.info and shared.rheobase == recorded.rheobase
    fresh = hh_neuron.simulate("step", 10.0)  # what the recording holds is the simulation
    assert np.array_equal(shared._trace[1][0], fresh.mon.V[:, 0])
    assert np.array_equal(shared.rates, hh_neuron.fi_curve(np.linspace(0., 40., 81)))

    shared.settings["amplitude"] = 12.0  # a value nobody recorded: simulated
    shared.redraw()
    assert np.array_equal(shared._trace[1][0], hh_neuron.simulate("step", 12.0).mon.V[:, 0])
    for file in (tmp_path / "cache" / "first-passes").glob("*.npz"):
        file.write_bytes(file.read_bytes()[:100])  # damaged: computed again, the same
    again = hh_neuron.HHDashboard()
    assert np.array_equal(again.rates, recorded.rates) and np.array_equal(again.v_lines.y, recorded.v_lines.y)


def test_a_streamed_pass_carries_bp_cores_public_monitor_results(tmp_path, monkeypatch):
    store = FirstPasses(tmp_path / "passes")
    _record(store, monkeypatch)
    frames, net, _ = _pass(store)
    assert frames[0].shared
    for frame in (f for f in frames if f.kind == "chunk"):
        assert all(type(mon) is bp.MonitorResults for mon in frame.monitors.values())
    assert type(net.objects[0].mon) is bp.MonitorResults  # the class group.mon is


READER = """
import sys
import numpy as np
from bpwidgets import first_pass
first_pass.installed_code = lambda: "0" * 64  # the code of an older installation
def take(header, archive):
    print("reading", flush=True)
    sys.stdin.readline()  # the test writes a newer installation's file meanwhile
    return archive["r/x"]
print(first_pass.FirstPasses(sys.argv[1])._read(sys.argv[2], take).tolist(), flush=True)
"""


def _old_file(store, monkeypatch, name="old"):
    """A file an older installation wrote (its code's digest starts the name); returns it and its key."""
    import bpwidgets.first_pass as first_pass

    before = set(store.path.glob("*.npz"))
    with monkeypatch.context() as old:
        old.setattr(first_pass, "installed_code", lambda: "0" * 64)
        old.setenv(RECORD_ENV, "1")
        store.computed(name, [1], lambda: {"x": np.arange(3.)})
    (file,) = set(store.path.glob("*.npz")) - before
    assert file.name.startswith("0000")
    with np.load(file) as archive:
        return file, json.loads(bytes(archive["__header__"]).decode())["key"]


def test_writing_a_pass_removes_the_files_of_older_code_but_never_one_being_read(tmp_path, monkeypatch):
    store = FirstPasses(tmp_path / "passes")
    old, key = _old_file(store, monkeypatch)
    idle, _ = _old_file(store, monkeypatch, "another")
    monkeypatch.setenv(RECORD_ENV, "1")
    store.computed("mine", [1], lambda: {"x": np.ones(2)})
    store.computed("mine too", [2], lambda: {"x": np.ones(2)})  # a file of this code is never removed
    assert not old.exists() and not idle.exists() and len(list(store.path.glob("*.npz"))) == 2

    old, key = _old_file(store, monkeypatch, "old again")
    reader = subprocess.Popen([sys.executable, "-c", READER, str(store.path), key], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "reading\n"  # the older kernel holds its file open, reading
        monkeypatch.setenv(RECORD_ENV, "1")
        store.computed("mine", [3], lambda: {"x": np.ones(2)})
        assert old.exists()  # left to its reader
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline() == "[0.0, 1.0, 2.0]\n"  # read whole
    finally:
        reader.stdin.close()
        assert reader.wait(60) == 0
    store.computed("mine", [4], lambda: {"x": np.ones(2)})
    assert not old.exists()  # no longer read: removed by the next write
    partial = store.path / ".partial-0000.npz"  # another writer's file, being written: never touched
    partial.write_bytes(b"")
    store.computed("mine", [5], lambda: {"x": np.ones(2)})
    assert partial.exists()
