"""The reduced Wang (2002) network (gates per neuron as in Brian2's example: AMPA, GABA_A delivered through
delayed outputs, NMDA gates opened by the neuron's own delayed spike and summed by the synapses) against numpy."""

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


def test_same_rates_as_numpy():
    """At 100 neurons over 300 ms (seed 0) E fires at 0.75 Hz and I at 5.5 Hz, in the engine and in numpy."""
    E, I, ext, syns, V0 = wang.run(300.)
    _, spikes = wang.reference(E, I, V0, ext.mon.spike, syns, E.mon.ts)
    ours = [E.mon.spike.sum() / E.num / 0.3, I.mon.spike.sum() / I.num / 0.3]
    numpy = [spikes[0].sum() / E.num / 0.3, spikes[1].sum() / I.num / 0.3]
    np.testing.assert_allclose(ours, [0.75, 5.5], rtol=1e-12)
    np.testing.assert_allclose(numpy, [0.75, 5.5], rtol=1e-12)


def test_gates_are_fields_of_the_neurons():
    """As in Brian2's example, a synapse holds no gate: the NMDA gates are the presynaptic neuron's, opened
    0.5 ms after its own spike; the AMPA and GABA gates are the target's."""
    E, I, ext, syns, _ = wang.run(20., n_e=40, n_i=10, seed=3)
    assert set(wang.NMDA.ST.fields) == {'w'}
    assert {'x', 's_NMDA', 's_AMPA', 's_GABA', 's_NMDA_tot'} <= set(wang.LIF.ST.fields)
    fired = np.flatnonzero(E.mon.spike.sum(axis=0))
    assert fired.size and np.all(E.ST['s_NMDA'][fired] > 0.)
    assert np.all(E.ST['s_NMDA'][E.mon.spike.sum(axis=0) == 0] == 0.)  # only a neuron's own spike opens it


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
