"""Objects that have run are copied and pickled as objects that have not: the copy runs on from the same state
and gives the same results as the original."""

import copy
import pickle

import numpy as np
import pytest

import bp_core as bp

STATE = bp.types.NeuState({'V': 0., 'input': 0., 'spike': 0.})


def integrate_and_fire(ST, _t):
    ST['V'] += ST['input'] - 0.1 * ST['V']
    ST['spike'] = 0.
    if ST['V'] > 1.:
        ST['V'] = 0.
        ST['spike'] = 1.
    ST['input'] = 0.


def group():
    model = bp.NeuType(name='IF', ST=STATE, steps=integrate_and_fire, mode='scalar')
    return bp.NeuGroup(model, 3, monitors=['V', 'spike'])


def pickled(obj):
    return pickle.loads(pickle.dumps(obj))


@pytest.mark.parametrize("duplicate", [pickled, copy.deepcopy], ids=["pickle", "deepcopy"])
def test_a_group_that_has_run_copies_with_its_records_and_runs_on_as_the_original(duplicate, jit):
    original = group()
    original.run(2., inputs=('ST.input', np.array([0.2, 0.4, 0.6])))
    spikes = original.mon.spike.sum()
    assert spikes > 0  # the records hold events, kept as events until read
    twin = duplicate(original)
    assert twin.mon.spike.sum() == spikes
    np.testing.assert_array_equal(twin.mon.V, original.mon.V)
    for g in (original, twin):
        g.run((2., 4.), inputs=('ST.input', np.array([0.2, 0.4, 0.6])))
    np.testing.assert_array_equal(twin.ST['V'], original.ST['V'])
    np.testing.assert_array_equal(twin.mon.spike, original.mon.spike)


def test_a_network_that_has_run_pickles_and_its_copy_runs(jit):
    net = bp.Network(group())
    net.run(1.)
    twin = pickled(net)
    for n in (net, twin):
        n.run((1., 3.))
    (original,), (copied,) = net.objects, twin.objects
    assert copied is not original
    np.testing.assert_array_equal(copied.ST['V'], original.ST['V'])
