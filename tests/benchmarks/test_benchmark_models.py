"""The benchmark models stay runnable and right: small versions of each, checked against references."""

import numpy as np
import pytest

import bp_core as bp
from benchmarks import models


def euler_spike_counts(drives: np.ndarray, duration: float, dt: float = 0.1) -> list[int]:
    """Spike counts of the agreement protocol by iterating its Euler recurrence directly."""
    v = np.full(drives.size, models.Vr)
    counts = np.zeros(drives.size, dtype=int)
    for _ in range(int(round(duration / dt))):
        v = v + dt * ((-(v - models.El_coba) + drives) / models.taum)
        fired = v > models.Vt
        counts += fired
        v[fired] = models.Vr
    return counts.tolist()


def test_agreement_protocol_matches_the_euler_recurrence():
    net, group, reset, inputs = models.build_single(20)
    net.run(300.)
    expected = euler_spike_counts(np.linspace(10.5, 30., 20), 300.)
    assert models.spike_counts(group).tolist() == expected
    assert expected[0] < expected[-1]


@pytest.mark.parametrize("model, low, high", [("coba", 5., 60.), ("cuba", 1., 40.)])
def test_lif_networks_fire_at_plausible_rates(model, low, high):
    net, group, reset, inputs = models.BUILDERS[model](800)
    net.run(200., inputs=inputs)
    rate = models.spike_counts(group).sum() / 800 / 0.2
    assert low < rate < high
    compiled = net.compile_count
    net.objects[1].pars['w'] = 0.3  # a parameter change re-runs the same kernel
    reset()
    net.run(50., inputs=inputs)
    assert net.compile_count == compiled


@pytest.mark.parametrize("model", ["coba", "cuba"])
def test_spec_idiom_form_fires_spike_for_spike_like_the_tuned_form(model):
    net, group, _, inputs = models.BUILDERS[model](800, seed=2)
    net.run(100., inputs=inputs)
    net_spec, group_spec, _, _ = models.BUILDERS[f"{model}_spec"](800, seed=2)
    net_spec.run(100., inputs=inputs)
    assert "np.where" not in net_spec.code and "index_update(" in net_spec.code
    np.testing.assert_array_equal(group_spec.mon.spike_index, group.mon.spike_index)
    np.testing.assert_array_equal(group_spec.mon.spike_time, group.mon.spike_time)
    assert group.mon.spike_index.size > 100


def test_spec_models_benchmark_times_a_run_from_the_start():
    """The timed (second) run of benchmarks/spec_models.py starts from the first run's initial state with the
    same random numbers, so its statistic is a run's from t = 0, as Brian2's (a second run left to continue from
    the first's state kept the neurons that had fired refractory until the restarted clock caught up)."""
    from benchmarks import spec_models
    from tests.spec_models import wang2002
    _, _, stat = spec_models.ours("wang2002", 100, 100., seed=4)
    E, I, ext, syns = wang2002.make(n_e=80, n_i=20)
    net = bp.Network(ext, E, I, *syns)
    net.reseed(4)
    net.run(100.)
    assert stat == (E.mon.spike.sum() / 80 / 0.1, I.mon.spike.sum() / 20 / 0.1)
    assert stat[1] > 0.
