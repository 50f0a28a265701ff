"""Adaptive threshold: 200 independent copies of the original's neuron, each with its own 500 Hz Poisson input,
2 s, against Brian2's (``benchmarks/brian2_examples/adaptive_threshold.py --seeds 1 2 3 4 --size '{"N": 200}'``,
numpy target).

Over six of our seeds at this size the statistics lie within these ranges of Brian2's means: rate 69.9-70.4
against 69.9 +- 0.3 Hz, ``v`` at the crossings 13.20 +- 0.008 against 13.19 +- 0.012 mV. Our rate sits about
0.3 % higher for a reason of order, not of the engine: Brian2 applies a synaptic jump that arrives in a
neuron's spiking step before the reset, which then discards it; here the synapse steps after the neuron and
the jump is kept (with the jump dropped in that step, 4 x 1,000 neurons give 69.92 Hz against Brian2's 69.80).
"""

import numpy as np

from examples.adaptive_threshold.model import run, statistics
from tests.examples.reference import assert_near


def test_adaptive_threshold_matches_brian2():
    out = run(2000., N=200, seed=1)
    stats = statistics(out)
    assert_near(stats['rate_hz'], 'adaptive_threshold', 'rate_hz', 1.)
    assert_near(stats['v_cross_mean_mV'], 'adaptive_threshold', 'v_cross_mean_mV', 0.05)
    assert_near(stats['v_cross_std_mV'], 'adaptive_threshold', 'v_cross_std_mV', 0.02)
    assert_near(stats['vt_mean_mV'], 'adaptive_threshold', 'vt_mean_mV', 0.05)
    assert_near(stats['cv_isi'], 'adaptive_threshold', 'cv_isi', 0.01)
    # every recorded crossing lies above the resting threshold, and no neuron fires twice in one step
    assert np.all(out['v_cross'] > 10.)
    assert np.all(np.diff(out['spike_time'][out['spike_index'] == 0]) > 0.)
