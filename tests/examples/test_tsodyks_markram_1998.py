"""Tsodyks, Pawelzik & Markram (1998), Fig. 1: the peak potential after every presynaptic spike of the three
panels (depression at 20 Hz, facilitation at 20 and 70 Hz) against Brian2's. The model is deterministic and
both sides integrate exactly between spikes at dt = 0.1 ms; Brian2's summed current lags ours by nothing and
its exponential Euler of the coupled x, y pair differs from ours by at most 0.014 mV on any peak, so the
tolerance is 0.05 mV (0.3 % of the largest peak)."""

import numpy as np
import pytest

from examples.tsodyks_markram_1998.model import epsp_peaks, run
from tests.examples.reference import brian2_runs


@pytest.mark.parametrize('panel', ['A', 'B', 'C'])
def test_epsp_peaks_match_brian2(panel):
    peaks = epsp_peaks(run(panel))
    reference = np.asarray(brian2_runs('tsodyks_markram_1998')[0][f'{panel}_peaks_mV'])
    assert peaks.shape == reference.shape
    assert np.abs(peaks - reference).max() <= 0.05


def test_depression_and_facilitation_are_told_apart():
    """The comparison can fail: panel A's synapse with panel B's facilitating parameters is far from A."""
    swapped = epsp_peaks(run('A', tau_facil=530., U_SE=0.03, tau_rec=130., tau_inact=1.5))
    reference = np.asarray(brian2_runs('tsodyks_markram_1998')[0]['A_peaks_mV'])
    assert np.abs(swapped - reference).max() > 0.5
