"""Random numbers in the blocked kernel: drawn from one generator per fixed chunk of elements, so one thread and
several draw the same numbers, a run cut into calls draws what one call does, and a restored snapshot repeats
them; the numbers are Poisson drives with the statistics the one-thread kernel's have."""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp
from bp_core.simulation import builds as builds_module
from bp_core.simulation import random_streams
from bp_core.simulation.blocked_runs import BlockedKernel
from tests.bp_core.backend.test_blocked_kernel import TO_GE, _prepared, _Uncompiled

N, SOURCES, RATE, WEIGHT, DT = 200, 100, 500., 0.5, 0.1
P = RATE * DT / 1000.


def relay(ST, _t):
    ST['x'] = ST['input']
    ST['spike'] = 1. if ST['input'] + ST['ge'] > 4. else 0.
    ST['input'] = 0.
    ST['ge'] = 0.9 * ST['ge']


RELAY = bp.NeuType(name='blk_relay', ST=bp.types.NeuState({'x': 0., 'input': 0., 'ge': 0., 'spike': 0.}),
                   steps=relay, mode='scalar')


def _network(seed=3):
    """Neurons that pass on a Poisson drive (``x``: each step's drive) and spike on it, with delayed synapses."""
    bp.profile.set(dt=DT, seed=seed)
    group = bp.NeuGroup(bp.inputs.poisson_drive(RELAY, 'input', N=SOURCES, rate=RATE, weight=WEIGHT), N,
                        monitors=['spike', 'x'])
    syn = bp.SynConn(TO_GE, pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.1, seed=5), delay=0.5)
    syn.pars['w'] = 0.7
    return bp.Network(group, syn), group


@pytest.fixture
def small_streams(monkeypatch):
    # chunks of 16 elements, seeded again every 40 steps: runs of a few hundred steps cross both often
    monkeypatch.setattr(random_streams, "STREAM_CHUNK", 16)
    monkeypatch.setattr(random_streams, "STREAM_CELL", 40)


def _runs(monkeypatch, parallel: bool, slices: int = 2, chunks=(37, 43, 120), seed=3, snapshot_at=None):
    """Spikes and drives (x) after each advance() chunk; the blocked kernel on ``slices`` threads if ``parallel``.
    With ``snapshot_at`` (a chunk), a snapshot taken before it is restored at the end (the clock rewound to its
    time) and the chunks from it run again."""
    _prepared(monkeypatch, parallel, slices)
    try:
        net, group = _network(seed)
        net.build(1.)
        build = net._builder.latest
        if parallel:
            assert isinstance(build.parallel_kernel, BlockedKernel), build.blocked_note
            build.choice = builds_module.ParallelChoice(threads=2, steps=10, decided="parallel")
        out, saved = [], None
        for k, steps in enumerate(chunks):
            if k == snapshot_at:
                saved = net.snapshot()
            net.advance(n_steps=steps)
            out += [np.asarray(group.mon.spike), np.asarray(group.mon.x)]
        if saved is not None:
            net.restore(saved)
            net.rewind(sum(chunks[:snapshot_at]) * DT)
            for steps in chunks[snapshot_at:]:
                net.advance(n_steps=steps)
                out += [np.asarray(group.mon.spike), np.asarray(group.mon.x)]
    finally:
        bp.profile.set_numba_profile(parallel=False)
    return out, build


def test_draws_depend_neither_on_threads_nor_on_calls_and_a_snapshot_repeats_them(monkeypatch, small_streams):
    one, build = _runs(monkeypatch, True, slices=1, snapshot_at=2)  # taken at step 80: streams seeded there
    # the one-thread kernel of such a network is the blocked kernel on one slice: the trial keeps either
    assert isinstance(build.kernel, BlockedKernel) and build.kernel.streams is build.parallel_kernel.streams
    assert sum(s.sum() for s in one[0:6:2]) > 50  # the synapses and the drive matter
    three, _ = _runs(monkeypatch, True, slices=3, snapshot_at=2)
    for got, want in zip(three, one):
        np.testing.assert_array_equal(got, want)
    whole, _ = _runs(monkeypatch, True, slices=2, chunks=(200,))
    np.testing.assert_array_equal(whole[1], np.concatenate(one[1:6:2]))
    np.testing.assert_array_equal(one[6], one[4])  # after the restore: the run after the snapshot, bit for bit
    np.testing.assert_array_equal(one[7], one[5])
    other_seed, _ = _runs(monkeypatch, True, slices=2, chunks=(200,), seed=4)
    assert not np.array_equal(other_seed[1], whole[1])


def _check_drive(x: np.ndarray) -> None:
    """``x`` (steps x neurons) are independent draws of ``WEIGHT * Binomial(SOURCES, P)``."""
    k = x / WEIGHT
    mean, var = SOURCES * P, SOURCES * P * (1. - P)
    se = np.sqrt(var / k.size)
    assert abs(k.mean() - mean) < 4. * se
    assert abs(k.var() - var) < 4. * var * np.sqrt(2. / k.size)
    # chunks and cells seeded alike would repeat each other's numbers: neurons 16 apart, steps 40 apart
    for a, b in ((k[:, :-16], k[:, 16:]), (k[:-40], k[40:]), (k[:, :-1], k[:, 1:])):
        r = np.corrcoef(a.ravel(), b.ravel())[0, 1]
        assert abs(r) < 4. / np.sqrt(a.size)


def test_the_poisson_drive_has_the_one_thread_kernels_statistics(monkeypatch, small_streams):
    chunks = (300, 300)
    plain, _ = _runs(monkeypatch, False, chunks=chunks)
    blocked, _ = _runs(monkeypatch, True, chunks=chunks)
    x_plain, x_blocked = np.concatenate(plain[1::2]), np.concatenate(blocked[1::2])
    _check_drive(x_plain)
    _check_drive(x_blocked)
    assert not np.array_equal(x_plain, x_blocked)  # other streams: the same law, not the same numbers
    rate_plain, rate_blocked = (sum(s.sum() for s in out[0::2]) for out in (plain, blocked))
    # spikes of independent neurons and steps, most from the drive alone: Poisson-like counts
    assert abs(rate_plain - rate_blocked) < 5. * np.sqrt(rate_plain + rate_blocked)


def _poisson_runs(monkeypatch, slices: int):
    """Spikes of PoissonInput sources (200 Hz) and of the relay neurons they drive through delayed synapses."""
    _prepared(monkeypatch, True, slices)
    try:
        bp.profile.set(dt=DT, seed=7)
        source = bp.inputs.PoissonInput(N, freqs=200., monitors=['spike'])
        target = bp.NeuGroup(RELAY, N, monitors=['spike'])
        syn = bp.SynConn(TO_GE, pre_group=source, post_group=target, conn=bp.connect.FixedProb(0.1, seed=5),
                         delay=0.5)
        syn.pars['w'] = 1.5
        net = bp.Network(source, syn, target)
        net.build(1.)
        build = net._builder.latest
        assert isinstance(build.parallel_kernel, BlockedKernel), build.blocked_note
        build.choice = builds_module.ParallelChoice(threads=2, steps=10, decided="parallel")
        out = []
        for steps in (130, 270):
            net.advance(n_steps=steps)
            out += [np.asarray(source.mon.spike), np.asarray(target.mon.spike)]
    finally:
        bp.profile.set_numba_profile(parallel=False)
    return out


def test_poisson_input_groups_draw_alike_on_any_number_of_threads_at_their_rate(monkeypatch, small_streams):
    one, three = _poisson_runs(monkeypatch, 1), _poisson_runs(monkeypatch, 3)
    for got, want in zip(three, one):
        np.testing.assert_array_equal(got, want)
    spikes = one[0].sum() + one[2].sum()
    expected = N * 400 * 200. * DT / 1000.  # Bernoulli(p) per neuron and step
    assert abs(spikes - expected) < 4. * np.sqrt(expected)
    assert one[1].sum() + one[3].sum() > 20  # the sources drive the relay neurons


def test_a_drive_with_one_rate_per_neuron_keeps_one_thread_and_says_why(monkeypatch):
    # its binomial tables are one per neuron, computed once per run: a slice would need its part of them
    monkeypatch.setattr(builds_module.Builder, "_compiled", lambda self, target, plan, *_: _Uncompiled(plan))
    _prepared(monkeypatch, True, 2)
    try:
        net, group = _network()
        group.pars['drive_rate'] = np.linspace(400., 600., N)
        net.build(1.)
    finally:
        bp.profile.set_numba_profile(parallel=False)
    build = net._builder.latest
    assert build.blocked_plan is None and "one value per element computed once per run" in build.blocked_note


def test_calls_spanning_several_cells_draw_what_one_call_draws_on_one_two_and_four_threads(monkeypatch,
                                                                                           small_streams):
    # calls of at most 2 cells (80 steps): the 200 steps are cut into calls, and the advance() chunks stop within
    # cells (at steps 37 and 87), whose generators the next call takes on
    monkeypatch.setattr(random_streams, "CALL_CELLS", 2)
    whole, _ = _runs(monkeypatch, True, slices=1, chunks=(200,))
    for slices in (1, 2, 4):
        cut, build = _runs(monkeypatch, True, slices=slices, chunks=(37, 50, 113))
        assert build.parallel_kernel.streams.rows == 2
        np.testing.assert_array_equal(np.concatenate(cut[1::2]), whole[1])  # the drives, step by step
        np.testing.assert_array_equal(np.concatenate(cut[0::2]), whole[0])


def test_the_one_slice_blocked_kernel_is_the_plain_kernel_given_the_same_draws(monkeypatch):
    # one chunk of every neuron, one cell for the whole run: the blocked kernel draws from one generator in the
    # plain kernel's order; handed that generator, the plain kernel must compute the same spikes and drives
    monkeypatch.setattr(random_streams, "STREAM_CHUNK", 4 * N)
    monkeypatch.setattr(random_streams, "STREAM_CELL", 10 ** 6)
    outs = []
    for parallel in (True, False):
        _prepared(monkeypatch, parallel, 1)
        try:
            net, group = _network(seed=3)
            net.build(1.)
        finally:
            bp.profile.set_numba_profile(parallel=False)
        if parallel:
            build = net._builder.latest
            assert isinstance(build.kernel, BlockedKernel) and build.kernel.streams is not None
            net.reseed(11)
        else:
            state = np.random.default_rng(11).bit_generator.state["state"]
            # the one chunk's generator for cell 0 of group 0 (random_streams.ChunkStreams.prepare)
            net._rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(
                [state["state"], state["inc"]], spawn_key=(0, 0, 0))))
        for steps in (37, 163):
            net.advance(n_steps=steps)
            outs.append((np.asarray(group.mon.spike), np.asarray(group.mon.x)))
    blocked, plain = outs[:2], outs[2:]
    assert sum(s.sum() for s, _ in plain) > 50
    for (s_b, x_b), (s_p, x_p) in zip(blocked, plain):
        np.testing.assert_array_equal(x_b, x_p)
        np.testing.assert_array_equal(s_b, s_p)
