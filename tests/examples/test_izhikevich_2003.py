"""Izhikevich (2003), Fig. 3: 800 RS + 200 FS neurons, all-to-all random weights, thalamic noise; rates,
irregularity and synchrony of the port against Brian2's.

Over 5 Brian2 seeds (500 ms runs, statistics after 100 ms), mean +- sd: excitatory rate 9.15 +- 0.24 Hz,
inhibitory 9.74 +- 0.57 Hz, CV of ISI 0.324 +- 0.007, population Fano factor 6.3 +- 0.9; ours over 2 seeds:
8.88-9.21 Hz, 9.40-9.65 Hz, 0.318-0.334, 5.0-6.6. Tolerances are about four Brian2 seed standard deviations
(0.03 for the CV of ISI).
"""

from examples.izhikevich_2003.model import run
from tests.examples.reference import assert_near, stats

DURATION, TRANSIENT = 500., 100.


def test_izhikevich_network_statistics_match_brian2():
    out = run(duration=DURATION, seed=1)
    index, times = out['spike_index'], out['spike_time']
    exc = index < out['Ne']
    assert_near(stats.mean_rate(index[exc], times[exc], 800, DURATION, TRANSIENT), 'izhikevich_2003', 'rate_exc_hz', 1.)
    assert_near(stats.mean_rate(index[~exc], times[~exc], 200, DURATION, TRANSIENT), 'izhikevich_2003', 'rate_inh_hz',
                1.5)
    assert_near(stats.cv_isi(index, times, TRANSIENT), 'izhikevich_2003', 'cv_isi', 0.03)
    assert_near(stats.population_fano(times, DURATION, 1., TRANSIENT), 'izhikevich_2003', 'fano_1ms', 3.)
