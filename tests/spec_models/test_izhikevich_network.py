"""Izhikevich's E/I network (scalar-mode synapses, @bp.delayed output, one delay per synapse) against numpy."""

import numpy as np

import bp_core as bp
from tests.spec_models import izhikevich_network as iz


def test_same_voltages_and_spikes_as_numpy_with_every_synapse_its_own_delay(jit):
    bp.profile.set(jit=jit)
    group, exc, inh, thalamic = iz.run(80, 20, 100.)
    assert np.ndim(exc.delay) == 1 and np.ptp(exc.delay) > 5.  # 1-10 ms, one per synapse
    v, spikes = iz.reference(group, [exc, inh], thalamic)
    assert spikes.sum() > 30
    np.testing.assert_array_equal(group.mon.spike, spikes)
    np.testing.assert_allclose(group.mon.v, v, rtol=1e-12, atol=1e-10)


def test_the_delays_shape_the_activity():
    """The same network with every delay at 1 ms fires differently: the reference with the real delays is
    no accident of the input alone."""
    group, exc, inh, thalamic = iz.run(80, 20, 100.)
    exc.delay = 1.
    v, spikes = iz.reference(group, [exc, inh], thalamic)
    assert not np.array_equal(group.mon.spike, spikes)
