"""The CUBA network (Vogels & Abbott 2005; Brian2's CUBA example), 4,000 neurons, 1 s: rate, CV of ISI and
population Fano factor against Brian2's.

Brian2, 4 seeds (mean +- sd; statistics after 100 ms): rate 5.65 +- 0.33 Hz, CV of ISI 0.505 +- 0.008,
Fano factor (1 ms bins) 2.33 +- 0.43; ours, 3 seeds: 5.33-5.73 Hz, 0.493-0.507, 1.89-2.20.
"""

from examples.cuba_vogels_abbott_2005.model import run
from tests.examples.reference import assert_near, stats


def test_cuba_statistics_match_brian2():
    out = run(duration=1000., seed=1)
    index, times = out['spike_index'], out['spike_time']
    assert_near(stats.mean_rate(index, times, out['n'], 1000., 100.), 'cuba_vogels_abbott_2005', 'rate_hz', 1.2)
    assert_near(stats.cv_isi(index, times, 100.), 'cuba_vogels_abbott_2005', 'cv_isi', 0.035)
    assert_near(stats.population_fano(times, 1000., 1., 100.), 'cuba_vogels_abbott_2005', 'fano_1ms', 1.5)
