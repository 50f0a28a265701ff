"""Brette & Guigon (2003), Fig. 10D,E (Brian2's frompapers/Brette_Guigon_2003), 500 neurons, 1 s: rates and
reproducibility of spike timing across neighbouring gains in the low-gain (p < 0.5) and high-gain halves.

The shared input is drawn per seed, so only statistics compare. Brian2 5 seeds (mean +- sd, range): rate
37.4 +- 1.3 Hz (low gains), 36.1 +- 4.0 Hz (high gains, 31-41); neighbour coincidence within 1 ms
0.111 +- 0.011 (0.10-0.13) and 0.40 +- 0.08 (0.29-0.50); ours, 5 seeds: 35.7-39.6 Hz, 31-44 Hz, 0.09-0.15,
0.34-0.57. Reproducibility is several times higher where the input crosses the threshold, on both sides.
"""

from examples.brette_guigon_2003.model import run
from tests.examples.reference import assert_near, stats


def test_brette_guigon_reliability_matches_brian2():
    out = run(duration=1000., N=500, seed=1)
    index, times, half = out['spike_index'], out['spike_time'], out['n'] // 2
    assert_near((index < half).sum() / half, 'brette_guigon_2003', 'rate_low_hz', 4.)
    assert_near((index >= half).sum() / (out['n'] - half), 'brette_guigon_2003', 'rate_high_hz', 10.)
    low = stats.neighbour_coincidence(index, times, range(0, half - 1))
    high = stats.neighbour_coincidence(index, times, range(half, out['n'] - 1))
    assert_near(low, 'brette_guigon_2003', 'coincidence_low', 0.05)
    assert_near(high, 'brette_guigon_2003', 'coincidence_high', 0.2)
    assert high > 2 * low
