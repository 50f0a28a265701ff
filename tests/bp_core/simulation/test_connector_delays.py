"""Distance-dependent delays given by spatial connectors (``delay=`` a function of the synapses' lengths): the
same spikes as the same synapses with the same delays given to the SynConn by hand, and bad functions refused
with the connector's name and the fix."""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp
from bp_core.connect.spatial import positions
from bp_core.errors import ModelUseError
from tests.bp_core.simulation.queue_networks import NEURON, SYNAPSE

DT = 0.1
SIDE = 6  # a 6 x 6 sheet


def conduction(d):
    return 0.2 + 3.0 * d  # ms: 0.2 ms at no distance, 3 ms across the (normalised) sheet


def _sheet():
    group = bp.NeuGroup(NEURON, (SIDE, SIDE), monitors=['spike'])
    group.ST['I'] = np.random.default_rng(1).uniform(1.05, 2.5, group.num)
    return group


def _lengths(i, j):
    """Each synapse's length between positions on the normalised sheet, computed here independently."""
    rows, cols = positions(np.arange(SIDE * SIDE).reshape(SIDE, SIDE), True)
    return np.hypot(rows[i] - rows[j], cols[i] - cols[j])


@pytest.mark.parametrize("connector", [
    lambda delay: bp.connect.GaussianProb(sigma=0.4, seed=3, delay=delay),
    lambda delay: bp.connect.GaussianWeight(sigma=0.3, w_max=1., w_min=0.2, delay=delay),
    lambda delay: bp.connect.DOG(sigmas=(0.2, 0.5), ws_max=(1., 0.4), w_min=0.1, delay=delay),
])
def test_a_connectors_delays_equal_the_same_delays_given_by_hand(jit, connector):
    group = _sheet()
    syn = bp.SynConn(SYNAPSE, pre_group=group, post_group=group, conn=connector(conduction))
    i, j = syn.local_ids()
    expected = conduction(_lengths(i, j))
    np.testing.assert_allclose(syn.delay, expected, rtol=1e-15)
    assert np.unique(np.round(syn.delay / DT)).size > 3  # several different delays
    with bp.profile.override(dt=DT):
        bp.Network(group, syn).run(40.)
    by_conn = np.asarray(group.mon.spike).copy()

    group = _sheet()
    by_hand = bp.SynConn(SYNAPSE, pre_group=group, post_group=group, conn=(i, j), delay=expected)
    with bp.profile.override(dt=DT):
        bp.Network(group, by_hand).run(40.)
    assert by_conn.sum() > 100
    np.testing.assert_array_equal(by_conn, np.asarray(group.mon.spike))


def test_the_delays_change_the_spikes():
    """The comparison above can fail: the same connectivity with one delay for all gives other spikes."""
    runs = []
    for delay in (conduction, lambda d: np.full(d.shape, 0.2)):
        group = _sheet()
        syn = bp.SynConn(SYNAPSE, pre_group=group, post_group=group,
                         conn=bp.connect.GaussianProb(sigma=0.4, seed=3, delay=delay))
        with bp.profile.override(dt=DT):
            bp.Network(group, syn).run(40.)
        runs.append(np.asarray(group.mon.spike).copy())
    assert not np.array_equal(*runs)


def test_a_constant_returned_by_the_function_is_one_delay_per_synapse():
    group = _sheet()
    syn = bp.SynConn(SYNAPSE, pre_group=group, post_group=group,
                     conn=bp.connect.GaussianProb(sigma=0.3, seed=3, delay=lambda d: 1.5))
    assert np.shape(syn.delay) == (syn.num,) and np.all(syn.delay == 1.5)


def test_without_delay_the_connectors_return_what_they_did():
    made = bp.connect.GaussianProb(sigma=0.3, seed=3)(np.arange(16).reshape(4, 4), np.arange(16).reshape(4, 4))
    assert len(made) == 2 and made.delays is None
    i, j = made
    assert i.size == j.size > 0


@pytest.mark.parametrize("delay, message", [
    (2.0, r"GaussianProb: delay= is a function of the synapses' lengths.*A delay the same for every synapse is "
          r"the SynConn's delay="),
    (lambda d: -d, r"GaussianProb: its delay function returned a negative, NaN or infinite delay"),
    (lambda d: np.full(d.shape, np.nan), r"GaussianProb: its delay function returned a negative, NaN or infinite"),
    (lambda d: d[:3], r"GaussianProb: its delay function must return one number of ms per synapse"),
    (lambda d: d.astype(str), r"GaussianProb: its delay function must return one number of ms per synapse"),
    (lambda d: float(d), r"GaussianProb: its delay function raised TypeError.*it must take an array"),
])
def test_bad_delay_functions_are_refused_naming_the_connector(delay, message):
    group = bp.NeuGroup(NEURON, (4, 4))
    with pytest.raises(ModelUseError, match=message):
        bp.SynConn(SYNAPSE, pre_group=group, post_group=group,
                   conn=bp.connect.GaussianProb(sigma=0.5, seed=1, delay=delay))


def test_delays_in_both_places_are_refused():
    group = bp.NeuGroup(NEURON, (4, 4))
    with pytest.raises(ModelUseError, match=r"gives every synapse a delay .* give them in one place"):
        bp.SynConn(SYNAPSE, pre_group=group, post_group=group, delay=1.,
                   conn=bp.connect.GaussianProb(sigma=0.5, seed=1, delay=conduction))
