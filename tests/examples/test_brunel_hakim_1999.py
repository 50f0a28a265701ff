"""Brunel & Hakim (1999) at 1,000 neurons (C = 200, J C = 100 mV), 1 s: rate, irregularity, synchrony and the
frequency of the population oscillation of the port against Brian2's over seeds.

Seed-to-seed spread at this size (statistics after 50 ms): Brian2 5 seeds rate 3.934 +- 0.012 Hz, CV of ISI
0.460 +- 0.008, population Fano factor (1 ms bins) 2.78 +- 0.21, spectral peak 131 +- 8 Hz; ours 3 seeds
rate 3.93-3.97 Hz, CV 0.446-0.456, Fano 2.53-2.76, peak 117-139 Hz. Without the 2 ms delay the oscillation
and the Fano factor change; with refractoriness that also freezes ``V`` the rate drops.
"""

from examples.brunel_hakim_1999.model import run
from tests.examples.reference import assert_near, stats

DURATION, TRANSIENT = 1000., 50.


def test_brunel_hakim_network_statistics_match_brian2():
    out = run(duration=DURATION, N=1000, C=200, seed=1)
    index, times = out['spike_index'], out['spike_time']
    assert_near(stats.mean_rate(index, times, out['n'], DURATION, TRANSIENT), 'brunel_hakim_1999', 'rate_hz', 0.15)
    assert_near(stats.cv_isi(index, times, TRANSIENT), 'brunel_hakim_1999', 'cv_isi', 0.03)
    assert_near(stats.population_fano(times, DURATION, 1., TRANSIENT), 'brunel_hakim_1999', 'fano_1ms', 0.8)
    assert_near(stats.peak_frequency(times, DURATION, 1., TRANSIENT, band=(50., 400.)), 'brunel_hakim_1999',
                'peak_hz', 30.)
