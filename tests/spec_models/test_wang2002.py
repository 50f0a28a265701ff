"""The reduced Wang (2002) network (AMPA, NMDA, GABA_A in scalar mode, delayed outputs) against numpy."""

import numpy as np

import bp_core as bp
from tests.spec_models import wang2002 as wang


def _check(E, I, ext, syns, V0):
    V, spikes = wang.reference(E, I, V0, ext.mon.spike, syns, E.mon.ts)
    np.testing.assert_array_equal(E.mon.spike, spikes[0])
    np.testing.assert_array_equal(I.mon.spike, spikes[1])
    np.testing.assert_allclose(E.mon.V, V[0], rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(I.mon.V, V[1], rtol=1e-12, atol=1e-10)


def test_same_voltages_and_spikes_as_numpy():
    E, I, ext, syns, V0 = wang.run(300.)
    assert E.mon.spike.sum() >= 5 and I.mon.spike.sum() >= 20
    _check(E, I, ext, syns, V0)


def test_same_voltages_and_spikes_as_numpy_without_jit():
    """The same check through the NumPy backend, on a smaller network (scalar mode without JIT loops in Python)."""
    bp.profile.set(jit=False)
    E, I, ext, syns, V0 = wang.run(20., n_e=40, n_i=10, seed=3)
    assert E.mon.spike.sum() >= 1 and I.mon.spike.sum() >= 1
    _check(E, I, ext, syns, V0)


def test_the_stimulus_favours_its_population():
    """Over 300 ms the population the stimulus favours (coherence 1: B gets no stimulus) fires more."""
    E, _, _, _, _ = wang.run(300., coherence=1.)
    n_sel = int(wang.f * E.num)
    rate_A = E.mon.spike[:, :n_sel].mean()
    rate_B = E.mon.spike[:, n_sel:2 * n_sel].mean()
    assert rate_A > rate_B
