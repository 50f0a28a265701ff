"""Sweeps on a ``dask.distributed`` cluster, as the caller meets trouble: Ctrl-C while points run, ``cancel``
from another thread, a point that hangs. Finished points are kept, the others are named as cancelled or
timed out, and nothing of the sweep stays on the cluster (the next sweep runs at once)."""

import os
import signal
import threading
import time

import pytest
from dask.distributed import Client

import bp_core as bp
from tests.adversarial import sweep_points as points
from tests.bp_core.test_running import dask_cluster  # noqa: F401  (the fixture: a scheduler and two workers)


def _sweep_tasks(client: Client) -> list[str]:
    """Keys of this package's sweep tasks the scheduler still holds."""
    keys = client.run_on_scheduler(lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks])
    return [k for k in keys if k.startswith("bp-sweep-")]


def _no_sweep_left(client: Client, within: float = 30.) -> bool:
    deadline = time.monotonic() + within
    while _sweep_tasks(client):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_ctrl_c_during_a_cluster_sweep_keeps_what_finished_and_cancels_the_rest(dask_cluster):  # noqa: F811
    seen = []

    def interrupt_after_two(k, result):
        seen.append(k)
        if len(seen) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C in the caller while the cluster runs the next points

    with Client(dask_cluster, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
        results = bp.running.sweep(points.slow_square, {"x": list(range(12))}, client=client,
                                   on_result=interrupt_after_two)
        assert len(results) == 12 and [r.params["x"] for r in results] == list(range(12))
        kept = [r for r in results if r.ok]
        assert len(kept) >= 2 and all(r.value == r.params["x"] ** 2 for r in kept)
        assert {r.failure for r in results if not r.ok} == {"cancelled"} and len(kept) < 12
        assert _no_sweep_left(client)
        again = bp.running.sweep(points.square, {"x": [1, 2, 3]}, client=client)
    assert [r.value for r in again] == [1, 4, 9]


def test_cancel_and_a_hanging_point_on_a_cluster_name_each_point(dask_cluster):  # noqa: F811
    cancel = threading.Event()
    with Client(dask_cluster, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
        results = bp.running.sweep(points.slow_square, {"x": list(range(20))}, client=client, cancel=cancel,
                                   on_result=lambda k, r: cancel.set())
        assert {r.failure for r in results if not r.ok} == {"cancelled"}
        assert 1 <= sum(r.ok for r in results) < 20
        assert _no_sweep_left(client)
        client.wait_for_workers(2, timeout=120)
        hung = bp.running.sweep(points.sleep_at_bad, {"x": [0, points.BAD, 3]}, client=client, timeout=3.)
    assert [r.failure for r in hung] == [None, "timeout", None] and hung[2].value == 9
    assert "timeout of 3 s" in hung[1].error
