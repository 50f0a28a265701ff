"""Spike-based homeostasis (Brian2's advanced/spike_based_homeostasis), 20 pairs, 4 segments of 10 s: rates of
the neurons with and without the plastic synapse in each segment and the plastic weight at each segment's
end, against Brian2's over seeds.

Brian2 3 seeds (mean +- sd): with homeostasis 47.4 +- 0.1, 52.6 +- 0.4, 44.3 +- 0.8, 52.3 +- 0.6 Hz; without
24.0 +- 0.3, 47.4 +- 0.4, 0, 34.0 +- 0.4 Hz; weight 1.29 +- 0.02, 0.49 +- 0.07, 1.953 +- 0.003, 1.014 +- 0.006;
ours, 3 seeds: rates within 1.5 Hz of Brian2's means, weights within 0.05. Without the plastic rule (``w``
stays at its initial 0) both neurons are the same model: 0 Hz instead of 44 Hz in the third segment.
"""

import numpy as np

from examples.spike_based_homeostasis.model import SEGMENT, VARYING_RATES, run, segment_rates
from tests.examples.reference import assert_near


def test_homeostasis_holds_the_rate_as_in_brian2():
    n, segments = 20, len(VARYING_RATES)
    out = run(n=n, seed=1)
    for key, tolerance in (('with', 2.5), ('without', 2.)):
        rates = segment_rates(out[f'{key}_index'], out[f'{key}_time'], n, segments, SEGMENT)
        for k in range(segments):
            assert_near(rates[k], 'spike_based_homeostasis', f'rate_{key}_{k}_hz', tolerance)
    for k, w in enumerate(np.mean(out['w'], axis=1)):
        assert_near(w, 'spike_based_homeostasis', f'w_{k}', 0.12)
