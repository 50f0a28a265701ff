"""Custom events (Brian2's ``advanced/custom_events``): 100 independent copies of Poisson input -> G -> H for
500 ms, against the mean over Brian2's seeds 1-5.

Brian2's seed-to-seed sd at this size: spike rate 0.29 Hz, gspike rate 0.86 Hz, mean x 0.0028, mean y 0.0088;
our seeds 1-5 spread alike (gspike rate 78.1-80.6 Hz). One run of ours against the mean of five: tolerances
of about 3.5 sd (1 Hz, 3 Hz, 0.01, 0.03). H's monitor records H after its own step, before the synapse's
increments of that step land (Brian2 samples at the start of the next step, before the decay), so our
recorded ``x`` and ``y`` are Brian2's times ``exp(-dt / tau)``: the test divides that factor out.
"""

import numpy as np

from examples.custom_events.model import run, statistics, tau_h
from tests.examples.reference import assert_near


def test_spikes_gspikes_and_their_pathways_match_brian2():
    out = run(500., n=100, seed=1)
    ours = statistics(out)
    assert_near(ours['spike_rate_hz'], 'custom_events', 'spike_rate_hz', 1.)
    assert_near(ours['gspike_rate_hz'], 'custom_events', 'gspike_rate_hz', 3.)
    phase = np.exp(0.1 / tau_h)
    assert_near(ours['x_mean'] * phase, 'custom_events', 'x_mean', 0.01)
    assert_near(ours['y_mean'] * phase, 'custom_events', 'y_mean', 0.03)
    # a gspike once per excursion of g above 1: g fell below 1 between any two gspikes of a copy
    g, steps = out['g'], np.round(out['gspike_time'] / 0.1).astype(int)
    for k in range(out['n']):
        mine = np.sort(steps[out['gspike_index'] == k])
        assert all(g[a + 1:b, k].min() < 1. for a, b in zip(mine[:-1], mine[1:]))
    assert np.mean(g > 1.) > 5 * ours['gspike_rate_hz'] / 10000.  # many steps above 1 per gspike
