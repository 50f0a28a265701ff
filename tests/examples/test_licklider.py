"""Licklider's pitch model (Brian2's synapses/licklider) at the original's size (300 detectors, 600 delay lines of
0-20 ms, 500 ms at dt 0.02 ms): the detectors' and receptors' rates and the fraction of detector spikes whose
delay line matches a whole number of the tone's periods at the spike, against Brian2's over seeds.

The noise is drawn per seed, so only statistics compare. Brian2 4 seeds: detector rate 16.93-17.14 Hz, receptor
rate 300 Hz every seed (locked to the tone), matched fraction 0.763-0.772; ours, seeds 1-3: 16.83-17.07 Hz,
300 Hz, 0.756-0.775. The same spikes at detectors drawn at random give 0.16; the tone's ``frequency`` taken as its
pitch (instead of ``200 + 400 t``) gives 0.14.
"""

from examples.licklider.model import matched_fraction, run
from tests.examples.reference import assert_near


def test_detectors_follow_the_rising_pitch_as_in_brian2():
    out = run(duration=500., num_neurons=300, seed=1)
    seconds = out['duration'] / 1000.
    assert_near(out['spike_time'].size / out['n'] / seconds, 'licklider', 'rate_hz', 0.4)
    assert_near(out['receptor_time'].size / 2 / seconds, 'licklider', 'receptor_rate_hz', 2.)
    matched = matched_fraction(out['spike_index'], out['spike_time'], out['n'])
    assert matched > 0.5
    assert_near(matched, 'licklider', 'matched_fraction', 0.03)
