"""The blocked kernel (threads meet once per shortest synaptic delay, each delivering into its own slice) equals
the one-thread kernel spike for spike and V for V; networks it does not apply to keep the ``prange`` kernel."""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp
from bp_core.models.networks import ei_network
from bp_core.simulation import builds as builds_module
from bp_core.simulation import planning
from bp_core.simulation.blocked_runs import BlockedKernel, slice_bounds, split_routes

N = 120


@bp.integrate(method='euler')
def int_V(V, t, ge, gi, drive):
    return (ge * (0. - V) + gi * (-80. - V) - (V + 60.) + drive) / 20.


@bp.integrate(method='euler')
def int_ge(ge, t):
    return -ge / 5.


@bp.integrate(method='euler')
def int_gi(gi, t):
    return -gi / 10.


def update(ST, _t, _dt):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > 2. - 0.5 * _dt:
        V = int_V(ST['V'], _t, ST['ge'], ST['gi'], drive)
        if V > -50.:
            V = -60.
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['V'] = V
    ST['ge'] = int_ge(ST['ge'], _t)
    ST['gi'] = int_gi(ST['gi'], _t)
    if _t >= fail:
        ST['ge'] = np.sqrt(ST['ge'] - 1e9)  # NaN from the step at time ``fail`` on


def copy_spike(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def to_ge(ST, post):
    post['ge'] += w * ST['s']


@bp.delayed
def to_gi(ST, post):
    post['gi'] += w * ST['s']


drive, w, fail = 0., 1., 1e9
STATE = bp.types.NeuState({'V': -60., 'ge': 0., 'gi': 0., 'spike': 0., 't_last_spike': -1e7})
TO_GE = bp.SynType(name='blk_to_ge', ST=bp.types.SynState(['s']), steps=(copy_spike, to_ge), mode='scalar')
TO_GI = bp.SynType(name='blk_to_gi', ST=bp.types.SynState(['s']), steps=(copy_spike, to_gi), mode='scalar')


def _network(delay, step=update, weights=(0.6, 1.5), fail_at=1e9):
    """A COBA-like E/I network of N neurons with per-neuron drive, every synapse delayed through a spike queue."""
    bp.profile.set(dt=0.1, seed=3)
    lif = bp.NeuType(name='blk_LIF', ST=STATE, steps=step, mode='scalar')
    group = bp.NeuGroup(lif, N, monitors=['spike', 'V'])
    group.pars['drive'] = np.linspace(8., 30., N)  # per element: the step takes a slice of it
    if step is update:  # per element (one kernel for every test here): neuron 100, of the second slice, fails
        group.pars['fail'] = np.where(np.arange(N) == 100, fail_at, 1e9)
    group.ST['V'] = np.linspace(-60., -51., N)
    ne = int(0.8 * N)
    if callable(delay):  # one delay per synapse: as many as the connector makes
        count = bp.SynConn(TO_GE, pre_group=group[:ne], post_group=group, conn=bp.connect.FixedProb(0.15, seed=5)).num
    exc = bp.SynConn(TO_GE, pre_group=group[:ne], post_group=group, conn=bp.connect.FixedProb(0.15, seed=5),
                     delay=delay(count) if callable(delay) else delay)
    inh = bp.SynConn(TO_GI, pre_group=group[ne:], post_group=group, conn=bp.connect.FixedProb(0.15, seed=6),
                     delay=delay if not callable(delay) else 0.8)
    exc.pars['w'], inh.pars['w'] = weights
    return bp.Network(group, exc, inh), group


def _prepared(monkeypatch, parallel: bool, slices: int) -> None:
    monkeypatch.setattr(planning, "PARALLEL_MIN_ELEMENTS", 2)
    monkeypatch.setattr(builds_module, "free_cores", lambda limit=None: 2)
    monkeypatch.setattr(builds_module, "_numba_threads", lambda: slices)
    bp.profile.set(jit=True)
    bp.profile.set_numba_profile(parallel=parallel)


def _runs(monkeypatch, parallel: bool, delay, chunks=(17, 43, 1, 139), slices=2, weights=(0.6, 1.5)
          ) -> tuple[list[np.ndarray], object]:
    """Spikes and V of advance() chunks (steps), with a snapshot after the second chunk, restored after the
    last; the chunks after it run again. Forces the parallel kernel when ``parallel``."""
    _prepared(monkeypatch, parallel, slices)
    try:
        net, group = _network(delay, weights=weights)
        net.build(1.)
        build = net._builder.latest
        if parallel:
            build.choice = builds_module.ParallelChoice(threads=2, steps=10, decided="parallel")
        out, saved = [], None
        for k, steps in enumerate(list(chunks) + list(chunks[2:])):
            if k == len(chunks):
                net.restore(saved)
            net.advance(steps * 0.1)
            out += [np.asarray(group.mon.spike), np.asarray(group.mon.V)]
            if k == 1:
                saved = net.snapshot()
    finally:
        bp.profile.set_numba_profile(parallel=False)
    return out, build


def _heterogeneous(size):
    return np.random.RandomState(2).uniform(0.3, 1.2, size)


# each delay compiles its own kernels (the delay is named in the generated docstrings): three cases, not more
@pytest.mark.parametrize("delay, slices", [(0.2, 2), (0.5, 3), (_heterogeneous, 2)],
                         ids=["2 steps", "5 steps, 3 slices", "3 to 12 steps per synapse"])
def test_the_blocked_kernel_equals_one_thread_spike_for_spike(monkeypatch, delay, slices):
    reference, plain = _runs(monkeypatch, False, delay)
    assert plain.parallel_kernel is None
    spikes = sum(r.sum() for r in reference[0::2])
    assert spikes > 25  # the synapses matter (test_the_synapses_matter_so_the_comparison_can_fail)
    blocked, build = _runs(monkeypatch, True, delay, slices=slices)
    assert isinstance(build.parallel_kernel, BlockedKernel) and build.blocked_note == ""
    assert build.plan_of("parallel") is build.blocked_plan and "prange(_bk_T)" in build.blocked_plan.source
    for got, want in zip(blocked, reference):
        np.testing.assert_array_equal(got, want)


def test_the_synapses_matter_so_the_comparison_can_fail(monkeypatch):
    with_synapses, _ = _runs(monkeypatch, False, 0.5)
    without, _ = _runs(monkeypatch, False, 0.5, weights=(0., 0.))
    assert not np.array_equal(with_synapses[0], without[0])


def _failure(monkeypatch, parallel: bool) -> tuple[str, np.ndarray, float]:
    """The message of a run whose neuron 100 goes NaN at 2.05 ms, the spikes recorded and the time reached."""
    _prepared(monkeypatch, parallel, 2)
    try:
        net, group = _network(0.5, fail_at=2.05)
        net.build(1.)
        build = net._builder.latest
        if parallel:
            assert isinstance(build.parallel_kernel, BlockedKernel)
            build.choice = builds_module.ParallelChoice(threads=2, steps=10, decided="parallel")
        with pytest.raises(bp.errors.BrainPyError) as caught:
            net.advance(4.)
    finally:
        bp.profile.set_numba_profile(parallel=False)
    # objects are numbered across the process: the message names the group as the user sees it
    return str(caught.value).replace(group.name, "<group>"), np.asarray(group.mon.spike), net.t_end


def test_a_nan_stops_the_blocked_kernel_at_the_one_thread_kernels_step_with_its_message(monkeypatch):
    message, spikes, reached = _failure(monkeypatch, False)
    assert "ge" in message and 2.0 < reached < 2.5
    got = _failure(monkeypatch, True)
    assert got[0] == message and got[2] == reached
    np.testing.assert_array_equal(got[1], spikes)


class _Uncompiled:
    """Stands for a compiled kernel where only the choice of kernels is tested (nothing runs)."""

    jit, path = True, ""

    def __init__(self, plan):
        self.source = plan.source

    def __call__(self, *args):
        return 0, 0, 0, 0


def _build(monkeypatch, make, inputs=None):
    """The build of the network ``make()`` returns (made under the parallel option), with ``inputs``."""
    monkeypatch.setattr(planning, "PARALLEL_MIN_ELEMENTS", 2)
    monkeypatch.setattr(builds_module, "free_cores", lambda limit=None: 2)
    monkeypatch.setattr(builds_module.Builder, "_compiled", lambda self, target, plan, *_: _Uncompiled(plan))
    bp.profile.set(jit=True)
    bp.profile.set_numba_profile(parallel=True)
    try:
        net, group = make()
        net.build(1., inputs=(group, 'ST.ge', 0.1)) if inputs else net.build(1.)
    finally:
        bp.profile.set_numba_profile(parallel=False)
    return net._builder.latest


def mean_field(ST):
    ST['V'] += 0.01 * (np.mean(ST['V']) - ST['V'])


def _with_mean_field_group():
    net, group = _network(0.5)
    net.add(bp.NeuGroup(bp.NeuType(name='blk_mean_field', ST=STATE, steps=mean_field, mode='vector'), 10))
    return net, group


def _with_synapse_monitor():
    net, group = _network(0.5)
    net.add(bp.SynConn(TO_GE, pre_group=group[:10], post_group=group, conn=bp.connect.All2All(), delay=0.5,
                       monitors=['s']))
    return net, group


@pytest.mark.parametrize("case, reason", [("undelayed synapses", "without delay"),
                                          ("a step reading every element", "does not run each element on its own"),
                                          ("a synapse monitor", "runs every step without delay")])
def test_networks_the_blocked_kernel_does_not_fit_keep_the_prange_kernel(monkeypatch, case, reason):
    makers = {"undelayed synapses": lambda: ei_network(num=50, seed=4)[:2],
              "a step reading every element": _with_mean_field_group, "a synapse monitor": _with_synapse_monitor}
    build = _build(monkeypatch, makers[case])
    assert build.blocked_plan is None and reason in build.blocked_note
    assert build.parallel_kernel is not None and not isinstance(build.parallel_kernel, BlockedKernel)
    assert "prange(" in build.plan_of("parallel").source


def test_a_network_it_fits_gets_the_blocked_kernel_instead_of_prange_loops(monkeypatch):
    build = _build(monkeypatch, lambda: _network(0.5))
    assert build.blocked_note == "" and isinstance(build.parallel_kernel, BlockedKernel)
    assert build.plan_of("parallel") is build.blocked_plan and build.plan_of("serial") is build.serial_plan


def test_the_switch_off_keeps_the_prange_kernel(monkeypatch):
    monkeypatch.setattr(builds_module, "BLOCKED_KERNELS", False)
    build = _build(monkeypatch, lambda: _network(0.5))
    assert build.blocked_plan is None and not isinstance(build.parallel_kernel, BlockedKernel)


def test_routes_split_per_postsynaptic_slice_keep_each_rows_synapses_in_order():
    rng = np.random.RandomState(0)
    lengths = rng.randint(0, 9, size=40)
    ptr = np.concatenate(([0], np.cumsum(lengths)))
    post = rng.randint(0, 101, size=ptr[-1]).astype(np.int32)
    bounds = slice_bounds(101, 3)
    np.testing.assert_array_equal(bounds, [0, 33, 67, 101])
    split_ptr, split_post = split_routes(ptr, post, bounds)
    for s in range(3):
        for r in range(40):
            row = post[ptr[r]:ptr[r + 1]]
            want = row[(row >= bounds[s]) & (row < bounds[s + 1])] - bounds[s]
            np.testing.assert_array_equal(split_post[s, split_ptr[s, r]:split_ptr[s, r + 1]], want)


def test_a_network_too_small_for_prange_loops_gets_the_blocked_kernel_alone(monkeypatch):
    prange_sized = _build(monkeypatch, lambda: _network(0.5))
    monkeypatch.setattr(planning, "PARALLEL_MIN_ELEMENTS", 10 ** 6)
    monkeypatch.setattr(builds_module, "BLOCKED_MIN_ELEMENTS", N)
    bp.profile.set_numba_profile(parallel=True)
    try:
        net, _ = _network(0.5)
        net.build(1.)
    finally:
        bp.profile.set_numba_profile(parallel=False)
    build = net._builder.latest
    assert "prange(" not in build.kernel_plan.source and isinstance(build.parallel_kernel, BlockedKernel)
    # the same blocked kernel as where the steps' loops are large enough for prange
    assert build.blocked_plan.source == prange_sized.blocked_plan.source
    assert build.plan_of("serial") is build.kernel_plan
    monkeypatch.setattr(builds_module, "BLOCKED_MIN_ELEMENTS", N + 1)
    bp.profile.set_numba_profile(parallel=True)
    try:
        net, _ = _network(0.5)
        net.build(1.)
    finally:
        bp.profile.set_numba_profile(parallel=False)
    assert net._builder.latest.parallel_kernel is None
