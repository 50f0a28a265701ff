"""A selection of a selection of neurons is a selection of the same group, as NumPy composes indexing."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError


def fires_every_third(ST, _t, _i):
    ST['spike'] = 1. if _i % 3 == 0 else 0.


FIRING = bp.NeuType(name='F', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=fires_every_third, mode='scalar')


def copy(ST, pre):
    ST['s'] = pre['spike']


def output(ST, post):
    post['V'] += ST['s']


DELTA = bp.SynType(name='delta', ST=bp.types.SynState({'s': 0.}), steps=(copy, output), mode='scalar')


def received(select_pre, select_post):
    g = bp.NeuGroup(FIRING, 8)
    syn = bp.SynConn(DELTA, pre_group=select_pre(g), post_group=select_post(g), conn=bp.connect.One2One())
    bp.Network(g, syn).run(1.)  # four spikes: steps 0, 3, 6, 9
    return g.ST['V']


@pytest.mark.parametrize("nested, flat", [
    (lambda g: g[2:6][1:3], lambda g: g[3:5]),
    (lambda g: g[::2][::-1][:2], lambda g: g[[6, 4]]),
    (lambda g: g[[7, 1, 5]][np.array([True, False, True])], lambda g: g[[7, 5]]),
    (lambda g: g[-4:][-2:], lambda g: g[6:8]),
])
def test_a_selection_of_a_selection_selects_what_numpy_would(nested, flat, jit):
    g = bp.NeuGroup(FIRING, 8)
    np.testing.assert_array_equal(nested(g).indices, flat(g).indices)
    assert nested(g).parent is g
    as_pre, as_post = received(nested, lambda g: g[0:2]), received(lambda g: g[0:2], nested)
    np.testing.assert_array_equal(as_pre, received(flat, lambda g: g[0:2]))
    np.testing.assert_array_equal(as_post, received(lambda g: g[0:2], flat))
    assert as_post.sum() == 8.  # two synapses, four spikes each


@pytest.mark.parametrize("item, words", [(5, "index 5 is out of bounds"), (slice(3, 3), "selects no neuron"),
                                         ('a', "cannot index"), (1.5, "cannot index")])
def test_a_bad_selection_of_a_selection_is_a_model_use_error(item, words):
    sub = bp.NeuGroup(FIRING, 8)[2:6]
    with pytest.raises(ModelUseError, match=words):
        sub[item]
