"""The vector-mode CANN against a plain numpy simulation of the same equations, and its tracking behaviour."""

import numpy as np

import bp_core as bp
from tests.spec_models import cann

NUM = 64
SPEED = 0.05  # rad per time unit


def test_same_trajectory_as_numpy_and_the_bump_tracks_the_stimulus(jit):
    bp.profile.set(jit=jit)
    ts, u, I_ext = cann.run(NUM, 20., SPEED)
    reference = cann.reference(NUM, I_ext)
    np.testing.assert_allclose(u, reference, rtol=1e-10, atol=1e-10)
    x, _ = cann.ring(NUM)
    centre = np.angle(np.sum(u[-1] * np.exp(1j * x)))
    # the bump follows the moving stimulus, lagging behind it (a CANN's tracking lag), by a small angle
    lag = SPEED * ts[-1] - centre
    assert 0. < lag < 0.3
    # a bump of the network's own (the stimulus alone is 0.4 of its height), bounded by the normalisation
    assert cann.stationary_height(NUM) < u[-1].max() < 2 * cann.stationary_height(NUM)


def test_without_the_stimulus_the_bump_settles_on_the_analytic_stationary_bump(jit):
    bp.profile.set(jit=jit)
    _, u, _ = cann.run(NUM, 10., 0.)
    x, _ = cann.ring(NUM)
    group = bp.NeuGroup(cann.cann_type(), geometry=NUM, monitors=['u'],
                        satisfies={'conn_mat': cann.weights(NUM)})
    group.ST['u'] = u[-1]
    group.run(60.)
    u0 = cann.stationary_height(NUM)
    centre = np.angle(np.sum(group.mon.u[-1] * np.exp(1j * x)))
    assert abs(centre) < 1e-6
    bump = u0 * np.exp(-np.square(cann.distance(x - centre) / (2 * cann.a)))
    # the sums over 64 neurons stand for the continuum's integrals: agreement to 1e-4 of the height
    np.testing.assert_allclose(group.mon.u[-1], bump, rtol=0, atol=1e-4 * u0)
