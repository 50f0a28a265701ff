"""Binomial draws by inversion of a cumulative table (the scalar-mode Poisson drive's sampler)."""

import numpy as np
import pytest
from scipy import stats

import bp_core as bp
from bp_core.inputs.sampling import INVERSION_LIMIT, binomial_cdf, binomial_from_cdf


def draw(table, rng, size):
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        k = binomial_from_cdf(table, rng.random())
        while k < 0:
            k = binomial_from_cdf(table, rng.random())
        out[i] = k
    return out


@pytest.mark.parametrize("n, p", [(1000, 0.002), (10, 0.3), (60, 0.5), (100000, 0.0003), (1, 0.01), (0, 0.1)])
def test_table_is_the_binomial_cdf(n, p):
    table = binomial_cdf(n, p)
    k = np.arange(table.size)
    # the recurrence's rounding, over up to ~100 terms from (1 - p)**n: a few 1e-12 at n = 1e5
    np.testing.assert_allclose(table, stats.binom.cdf(k, n, p), rtol=1e-10, atol=1e-15)
    # up to NumPy's bound n p + 10 sqrt(n p (1 - p) + 1)
    assert table.size - 1 == min(n, int(n * p + 10 * np.sqrt(n * p * (1 - p) + 1)))


@pytest.mark.parametrize("n, p", [(1000, 0.002), (10, 0.3), (60, 0.5), (100000, 0.0003), (7, 0.05)])
def test_draws_equal_numpys_generator_draw_for_draw(n, p):
    # NumPy's Generator.binomial inverts with one uniform number per try in this range: the same draws
    ours = draw(binomial_cdf(n, p), np.random.default_rng(5), 5000)
    np.testing.assert_array_equal(ours, np.random.default_rng(5).binomial(n, p, size=5000))


def test_uniform_numbers_past_the_bound_ask_for_another():
    table = binomial_cdf(1000, 0.002)
    assert binomial_from_cdf(table, np.nextafter(1., 0.)) == -1
    assert binomial_from_cdf(table, 0.) == 0
    assert binomial_from_cdf(table, table[3]) == 4  # P(K <= 3) <= u < P(K <= 4)
    assert binomial_from_cdf(table, np.nextafter(table[3], 0.)) == 3


@pytest.mark.parametrize("n, p", [(100, 0.6), (1000, 0.05), (-1, 0.1), (10.5, 0.1), (10, -0.1), (10, np.nan),
                                  (np.inf, 0.1)])
def test_outside_inversion_the_table_is_empty(n, p):
    assert n * p > INVERSION_LIMIT or not 0 <= p <= 0.5 or not 0 <= n < np.inf or n != int(n)
    assert binomial_cdf(n, p).size == 0


def take(ST):
    ST['seen'] = ST['x']
    ST['x'] = 0.


def driven(N, rate):
    bp.profile.set(dt=0.1, seed=3)
    probe = bp.NeuType(name='probe', ST=bp.types.NeuState({'x': 0., 'seen': 0.}), steps=take, mode='scalar')
    return bp.NeuGroup(bp.inputs.poisson_drive(probe, 'x', N=N, rate=rate, weight=1.), 200, monitors=['seen'])


def test_scalar_drive_computes_the_table_once_per_run():
    group = driven(1000, 20.)
    net = bp.Network(group)
    net.build(1.)
    drive, kernel = net.code.split("def ")[1], net.code.split("def run_kernel")[1]
    # a pure helper of uniform parameters: computed by the kernel before its time loop, passed to the step
    assert "binomial_cdf(" not in drive and "= binomial_cdf(" in kernel.split("for _k in")[0]


def test_large_mean_falls_back_to_the_generators_draw(jit):
    group = driven(100000, 100.)  # N p = 1000 per step: past inversion
    group.run(20.)
    counts = group.mon.seen
    n, p = 100000, 100. * 0.1 / 1000.
    assert abs(counts.mean() - n * p) < 5 * np.sqrt(n * p * (1 - p) / counts.size)
    assert abs(counts.var() / (n * p * (1 - p)) - 1) < 5 * np.sqrt(2 / counts.size)
