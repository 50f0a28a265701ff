"""Hindmarsh & Rose (1984), Fig. 6 (Brian2's frompapers/Hindmarsh_Rose_1984): an isolated burst, periodic
bursting and tonic firing under I = 0.4, 2, 4. Both sides take classical RK4 steps of the coupled system at
dt = 0.1, so spike counts (upward crossings of x = 1) agree exactly and the mean of x to 1e-3 (the two
evaluate the same arithmetic in a different order, and bursting amplifies the rounding)."""

import numpy as np

from examples.hindmarsh_rose_1984.model import run
from tests.examples.reference import brian2_runs


def test_bursting_patterns_match_brian2():
    out = run(duration=2100.)
    reference = brian2_runs('hindmarsh_rose_1984')[0]
    counts = np.bincount(out['spike_index'], minlength=3)
    for k in range(3):
        assert counts[k] == reference[f'spikes_{k}']
        first = out['spike_time'][out['spike_index'] == k].min()
        assert abs(first - reference[f'first_spike_{k}_ms']) <= 0.1 + 1e-9
        assert abs(out['x'][:, k].mean() - reference[f'mean_x_{k}']) <= 1e-3
