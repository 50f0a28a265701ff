"""Process pools and parameter sweeps, locally and on a real dask.distributed LocalCluster."""

import numpy as np
import pytest

import bp_core as bp


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


def test_grid_points_expand_in_order():
    points = bp.running.grid_points(GRID)
    assert len(points) == 8 and points[0] == {"drive": 22.0, "tau": 8.0} and points[1] == {"drive": 22.0, "tau": 12.0}
    assert bp.running.grid_points([{"a": 1}, {"a": 2}]) == [{"a": 1}, {"a": 2}]
    with pytest.raises(bp.errors.ModelUseError):
        bp.running.grid_points(5)


def test_sweep_on_dask_matches_local_processes_and_keeps_failures():
    from dask.distributed import Client, LocalCluster

    local = bp.running.sweep(fragile, GRID, n_workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        remote = bp.running.sweep(fragile, GRID, client=client)
    assert [r.params for r in remote] == bp.running.grid_points(GRID)
    assert [r.value for r in remote] == [r.value for r in local]
    failed = [r for r in remote if not r.ok]
    assert [r.params["drive"] for r in failed] == [40.0, 40.0]
    assert "drive too strong" in failed[0].error
    values = [r.value for r in remote if r.ok]
    assert all(v > 0 for v in values)


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
    results = bp.running.sweep(fragile, GRID, n_workers=2, start_method="spawn",
                               on_result=lambda k, result: seen.append((k, result)))
    assert sorted(k for k, _ in seen) == list(range(len(results)))
    assert all(results[k] is result for k, result in seen)
    assert [r.params for r in results] == bp.running.grid_points(GRID)
