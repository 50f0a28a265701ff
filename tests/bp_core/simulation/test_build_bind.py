"""Build once per structure, bind at every run: a parameter change neither plans, emits nor compiles, and the
run takes the new value; structural changes build again; a parallel kernel runs only where it was timed faster."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.backend.threads import ParallelChoice, free_cores
from bp_core.models.networks import ei_network
from bp_core.simulation import builds as builds_module
from bp_core.simulation import planning
from tests.bp_core.simulation.spec_models import gamma_network


def _outcome(net, group):
    return group.mon.V.copy(), group.mon.spike.copy(), group.ST['V'].copy()


def _assert_same(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def _rebuilt_run(net, snapshot, duration, inputs=()):
    """The run from ``snapshot`` with the current parameters, planned and compiled afresh (the reference)."""
    net.restore(snapshot, parameters=False)
    net._builder.builds.clear()
    before = net.build_count
    net.run(duration, inputs)
    assert net.build_count == before + 1


@pytest.mark.parametrize("jit", [False, True])
def test_a_parameter_change_runs_without_building_and_takes_effect(jit):
    bp.profile.set(jit=jit)
    net, group, exc, inh = ei_network(num=60, seed=3)
    net.run(10.)
    start = net.snapshot()
    net.run(10.)
    old = _outcome(net, group)
    builds, compiles, code = net.build_count, net.compile_count, net.code

    net.restore(start, parameters=False)
    group.pars['tau'] = 6.
    exc.pars['w'] = 2.5 * exc.pars['w']
    net.run(10.)
    new = _outcome(net, group)
    assert (net.build_count, net.compile_count, net.code) == (builds, compiles, code)
    assert not np.array_equal(new[0], old[0])  # the new values were used ...

    _rebuilt_run(net, start, 10.)
    _assert_same(_outcome(net, group), new)  # ... exactly as a kernel planned for them uses them


def test_a_delayed_network_binds_state_and_parameters_as_a_rebuilt_one_would():
    # gamma_network delays through a spike queue; setting a synapse's state restarts it (a new structure key)
    bp.profile.set(jit=False)
    net, neu, syn = gamma_network(num=12, seed=2)
    net.run(3.)
    start = net.snapshot()
    syn.pars['g_max'] = 0.5 / 12
    neu.ST['V'] = neu.ST['V'] + 3.
    net.run(3.)
    cached = _outcome(net, neu)
    builds = net.build_count
    syn.pars['g_max'] = 0.3 / 12
    net.run(3.)
    assert net.build_count == builds
    after = _outcome(net, neu)

    net.restore(start, parameters=False)
    syn.pars['g_max'] = 0.5 / 12
    neu.ST['V'] = neu.ST['V'] + 3.
    net._builder.builds.clear()
    net.run(3.)
    _assert_same(_outcome(net, neu), cached)
    net._builder.builds.clear()
    syn.pars['g_max'] = 0.3 / 12
    net.run(3.)
    _assert_same(_outcome(net, neu), after)


def test_structural_changes_build_again_and_earlier_structures_are_kept():
    bp.profile.set(jit=False)
    net, group, exc, inh = ei_network(num=40, seed=1)
    net.run(2.)
    assert net.build_count == 1
    net.run(2., inputs=(group, 'ST.input', 1.0))
    assert net.build_count == 2  # a new input
    net.run(2., inputs=(group, 'ST.input', np.linspace(0, 1, 40)))
    assert net.build_count == 3  # its value per neuron: another shape
    net.run(2., inputs=(group, 'ST.input', 2.0))
    assert net.build_count == 3  # the scalar input's structure was built before
    net.run(3., inputs=(group, 'ST.input', np.linspace(0, 1, 30), '+'))
    net.run(2., inputs=(group, 'ST.input', np.linspace(0, 1, 20), '+'))
    assert net.build_count == 4  # one value per step: the run's length is not structure
    group.pars['tau'] = np.full(40, 10.)
    net.run(2.)
    assert net.build_count == 5  # a per-neuron parameter is indexed, a uniform one is a loop constant
    group.pars['tau'] = 8.
    net.run(2.)
    assert net.build_count == 5
    with bp.profile.override(dt=0.05):
        net.refresh_profile()
    net.run(2.)
    assert net.build_count == 6
    with bp.profile.override(jit=True):
        net.refresh_profile()
    net.run(2.)
    assert net.build_count == 7


def test_kept_builds_are_bounded(monkeypatch):
    bp.profile.set(jit=False)
    monkeypatch.setattr(builds_module, "KEPT_BUILDS", 2)
    net, group, exc, inh = ei_network(num=20, seed=1)
    for value in (1.0, np.ones(20), np.ones((20, 20)), 1.0):
        net.run(2., inputs=(group, 'ST.input', value, '+'))
    assert len(net._builder.builds) == 2 and net.build_count == 4  # the first structure was dropped, then rebuilt


# -- parallel kernels: decided by measurement ------------------------------------------------------------------

def test_free_cores_leaves_out_the_busy_ones():
    assert free_cores(affinity=8, load=0.2, own=1) == 8
    assert free_cores(affinity=2, load=1.0, own=1) == 2  # the calling thread is the one runnable thread
    assert free_cores(affinity=2, load=2.4, own=1) == 1
    assert free_cores(affinity=2, load=2.1, own=2) == 2  # this process's own two threads are not other work
    assert free_cores(affinity=4, load=9.0, own=2) == 1
    assert free_cores(affinity=16, load=0.0, limit=4) == 4
    assert 1 <= free_cores()


def test_the_parallel_kernel_is_kept_only_when_timed_faster():
    assert ParallelChoice.for_run(1000, threads=1) is None  # one core free: nothing to time
    assert ParallelChoice.for_run(10, threads=4) is None  # too short to time
    for serial, parallel, expected in (((2.0, 1.0), (1.5, 0.9), "parallel"), ((1.0, 1.0), (0.97, 0.99), "serial"),
                                       ((1.0, 1.1), (6.0, 6.6), "serial")):
        choice = ParallelChoice.for_run(1000, threads=2)
        assert choice.steps == 50 and choice.kernel == "serial"  # 1000 steps: calls of a twentieth
        for s, p in zip(serial, parallel):
            assert choice.next_kernel() == "serial"
            choice.record("serial", s * choice.steps, choice.steps)
            assert choice.next_kernel() == "parallel"
            choice.record("parallel", p * choice.steps, choice.steps)
        assert choice.decided == expected and choice.next_kernel() is None and choice.kernel == expected


def test_a_parallel_network_times_both_kernels_once_and_matches_one_thread(monkeypatch):
    monkeypatch.setattr(planning, "PARALLEL_MIN_ELEMENTS", 2)
    monkeypatch.setattr(builds_module, "free_cores", lambda limit=None: 2)
    bp.profile.set(jit=True)
    results = []
    for parallel in (False, True):
        bp.profile.set_numba_profile(parallel=parallel)
        try:
            net, group, exc, inh = ei_network(num=50, seed=4)
            net.run(20.)
        finally:
            bp.profile.set_numba_profile(parallel=False)
        results.append(_outcome(net, group))
    _assert_same(*results)
    assert net.parallel_choice.split(" ")[0] in ("parallel", "serial")
    build = net._builder.latest
    assert len(build.choice.serial) == len(build.choice.parallel) == 2
    net.run(20.)  # decided: no second trial
    assert len(build.choice.serial) == 2
