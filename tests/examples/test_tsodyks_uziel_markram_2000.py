"""Tsodyks, Uziel & Markram 2000 (Brian2's ``frompapers/Tsodyks_Uziel_Markram_2000``), at the original's size
(500 neurons, dt 1 ms, 900 ms burn-in, 4.2 s recorded), against the mean over Brian2's seeds 1-5.

Brian2's seed-to-seed sd: E rate 0.53 Hz, I rate 1.5 Hz, population bursts 0.13 per second (3 or 4 in
4.2 s), mean recovered fraction of the E-to-E synapses 0.020; our seeds 1 and 2 gave 7.53 / 7.90 Hz, 24.9 /
25.8 Hz, 0.71 / 0.71 bursts per second, 0.457 / 0.465. One run of ours against the mean of five: tolerances
of about 3.5 sd (1.8 Hz, 5 Hz, 0.45 per second, 0.07). The burst rate's tolerance asks for at least two
bursts: with the depression of the depressing synapses removed (a fixed jump ``U * 0.45`` of ``y``, our seed 1)
the network had none, and E fired at 3.3 Hz.
"""

from examples.tsodyks_uziel_markram_2000.model import run, statistics
from tests.examples.reference import assert_near


def test_rates_bursts_and_depression_match_brian2():
    ours = statistics(run(4200., seed=1))
    assert_near(ours['rate_E_hz'], 'tsodyks_uziel_markram_2000', 'rate_E_hz', 1.8)
    assert_near(ours['rate_I_hz'], 'tsodyks_uziel_markram_2000', 'rate_I_hz', 5.)
    assert_near(ours['burst_rate_hz'], 'tsodyks_uziel_markram_2000', 'burst_rate_hz', 0.45)
    assert_near(ours['x_ee_mean'], 'tsodyks_uziel_markram_2000', 'x_ee_mean', 0.07)
