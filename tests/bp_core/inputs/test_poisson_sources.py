"""``bp.inputs.PoissonInput``: sources that count down geometric waits are Bernoulli(p) trials every step.

Each source draws the number of steps to its next spike, ``Geometric(p)`` with ``p = freqs * dt / 1000``,
and draws again only when it fires, or when the rate or dt it drew with has changed. The tests check the
process itself (counts per source binomial, intervals geometric), that a new rate or dt holds from its first
step, and that the draws are reproducible (jit on and off, snapshots). Tolerances are standard errors of the
sample sizes used; the seeds are fixed.
"""

import numpy as np
import pytest
from scipy import stats

import bp_core as bp


def _counts(group: bp.NeuGroup) -> np.ndarray:
    return np.bincount(group.mon.spike_index, minlength=group.num)


def _binomial_bounds(n: int, p: float, samples: int, z: float = 4.5) -> tuple[float, float, float, float]:
    """Mean and variance of Binomial(n, p), and ``z`` standard errors of their estimates from ``samples``."""
    q = 1. - p
    mean, var = n * p, n * p * q
    mu4 = n * p * q * (1. + 3. * (n - 2) * p * q)  # central fourth moment
    var_of_var = (mu4 - var ** 2 * (samples - 3) / (samples - 1)) / samples
    return mean, var, z * np.sqrt(var / samples), z * np.sqrt(var_of_var)


def test_counts_per_source_are_binomial_and_intervals_geometric():
    # 400 sources x 2,000 steps at p = 0.02: the count of each source is Binomial(2000, 0.02), mean 40;
    # a process with memory (regular spikes, refractoriness) has a smaller variance, bursts a larger one
    bp.profile.set(dt=0.1, seed=21)
    n_src, n_steps, rate = 400, 2000, 200.
    group = bp.inputs.PoissonInput(n_src, rate, monitors=['spike'])
    group.run(n_steps * 0.1)
    p = rate * 0.1 / 1000.
    counts = _counts(group)
    mean, var, mean_tol, var_tol = _binomial_bounds(n_steps, p, n_src)
    assert abs(counts.mean() - mean) < mean_tol
    assert abs(counts.var(ddof=1) - var) < var_tol
    # the intervals between spikes of one source: chi-square against Geometric(p) over the lengths with at
    # least 20 expected, the tail pooled (intervals cut by the run's end are not counted)
    steps = group.mon.spike_events.step
    order = np.lexsort((steps, group.mon.spike_index))
    src, st = group.mon.spike_index[order], steps[order]
    gaps = np.diff(st)[np.diff(src) == 0]
    expected = stats.geom.pmf(np.arange(1, n_steps), p) * gaps.size
    last = int(np.nonzero(expected >= 20)[0][-1]) + 1  # longest interval binned alone
    observed = np.r_[np.bincount(gaps, minlength=last + 1)[1:last + 1], np.sum(gaps > last)]
    expected = np.r_[expected[:last], stats.geom.sf(last, p) * gaps.size]
    assert gaps.size > 10000 and stats.chisquare(observed, expected * observed.sum() / expected.sum()).pvalue > 1e-3


def test_per_element_rates_zero_and_every_step(jit):
    # rate 0 never fires; a rate of dt or more (p >= 1) fires every step, as the Bernoulli trial did
    bp.profile.set(dt=0.1, seed=5)
    freqs = np.array([0., 50., 500., 10000., 25000.])
    group = bp.inputs.PoissonInput(5, freqs, monitors=['spike'])
    group.run(200.)
    counts = _counts(group)
    assert counts[0] == 0 and counts[3] == counts[4] == 2000
    for k, rate in ((1, 50.), (2, 500.)):
        mean = 2000 * rate * 1e-4
        assert abs(counts[k] - mean) < 5 * np.sqrt(mean)


@pytest.mark.parametrize("first, second, window", [(1000., 1., 10.), (1., 1000., 2.)])
def test_a_new_rate_holds_from_the_next_step(first, second, window):
    # the waits drawn at the first rate are dropped: at 1000 Hz they are 10 steps long on average and would
    # fire ~100 spikes in the first 10 ms at 1 Hz (1 expected); at 1 Hz they are ~10,000 steps long and would
    # keep the sources silent at 1000 Hz (~200 spikes expected in 2 ms)
    bp.profile.set(dt=0.1, seed=8)
    group = bp.inputs.PoissonInput(100, first, monitors=['spike'])
    net = bp.Network(group)
    net.run(50.)
    group.pars['freqs'] = second
    net.advance(window)
    expected = 100 * second * window / 1000.
    assert abs(group.mon.spike.sum() - expected) < 5 * np.sqrt(expected) + 1


def test_a_new_dt_holds_from_the_first_step():
    # the same group in a network with another dt: waits drawn with p = 0.001 (dt 0.01 ms) are about 1,000
    # steps; at dt = 1 ms (p = 0.1) they must be drawn again
    bp.profile.set(dt=0.01, seed=2)
    group = bp.inputs.PoissonInput(100, 100., monitors=['spike'])
    bp.Network(group).run(5.)
    bp.profile.set(dt=1.)
    bp.Network(group).run(10.)
    assert abs(group.mon.spike.sum() - 100.) < 50.


def test_jit_on_and_off_fire_the_same_spikes():
    # one seed, per-element rates and a rate change: the compiled and the NumPy kernel draw the same numbers
    spikes = []
    for jit in (True, False):
        bp.profile.set(dt=0.1, seed=13, jit=jit)
        group = bp.inputs.PoissonInput(20, np.linspace(0., 400., 20), monitors=['spike'])
        net = bp.Network(group)
        net.run(30.)
        first = group.mon.spike.copy()
        group.pars['freqs'] = np.linspace(400., 100., 20)
        net.advance(30.)
        spikes.append(np.concatenate([first, group.mon.spike]))
    assert spikes[0].sum() > 100
    np.testing.assert_array_equal(spikes[0], spikes[1])


def test_a_restored_snapshot_fires_the_same_spikes_in_chunks_as_at_once():
    bp.profile.set(dt=0.1, seed=17)
    group = bp.inputs.PoissonInput(50, 80., monitors=['spike'])
    net = bp.Network(group)
    net.run(20.)
    saved = net.snapshot()
    net.advance(40.)
    whole = group.mon.spike.copy()
    net.restore(saved)
    chunks = []
    for _ in range(4):
        net.advance(10.)
        chunks.append(group.mon.spike.copy())
    assert whole.sum() > 50
    np.testing.assert_array_equal(whole, np.concatenate(chunks))


def test_float32_sources_draw_once_per_spike():
    # float32 state stores p rounded: were the stored p compared unequal to the step's p, every step would draw
    # again (the same process, another draw stream). Drawn once per spike, float32 and float64 runs draw the
    # same numbers and differ only where a wait's inversion falls on the other side of a whole number.
    spikes = []
    for float_type in ('float64', 'float32'):
        bp.profile.set(dt=0.1, seed=3, float_type=float_type)
        group = bp.inputs.PoissonInput(50, 40., monitors=['spike'])
        group.run(500.)
        spikes.append(group.mon.spike.astype(bool))
    assert spikes[0].sum() > 500
    assert np.sum(spikes[0] != spikes[1]) <= 0.02 * spikes[0].sum()


def test_waits_longer_than_the_count_are_drawn_again():
    # p = 2**-20: about one wait in three is longer than the 2**20 steps a source counts; it ends without a
    # spike and a new wait is drawn, which keeps the count binomial (here in float32, where counting stops
    # short of 2**25). Ending such a wait with a spike instead would fire 1.6 times as often.
    bp.profile.set(dt=1., seed=9, float_type='float32')
    n_src, n_steps, p = 256, 2 ** 21, 2. ** -20
    group = bp.inputs.PoissonInput(n_src, p * 1000., monitors=['spike'])
    group.run(float(n_steps))
    counts = _counts(group)
    mean, var, mean_tol, _ = _binomial_bounds(n_steps, p, n_src)
    assert abs(counts.mean() - mean) < mean_tol


def _relay(ST, _t):
    ST['spike'] = 1. if ST['input'] > 1. else 0.
    ST['input'] = 0.


def _copy_spike(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def _to_input(ST, post):
    post['input'] += ST['s']


def test_the_blocked_kernel_draws_the_same_waits_on_one_thread_and_two(monkeypatch):
    # sources whose spikes reach their targets through a delayed spike queue: the blocked multi-thread kernel
    # runs them chunk by chunk, each chunk with its own generator, so one slice and two fire the same spikes
    from bp_core.simulation import blocked_runs, builds, planning, random_streams

    monkeypatch.setattr(random_streams, "STREAM_CHUNK", 16)  # chunks and reseeding cells crossed in 200 steps
    monkeypatch.setattr(random_streams, "STREAM_CELL", 40)
    monkeypatch.setattr(planning, "PARALLEL_MIN_ELEMENTS", 2)
    monkeypatch.setattr(builds, "free_cores", lambda limit=None: 2)
    relay = bp.NeuType(name='relay', ST=bp.types.NeuState({'input': 0., 'spike': 0.}), steps=_relay, mode='scalar')
    to_input = bp.SynType(name='to_input', ST=bp.types.SynState(['s']), steps=(_copy_spike, _to_input), mode='scalar')
    spikes = []
    for slices in (1, 2):
        monkeypatch.setattr(builds, "_numba_threads", lambda: slices)
        bp.profile.set(jit=True, dt=0.1, seed=3)
        bp.profile.set_numba_profile(parallel=True)
        try:
            src = bp.inputs.PoissonInput(100, 200., monitors=['spike'])
            post = bp.NeuGroup(relay, 50)
            syn = bp.SynConn(to_input, pre_group=src, post_group=post, conn=bp.connect.FixedProb(0.2, seed=5),
                             delay=0.5)
            net = bp.Network(src, syn, post)
            net.build(1.)
            build = net._builder.latest
            assert isinstance(build.parallel_kernel, blocked_runs.BlockedKernel), build.blocked_note
            build.choice = builds.ParallelChoice(threads=2, steps=10, decided="parallel")
            chunks = []
            for steps in (37, 43, 120):
                net.advance(n_steps=steps)
                chunks.append(np.asarray(src.mon.spike).copy())
        finally:
            bp.profile.set_numba_profile(parallel=False)
        spikes.append(np.concatenate(chunks))
    np.testing.assert_array_equal(spikes[0], spikes[1])
    mean = 100 * 200 * 0.02  # sources x steps x p
    assert abs(spikes[0].sum() - mean) < 5 * np.sqrt(mean)
