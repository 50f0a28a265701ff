"""The scalar-mode STDP network against numpy driven by the same recorded input spikes."""

import numpy as np

import bp_core as bp
from tests.spec_models import stdp

NUM = 200


def test_same_membrane_spikes_and_weights_as_numpy(jit):
    bp.profile.set(jit=jit)
    inputs, neuron, syn = stdp.run(NUM, 300.)
    w0 = np.random.RandomState(0).rand(NUM) * stdp.gmax
    v, spikes, w = stdp.reference(inputs.mon.spike, w0)
    assert spikes.sum() >= 5 and inputs.mon.spike.sum() > 500
    np.testing.assert_array_equal(neuron.mon.spike[:, 0], spikes)
    np.testing.assert_allclose(neuron.mon.v[:, 0], v, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(syn.mon.w, w, rtol=0, atol=1e-15)
    changed = np.abs(syn.mon.w[-1] - w0)
    assert (changed > 0.1 * stdp.dApre).sum() > NUM // 2  # plasticity at work on most synapses
    assert syn.mon.w.min() >= 0. and syn.mon.w.max() <= stdp.gmax
