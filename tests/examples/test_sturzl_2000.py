"""Sturzl et al. 2000 (Brian2's frompapers/Sturzl_et_al_2000): the command neurons' spike counts and the
direction of their population vector, against the Brian2 original (5 seeds; the prey is at 144 degrees,
Brian2's direction 140 +- 3.9 degrees, command rate 102 +- 2.2 Hz, leg rate 247 +- 1.5 Hz)."""

import numpy as np

from examples.sturzl_2000 import model
from tests.examples.reference import assert_near, brian2_runs


def counts_of(out):
    return np.bincount(out['spike_index'], minlength=8)


def test_counts_and_direction_match_brian2():
    out = model.run(500., seed=1)
    counts = counts_of(out)
    reference = np.mean([r['command_counts'] for r in brian2_runs('sturzl_2000')], axis=0)
    # per neuron: Brian2's seeds spread by up to ~8 spikes around their mean
    assert np.abs(counts - reference).max() <= 20, (counts.tolist(), reference.tolist())
    assert_near(model.direction(counts), 'sturzl_2000', 'angle_deg', 10.)
    assert_near(counts.sum() / 8 / 0.5, 'sturzl_2000', 'command_rate_hz', 8.)
    assert_near(out['leg_time'].size / 8 / 0.5, 'sturzl_2000', 'leg_rate_hz', 8.)


def test_without_inhibition_the_direction_is_lost():
    """The statistic can fail: without the opposite legs' inhibition every command neuron fires at its leg's
    rate, and the counts no longer single out the prey's side."""
    counts = counts_of(model.run(500., seed=1, inhibition=False))
    reference = np.mean([r['command_counts'] for r in brian2_runs('sturzl_2000')], axis=0)
    assert np.abs(counts - reference).max() > 20
