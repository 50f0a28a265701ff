"""The adaptive exponential IF neuron (Brette & Gerstner 2005; Brian2's frompapers/Brette_Gerstner_2005) under a
1 nA step: every spike time of the three firing patterns against Brian2's. Same equations, Euler at 0.1 ms and
the same current on both sides, so the spike times agree to the step; the tolerance is one step (0.1 ms)."""

import numpy as np
import pytest

from examples.adex_brette_gerstner_2005.model import PATTERNS, run
from tests.examples.reference import brian2_runs


@pytest.mark.parametrize('pattern', list(PATTERNS))
def test_spike_times_match_brian2(pattern):
    ours = run(pattern)['spike_time']
    reference = np.asarray(brian2_runs('adex_brette_gerstner_2005')[0][f'{pattern}_spike_times_ms'])
    assert ours.shape == reference.shape
    assert np.abs(ours - reference).max() <= 0.1 + 1e-9


def test_a_weaker_step_is_told_apart():
    """The comparison can fail: at 0.8 nA the regular-spiking neuron fires fewer, later spikes."""
    ours = run('regular', amplitude=800.)['spike_time']
    assert ours.size != len(brian2_runs('adex_brette_gerstner_2005')[0]['regular_spike_times_ms'])
