"""The barrel-cortex network of Kremer et al. 2011 (Brian2's frompapers/Kremer_et_al_2011_barrel_cortex),
reduced to 2 x 2 barrels with 64 excitatory and 16 inhibitory layer 2/3 neurons per barrel (layer 4 keeps
its 484 per barrel, so each layer 2/3 neuron keeps its ~242 plastic inputs), 2 s: rates of both layers and
the feedforward weights against Brian2's.

Brian2, 5 seeds (mean +- sd): layer 4 2.629 +- 0.011 Hz, layer 2/3 excitatory 16.95 +- 0.24 Hz, inhibitory
0.14 +- 0.10 Hz, mean weight 0.6223 +- 0.0011 EPSC, fraction above 0.9 EPSC 0.0026 +- 0.0022; ours, seeds
1-3: 2.594-2.627 Hz, 16.47-16.83 Hz, 0.15-0.22 Hz, 0.617-0.623, 0.0009-0.0018. Layer 4's rate is a Poisson
count of about 10,000 spikes (1 % noise, 0.026 Hz); the other tolerances are three to four Brian2 standard
deviations.
"""

import numpy as np
import pytest

from examples.kremer_2011.model import run, statistics
from tests.examples.reference import assert_near

SIZE = dict(size=2, M4=22, M23exc=8, M23inh=4)


@pytest.mark.parametrize('rule', ['scalar', 'event'])
def test_kremer_statistics_match_brian2(rule):
    out = run(duration=2000., seed=1, rule=rule, **SIZE)
    result = statistics(out)
    assert_near(result['rate4_hz'], 'kremer_2011', 'rate4_hz', 0.07)
    assert_near(result['rate23exc_hz'], 'kremer_2011', 'rate23exc_hz', 1.)
    assert_near(result['rate23inh_hz'], 'kremer_2011', 'rate23inh_hz', 0.3)
    assert_near(result['w_mean'], 'kremer_2011', 'w_mean', 0.006)
    assert_near(result['frac_high'], 'kremer_2011', 'frac_high', 0.007)
    for count, name in zip(out['n_synapses'], ('n_ff', 'n_rec_exc', 'n_rec_inh')):
        assert_near(count, 'kremer_2011', name, 4 * {'n_ff': 200., 'n_rec_exc': 31., 'n_rec_inh': 12.}[name])


def test_the_scalar_step_and_the_event_driven_step_agree():
    """The scalar step (traces decayed every step) and the vector step (decayed at spikes) are one rule: the
    same spikes, weights equal to rounding."""
    scalar, event = run(500., seed=3, **SIZE), run(500., seed=3, rule='event', **SIZE)
    assert scalar['time23'].size > 500
    assert np.array_equal(scalar['index23'], event['index23']) and np.array_equal(scalar['time23'], event['time23'])
    assert np.allclose(scalar['w'], event['w'], rtol=0., atol=1e-12)
    assert np.abs(scalar['w'] - 0.5).max() > 0.05
