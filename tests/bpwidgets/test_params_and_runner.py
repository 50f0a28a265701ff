"""ParameterPanel and LiveRunner without a browser."""

import asyncio
import threading
import time

import numpy as np
import pytest
from traitlets import TraitError

import bp_core as bp
from bpwidgets import LiveRunner, ParameterPanel


def test_panel_mirrors_parameters_and_writes_them(gamma):
    net, neu, syn = gamma
    panel = ParameterPanel(syn, names=['g_max'])
    assert panel.g_max == pytest.approx(0.1 / 30) and panel.ranges['g_max'] == (0.0, pytest.approx(0.2 / 30))
    seen = []
    panel.on_change(lambda name, value: seen.append((name, value)))
    panel.g_max = 0.002
    assert syn.pars['g_max'] == 0.002 and seen == [('g_max', 0.002)]
    panel.reset()
    assert syn.pars['g_max'] == pytest.approx(0.1 / 30)
    with pytest.raises(bp.errors.ModelUseError, match="Did you mean 'g_max'"):
        ParameterPanel(syn, names=['gmax'])


def test_slider_and_code_are_the_same_thing(gamma):
    _, _, syn = gamma
    panel = ParameterPanel(syn, names=['g_max'])
    slider = panel.widget and panel.sliders['g_max']
    slider.value = 0.005
    assert panel.g_max == pytest.approx(0.005) and syn.pars['g_max'] == pytest.approx(0.005)
    panel.g_max = 0.001
    assert slider.value == pytest.approx(0.001)


@pytest.mark.parametrize("state", [{"max": 1e9, "value": 1e9}, {"value": float("nan")}, {"min": -5.0, "value": -5.0}])
def test_crafted_browser_values_are_refused_and_the_model_keeps_its_state(gamma, state):
    _, _, syn = gamma
    panel = ParameterPanel(syn, names=['g_max'])
    slider = panel.widget and panel.sliders['g_max']
    before = syn.pars['g_max']
    slider.set_state(state)  # what a comm message from the front end does
    assert syn.pars['g_max'] == before and panel.g_max == before
    assert slider.value == pytest.approx(before)
    assert "must" in panel.message
    with pytest.raises(TraitError):
        panel.g_max = float("inf")


def test_runner_streams_chunks_and_completes_a_pass(gamma):
    net, neu, _ = gamma
    runner = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration=40., chunk=10.)
    frames = []
    runner.subscribe(frames.append)
    runner.restart()
    assert runner.wait()
    kinds = [f.kind for f in frames]
    assert kinds == ["start", "chunk", "chunk", "chunk", "chunk", "done"]
    chunk = frames[1].monitors[neu.name]
    assert chunk['spike'].shape == (250, 30)
    assert isinstance(chunk.spike_events, bp.Events) and 'spike' in chunk.event_keys()
    np.testing.assert_array_equal(chunk.spike_events.dense(), chunk['spike'])
    np.testing.assert_allclose(frames[2].monitors[neu.name]['ts'][0], 10.0)
    assert runner.status == "done" and runner.completed_passes == 1 and runner.progress == 1.0


def test_passes_restart_from_the_same_state_and_are_reproducible(gamma):
    net, neu, _ = gamma
    runner = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration=20., chunk=5., seed=3)
    spikes = []
    runner.subscribe(lambda f: f.kind == "chunk" and spikes.append(f.monitors[neu.name]['V']))
    for _ in range(2):
        runner.restart()
        runner.wait()
    half = len(spikes) // 2
    np.testing.assert_array_equal(np.concatenate(spikes[:half]), np.concatenate(spikes[half:]))


def test_burst_of_changes_ends_with_one_pass_for_the_last_value(gamma):
    net, neu, syn = gamma
    panel = ParameterPanel(syn, names=['g_max'])
    runner = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration=100., chunk=5.)
    frames = []
    runner.subscribe(frames.append)
    panel.on_change(lambda name, value: runner.restart())
    runner.restart()
    runner.wait()
    compiled = net.compile_count
    values = np.linspace(0.0005, 0.006, 20)
    for value in values:
        panel.g_max = value
        time.sleep(0.045)
    runner.wait()
    last = runner._requested
    assert [f.kind for f in frames if f.generation == last].count("done") == 1
    assert not [f for f in frames if f.kind == "error"]
    assert syn.pars['g_max'] == values[-1] and net.compile_count == compiled


def _bad_update(ST, _t, table):
    ST['V'] = table[int(ST['idx']) + 100]


def test_model_errors_surface_in_the_runner():
    model = bp.NeuType(name='Broken', ST=bp.types.NeuState('V', 'spike', idx=0.), steps=_bad_update, mode='scalar')
    group = bp.NeuGroup(model, 2, monitors=['spike'], satisfies={'table': np.zeros(3)})
    runner = LiveRunner(bp.Network(group), duration=5.)
    runner.restart()
    runner.wait()
    assert runner.status == "error" and runner.error.startswith("RunError: step function '_bad_update'")
    assert "Traceback" not in runner.error


def test_stop_ends_a_long_pass_at_the_next_chunk(gamma):
    from bpwidgets.runner import MAX_FRAMES_IN_FLIGHT

    net, neu, _ = gamma
    runner = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration=20000., chunk=10.)
    chunks = []
    runner.subscribe(lambda frame: frame.kind == "chunk" and chunks.append(frame))
    runner.restart()
    while len(chunks) < 3:
        runner.wait(timeout=0.05)
        runner.deliver_pending()
    runner.stop()
    at_stop = len(chunks)
    assert runner.wait(timeout=30.0)
    runner.deliver_pending()
    assert runner.status == "stopped"
    # the chunk being computed, and those already posted, are all that follow a stop
    assert len(chunks) - at_stop <= MAX_FRAMES_IN_FLIGHT + 1 and len(chunks) < 2000 / 10


def test_frames_are_delivered_on_the_event_loop_thread(gamma):
    net, neu, _ = gamma
    threads = []

    async def main():
        runner = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration=30., chunk=10.)
        runner.subscribe(lambda frame: threads.append(threading.get_ident()))
        runner.restart()
        for _ in range(600):
            await asyncio.sleep(0.01)
            if runner.status == "done":
                return runner
        raise AssertionError("the pass did not finish")

    runner = asyncio.run(main())
    assert runner.completed_passes == 1 and len(threads) == 5
    assert set(threads) == {threading.get_ident()}


def test_frames_arrive_beside_a_loop_nobody_drives(gamma):
    # Playwright's sync API leaves an event loop that only moves during its own calls; a runner made beside
    # it must not hand frames to that loop (the browser tests share a process with these).
    from playwright.sync_api import sync_playwright

    net, neu, _ = gamma
    driver = sync_playwright().start()
    try:
        runner = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration=30., chunk=10.)
        frames = []
        runner.subscribe(frames.append)
        runner.restart()
        assert runner.wait(timeout=60.0)
        assert [f.kind for f in frames][-1] == "done" and len(frames) == 5
        runner.close()
    finally:
        driver.stop()


def test_an_inputs_function_that_raises_ends_the_pass_with_its_error(gamma):
    net, neu, _ = gamma

    def broken_inputs():
        raise ValueError("no stimulus file")

    runner = LiveRunner(net, inputs=broken_inputs, duration=20., chunk=10.)
    frames = []
    runner.subscribe(frames.append)
    runner.restart()
    assert runner.wait(timeout=60.0)
    assert runner.status == "error" and [f.kind for f in frames] == ["error"]
    assert "broken_inputs()" in runner.error and "ValueError: no stimulus file" in runner.error
    runner.inputs = [(neu, 'ST.input', 1.2)]  # the worker survived: a fixed function runs the next pass
    runner.restart()
    assert runner.wait(timeout=60.0) and runner.status == "done" and runner.error == ""
    assert runner.close()


def test_an_explorer_shows_the_inputs_error_on_its_error_line(gamma):
    from bpwidgets import NetworkExplorer

    net, neu, syn = gamma
    explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=20., params={syn: ['g_max']},
                               chunk=10., autostart=False)
    explorer.runner.inputs = lambda: 1 / 0
    explorer.runner.restart()
    assert explorer.runner.wait(timeout=60.0)
    assert explorer.runner.status == "error" and "ZeroDivisionError: division by zero" in explorer.error
    assert "ZeroDivisionError" in explorer.error_line.value
    assert explorer.runner.close()


def test_close_waits_for_the_worker_so_the_network_is_free_at_once(gamma):
    net, neu, _ = gamma
    runner = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration=20000., chunk=10.)
    chunks = []
    runner.subscribe(lambda frame: frame.kind == "chunk" and chunks.append(frame))
    runner.restart()
    while not chunks:
        runner.wait(timeout=0.05)
    assert runner.close(timeout=30.0)
    follower = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration=20., chunk=10.)  # snapshots the network
    follower.restart()
    assert follower.wait(timeout=60.0) and follower.status == "done"
    assert follower.close()
