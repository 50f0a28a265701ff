"""Process pools and parameter sweeps, locally and on a dask.distributed cluster of separate processes."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import psutil
import pytest
from dask.distributed import Client

import bp_core as bp
from bp_core.running import cluster
from tests.adversarial import sweep_points

ROOT = Path(__file__).resolve().parents[2]


def lif_spike_count(drive, tau=10.0):
    """Run one LIF neuron for 100 ms and return its spike count."""
    bp.profile.set(dt=0.1)
    group = bp.NeuGroup(bp.models.get_LIF(tau=tau), 1, monitors=['spike'])
    group.run(100., inputs=('input', drive))
    return int(group.mon.spike.sum())


def fragile(drive, tau=10.0):
    if drive > 35:
        raise ValueError("drive too strong for this test")
    return lif_spike_count(drive, tau)


GRID = {"drive": [22.0, 26.0, 30.0, 40.0], "tau": [8.0, 12.0]}


def test_a_model_sweeps_on_local_processes_and_a_failing_point_is_kept_apart():
    # compiled here first, so the workers load the kernel from the compile cache instead of each compiling it
    expected = [lif_spike_count(22.0, 8.0), lif_spike_count(22.0, 12.0)]
    results = bp.running.sweep(fragile, GRID, n_workers=2)
    assert [r.params for r in results] == bp.running.grid_points(GRID)
    assert [r.value for r in results[:2]] == expected
    assert [r.failure for r in results] == [None] * 6 + ["exception"] * 2
    assert "drive too strong" in results[-1].error


def test_grid_points_expand_in_order():
    points = bp.running.grid_points(GRID)
    assert len(points) == 8 and points[0] == {"drive": 22.0, "tau": 8.0} and points[1] == {"drive": 22.0, "tau": 12.0}
    assert bp.running.grid_points([{"a": 1}, {"a": 2}]) == [{"a": 1}, {"a": 2}]
    with pytest.raises(bp.errors.ModelUseError):
        bp.running.grid_points(5)


@pytest.fixture(scope="module")
def dask_cluster():
    """A `dask scheduler` and two `dask worker` processes on 127.0.0.1 (random free ports); yields its address.

    The scheduler tries a point again once after its worker dies (`allowed-failures` 1, default 3), so a point
    that kills every worker it runs on is reported after two deaths; it gives a worker only as many tasks as it
    has threads (`worker-saturation` 1.0), so a worker's death counts against the point it was running alone.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1",
               DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION="1.0")
    dask = [sys.executable, "-m", "dask"]
    quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen(dask + ["scheduler", "--host", "127.0.0.1", "--port", str(port),
                                          "--no-dashboard"], **quiet)]
    try:
        processes += [subprocess.Popen(dask + ["worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                               "--nworkers", "1", "--no-dashboard", "--death-timeout", "60"], **quiet)
                      for _ in range(2)]
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        tree = []
        for process in processes:
            try:
                tree += psutil.Process(process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
        for process in reversed(processes):  # workers first, so they leave before their scheduler
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        _, alive = psutil.wait_procs(tree, timeout=30)
        for process in alive:
            process.kill()
        assert not alive, f"dask processes outlived the cluster: {alive}"


def test_sweep_on_a_dask_cluster_matches_local_processes_and_keeps_failures(dask_cluster):
    grid = {"a": [0.0, 1.0, 2.0], "b": [1.0, 2.0]}
    local = bp.running.sweep(sweep_points.half_broken, grid, n_workers=2)
    with Client(dask_cluster, timeout=60) as client:
        remote = bp.running.sweep(sweep_points.half_broken, grid, client=client)
    assert [r.params for r in remote] == bp.running.grid_points(grid)
    assert [r.value for r in remote] == [r.value for r in local] == [{"sum": 1.0}, {"sum": 2.0}, {"sum": 2.0},
                                                                     {"sum": 3.0}, None, None]
    failed = [r for r in remote if not r.ok]
    assert [r.index for r in failed] == [4, 5] and all(r.failure == "exception" for r in failed)
    assert "ValueError: too big" in failed[0].error


def test_on_a_cluster_a_point_that_kills_its_worker_is_reported_and_the_others_kept(dask_cluster):
    grid = {"x": list(range(7))}
    with Client(dask_cluster, timeout=60) as client:
        results = bp.running.sweep(sweep_points.misbehave_by_value, grid, client=client)
    assert [r.failure for r in results] == [None, None, "died", "exit", "unpicklable", None, None]
    assert [r.value for r in results if r.ok] == [0, 1, 25, 36]
    assert "sys.exit(3)" in results[3].error and "lock" in results[4].error


def test_on_a_cluster_a_point_past_its_timeout_is_reported_and_its_worker_restarted(dask_cluster):
    with Client(dask_cluster, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
        before = set(client.run(os.getpid).values())
        results = bp.running.sweep(sweep_points.sleep_at_bad, {"x": [0, 1, 2, 3]}, client=client, timeout=3.0)
        client.wait_for_workers(2, timeout=120)
        after = set(client.run(os.getpid).values())
        # no thread of any worker still runs the stuck point (it would hold that worker's one thread for good)
        still = client.run(lambda dask_worker: [str(task.key) for task in dask_worker.state.executing])
    assert [r.failure for r in results] == [None, None, "timeout", None] and results[3].value == 9
    assert len(before - after) == 1  # the worker stuck in the point was replaced; the other kept its process
    assert not any(still.values()), still


class _Tasks:
    def __init__(self, *keys):
        self.executing = {type("Task", (), {"key": key})() for key in keys}
        self.long_running = set()


class _StolenTaskClient:
    """A cluster whose scheduler has moved the stuck point to worker B while worker A still runs it."""

    def __init__(self):
        self.workers = {"A": type("W", (), {"state": _Tasks("stuck")})(), "B": type("W", (), {"state": _Tasks()})(),
                        "C": type("W", (), {"state": _Tasks("other")})()}
        self.restarted, self.cancelled = [], []

    def processing(self):
        return {"A": (), "B": ("stuck",), "C": ("other",)}

    def run(self, func, *args):
        return {name: func(*args, dask_worker=worker) for name, worker in self.workers.items()}

    def restart_workers(self, workers):
        assert self.cancelled  # cancelled first: a restart would send the point on to another worker
        self.restarted += workers


def test_a_timed_out_point_restarts_every_worker_running_it_not_only_the_schedulers_choice():
    client = _StolenTaskClient()
    future = type("Future", (), {"cancel": lambda self: client.cancelled.append(True)})()
    cluster._cancel_and_restart(client, future, "stuck")
    assert client.cancelled and client.restarted == ["A", "B"]


def test_on_a_cluster_the_points_of_a_worker_killed_mid_sweep_are_rerun(dask_cluster):
    with Client(dask_cluster, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)  # the nannies restart workers that earlier points killed
        victim = next(iter(client.run(os.getpid).values()))
        killed = []

        def kill_once(k, result):
            if not killed:
                killed.append(os.kill(victim, signal.SIGKILL))

        results = bp.running.sweep(sweep_points.slow_square, {"x": list(range(10))}, client=client,
                                   on_result=kill_once)
    assert killed and (not psutil.pid_exists(victim) or psutil.Process(victim).status() == psutil.STATUS_ZOMBIE)
    assert [r.value for r in results] == [x * x for x in range(10)]


def test_process_pool_with_tuples_dicts_and_lock():
    results = bp.running.process_pool(lif_spike_count, [(25.0,), {"drive": 30.0, "tau": 10.0}], 2)
    assert results == [lif_spike_count(25.0), lif_spike_count(30.0)]
    locked = bp.running.process_pool_lock(_with_lock, [(1,), (2,)], 2)
    assert locked == [2, 4]


def _with_lock(x, lock):
    with lock:
        return 2 * x


def test_lif_counts_grow_with_drive():
    counts = [lif_spike_count(d) for d in (22.0, 30.0)]
    assert counts[1] > counts[0] > 0
    assert np.all(np.diff(counts) > 0)


def test_sweep_reports_each_point_as_it_finishes_in_grid_places():
    seen = []
    grid = {"a": [0.0, 1.0, 2.0], "b": [1.0, 2.0]}
    results = bp.running.sweep(sweep_points.half_broken, grid, n_workers=2,
                               on_result=lambda k, result: seen.append((k, result)))
    assert sorted(k for k, _ in seen) == list(range(len(results)))
    assert all(results[k] is result and result.index == k for k, result in seen)
    assert [r.params for r in results] == bp.running.grid_points(grid)
    assert [r.failure for r in results] == [None] * 4 + ["exception"] * 2
