"""The Jeffress model (Brian2's synapses/jeffress), 30 detectors, 1 s: the detectors' and ears' rates and how
well the firing detector tracks the turning source, against Brian2's over seeds.

The sound is white noise drawn per seed, so only statistics compare. Brian2 4 seeds: detector rate
19.2 +- 1.3 Hz (17.8-20.5), ear rate 203 +- 2.6 Hz, tracking correlation (spiking detector's index against
the one whose delay lines cancel the interaural delay) 0.80 +- 0.04 (0.75-0.83); ours, seeds 1-7: 17.5-20.7 Hz,
186-213 Hz, 0.73-0.85. With one delay for all synapses the correlation is 0.00 (seed 1), with the delay
lines swapped between the ears -0.81.
"""

import numpy as np

from examples.jeffress_sound_localization.model import preferred_neuron, run
from tests.examples.reference import assert_near


def test_jeffress_detectors_track_the_source_as_in_brian2():
    out = run(duration=1000., seed=1)
    assert_near(out['spike_time'].size / out['n'], 'jeffress_sound_localization', 'rate_hz', 3.)
    assert_near(out['ear_time'].size / 2, 'jeffress_sound_localization', 'ear_rate_hz', 12.)
    r = np.corrcoef(out['spike_index'], preferred_neuron(out['spike_time'], out['n']))[0, 1]
    assert_near(r, 'jeffress_sound_localization', 'tracking_r', 0.1)
