"""Sweeps keep every good result: points that crash, exit, hang or return what cannot travel; Ctrl-C; huge grids."""

import itertools
import json
import os
import signal
import subprocess
import sys
import tracemalloc
import uuid
from pathlib import Path

import psutil
import pytest

import bp_core as bp
from tests.adversarial import sweep_points as points

GRID = {"x": [0, 1, points.BAD, 3, 4]}
ROOT = Path(__file__).resolve().parents[2]


def sweep_workers() -> list[psutil.Process]:
    """Live child processes of this test process that are sweep workers (not multiprocessing's helpers)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


@pytest.mark.parametrize("func, failure, said", [
    (points.abort_at_bad, "died", "SIGABRT"),
    (points.segfault_at_bad, "died", "SIGSEGV"),
    (points.exit_at_bad, "exit", "sys.exit(3)"),
    (points.interrupt_at_bad, "exit", "KeyboardInterrupt"),
    (points.lock_at_bad, "unpicklable", "lock"),
])
def test_a_point_that_crashes_exits_or_returns_a_lock_fails_alone(func, failure, said):
    results = bp.running.sweep(func, GRID, n_workers=2)
    assert [r.params for r in results] == bp.running.grid_points(GRID)
    for r in results:
        if r.params["x"] == points.BAD:
            assert not r.ok and r.failure == failure and said in r.error and r.value is None
        else:
            assert r.ok and r.value == r.params["x"] ** 2 and r.failure is None
    assert not sweep_workers()


def test_a_point_whose_parameters_cannot_be_pickled_fails_alone():
    import threading

    grid = [{"x": 1}, {"x": threading.Lock()}, {"x": 3}]
    results = bp.running.sweep(points.square_or_none, grid, n_workers=1)
    assert [r.value for r in results] == [1, None, 9] and results[1].failure == "unpicklable"
    assert "parameters cannot be sent" in results[1].error
    assert not sweep_workers()


def test_a_process_pool_run_that_kills_its_worker_is_reported_with_every_result():
    with pytest.raises(bp.errors.RunError, match="1 of 5 runs failed; run 2") as err:
        bp.running.process_pool(points.abort_at_bad, [(x,) for x in range(5)], 2)
    assert [r.value for r in err.value.results] == [0, 1, None, 9, 16]
    assert "SIGABRT" in err.value.results[2].error
    assert not sweep_workers()


def test_a_point_past_its_timeout_is_ended_and_the_others_kept():
    results = bp.running.sweep(points.sleep_at_bad, GRID, n_workers=2, timeout=2.0)
    bad = results[points.BAD]
    assert bad.failure == "timeout" and "2 s" in bad.error
    assert [r.value for r in results if r.ok] == [0, 1, 9, 16]
    assert not sweep_workers()


def test_every_point_of_a_worse_grid_fails_alone_and_the_pool_recovers():
    # three of four points kill their worker: each is replaced and the good point still runs
    grid = [{"x": points.BAD}, {"x": points.BAD}, {"x": 5}, {"x": points.BAD}]
    results = bp.running.sweep(points.abort_at_bad, grid, n_workers=2)
    assert [r.failure for r in results] == ["died", "died", None, "died"] and results[2].value == 25
    assert not sweep_workers()


def test_a_huge_grid_streams_its_first_results_without_being_built():
    grid = {"a": range(2000), "b": range(2000)}
    assert bp.running.grid_size(grid) == 4_000_000
    tracemalloc.start()
    try:
        stream = bp.running.sweep_iter(points.square_sum, grid, n_workers=2)
        first = list(itertools.islice(stream, 3))
        stream.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 4 million points as dicts would take over a gigabyte; only a handful were ever generated
    assert peak < 20 * 2**20, peak
    assert all(r.ok and r.value == r.params["a"] + r.params["b"] for r in first)
    assert {r.index for r in first} <= set(range(6))
    assert not sweep_workers()


def test_cancel_from_another_thread_returns_what_finished():
    import threading

    cancel = threading.Event()
    results = bp.running.sweep(points.slow_square, {"x": list(range(30))}, n_workers=2, cancel=cancel,
                               on_result=lambda k, r: cancel.set())
    kept = [r for r in results if r.ok]
    assert 1 <= len(kept) < 30 and all(r.value == r.params["x"] ** 2 for r in kept)
    assert {r.failure for r in results if not r.ok} == {"cancelled"} and len(results) == 30
    assert not sweep_workers()


def test_sigint_to_a_sweeping_process_returns_the_finished_points_and_leaves_no_worker():
    mark = uuid.uuid4().hex
    env = dict(os.environ, BP_SWEEP_SIGINT_TEST=mark, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "tests.adversarial.sweep_points"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "first"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    kept = json.loads(out.strip().splitlines()[-1])
    assert kept["n"] == 40 and 1 <= len(kept["ok"]) < 40 and kept["cancelled"] == 40 - len(kept["ok"])
    assert kept["children"] == []
    left = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("BP_SWEEP_SIGINT_TEST") == mark:
                left.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    assert not left


@pytest.mark.parametrize("grid, said", [
    ({"tau": "10"}, "string '10'"),
    ({"tau": []}, "grid['tau'] is empty"),
    ({"tau": [1.0, float("nan")]}, "'tau' has the non-finite value nan"),
    ({"tau": [1.0], "g": [float("inf")]}, "'g' has the non-finite value inf"),
    ({"tau": 5.0}, "grid['tau'] must be a list"),
    ([{"tau": 1.0}, {"tau": float("-inf")}], "'tau' has the non-finite value -inf at point 1"),
    ([{"tau": 1.0}, 3], "point 1 is int 3"),
    ({"not a name": [1]}, "not a Python identifier"),
])
def test_bad_grid_values_are_refused_naming_the_parameter(grid, said):
    with pytest.raises(bp.errors.ModelUseError) as err:
        bp.running.grid_points(grid)
    assert said in str(err.value)
    with pytest.raises(bp.errors.ModelUseError):
        bp.running.sweep(points.square, grid, n_workers=1)
    assert not sweep_workers()


def test_a_string_in_a_list_is_one_value():
    assert bp.running.grid_points({"name": ["10", "ab"]}) == [{"name": "10"}, {"name": "ab"}]


@pytest.mark.parametrize("options, said", [({"n_workers": 0}, "n_workers"), ({"timeout": -1}, "timeout"),
                                           ({"timeout": float("nan")}, "timeout"),
                                           ({"start_method": "thread"}, "start_method")])
def test_bad_options_are_refused(options, said):
    with pytest.raises(bp.errors.ModelUseError, match=said):
        bp.running.sweep(points.square, GRID, **options)
