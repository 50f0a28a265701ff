"""Reliability of spike timing: 200 noisy leaky integrate-and-fire neurons under one constant input, 500 ms,
against Brian2's (``benchmarks/brian2_examples/non_reliability.py --seeds 1 2 3 4 --size '{"N": 200}'``,
numpy target).

Over six of our seeds at this size: rate 18.00-18.04 Hz (Brian2 18.005 +- 0.006), CV 0.054-0.056 (0.0565 +-
0.0009), and the spread over neurons of the 1st, 5th and 9th spike times 2.6-3.3, 6.4-7.1 and 8.3-9.3 ms
(Brian2 2.86 +- 0.08, 6.40 +- 0.24, 8.82 +- 0.30).
"""

import numpy as np

from examples.non_reliability.model import run, statistics
from tests.examples.reference import assert_near


def test_non_reliability_matches_brian2():
    out = run(500., N=200, seed=1)
    stats = statistics(out)
    assert_near(stats['rate_hz'], 'non_reliability', 'rate_hz', 0.05)
    assert_near(stats['cv_isi'], 'non_reliability', 'cv_isi', 0.003)
    assert_near(stats['spread_1_ms'], 'non_reliability', 'spread_1_ms', 0.7)
    assert_near(stats['spread_5_ms'], 'non_reliability', 'spread_5_ms', 1.)
    assert_near(stats['spread_9_ms'], 'non_reliability', 'spread_9_ms', 1.5)
    # the jitter accumulates from spike to spike
    assert stats['spread_1_ms'] < stats['spread_5_ms'] < stats['spread_9_ms']
    # the refractory period holds: no interval below 5 ms
    for k in range(out['N']):
        assert np.all(np.diff(out['spike_time'][out['spike_index'] == k]) >= 5.)
