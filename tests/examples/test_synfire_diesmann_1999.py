"""Synfire chain (Diesmann et al. 1999; Brian2's frompapers/Diesmann_et_al_1999): the pulse started by 85
input spikes reaches the tenth group with the same size, speed and precision as in Brian2.

Brian2, 5 seeds (mean +- sd): all 10 groups reached, last volley 1.012 +- 0.008 spikes per neuron with an sd
of 0.25 +- 0.03 ms, 0.530 +- 0.011 ms from group to group, background 3.3 +- 0.3 Hz; ours, 5 seeds: 1.00-1.03,
0.20-0.37 ms, 0.533-0.544 ms, 2.9-3.8 Hz.
"""

from examples.synfire_diesmann_1999.model import run
from tests.examples.reference import assert_near, stats


def volleys(seed, **changes):
    out = run(duration=100., seed=seed, **changes)
    return stats.synfire_volleys(out['spike_index'], out['spike_time'], out['n_groups'], out['group_size'])


def test_pulse_propagates_as_in_brian2():
    result = volleys(seed=1)
    assert result['groups_reached'] == 10
    assert_near(result['last_volley_per_neuron'], 'synfire_diesmann_1999', 'last_volley_per_neuron', 0.05)
    assert_near(result['delay_per_group_ms'], 'synfire_diesmann_1999', 'delay_per_group_ms', 0.04)
    assert_near(result['last_volley_sd_ms'], 'synfire_diesmann_1999', 'last_volley_sd_ms', 0.2)
    assert_near(result['background_hz'], 'synfire_diesmann_1999', 'background_hz', 1.2)
