"""Platkiewicz & Brette 2011, Fig. 5E,F (Brian2's frompapers/Platkiewicz_Brette_2011), 100 neurons, 1 s: the rate,
and over all spikes the depolarisation slope before a spike, the threshold (the potential last recorded before it)
and how the threshold falls as the slope rises, against Brian2's over seeds.

The input is noise, so only statistics compare. Brian2 4 seeds: rate 6.5 +- 0.45 Hz (6.07-7.0), mean slope
2.06-2.19 mV/ms, mean threshold -47.5 to -48.1 mV (sd over spikes 2.9-3.2 mV), slope-threshold correlation -0.24
to -0.39; ours, seeds 1-5: 6.07-6.61 Hz, 2.05-2.15 mV/ms, -47.58 to -47.85 mV (sd 2.9-3.1), -0.19 to -0.34.
Without the adaptation (``a = 0``: a fixed threshold at vT) every threshold would be -55 mV and the correlation
undefined; with the threshold read one step later the mean rises by about 0.25 mV.
"""

import numpy as np

from examples.platkiewicz_brette_2011.model import run
from tests.examples.reference import assert_near


def test_threshold_falls_with_depolarisation_slope_as_in_brian2():
    out = run(duration=1000., N=100, seed=1)
    assert_near(out['spike_time'].size / out['n'], 'platkiewicz_brette_2011', 'rate_hz', 1.)
    assert_near(out['slope'].mean(), 'platkiewicz_brette_2011', 'slope_mean', 0.15)
    assert_near(out['threshold'].mean(), 'platkiewicz_brette_2011', 'threshold_mean', 0.5)
    assert_near(out['threshold'].std(), 'platkiewicz_brette_2011', 'threshold_std', 0.3)
    r = np.corrcoef(out['slope'], out['threshold'])[0, 1]
    assert r < -0.1
    assert_near(r, 'platkiewicz_brette_2011', 'slope_threshold_r', 0.15)
    # a neuron fires no sooner than 5 ms (50 steps) after its last spike
    for i in range(out['n']):
        assert np.all(np.diff(out['spike_time'][out['spike_index'] == i]) > 5. - 0.05)
