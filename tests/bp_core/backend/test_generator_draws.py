"""One draw of ``np.random.binomial(n, p)`` or ``np.random.random()`` in a step is a call of a runtime helper
(``generator_binomial``, ``generator_random``), and the draws are NumPy's stream of the network's generator,
compiled or not."""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp


def draw_counts(ST):
    ST['k'] = np.random.binomial(40, 0.7)  # p > 1/2 and n p = 28: NumPy's BTPE branch, not inversion
    ST['m'] = np.random.binomial(5, 0.2)  # inversion
    ST['u'] = np.random.random()


def draw_array(ST):
    ST['k'] = np.random.binomial(40, 0.7, ST['k'].shape)


COUNTS = bp.NeuType(name='binomial_counts', ST=bp.types.NeuState(['k', 'm', 'u']), steps=draw_counts, mode='scalar')
ARRAYS = bp.NeuType(name='binomial_arrays', ST=bp.types.NeuState(['k']), steps=draw_array, mode='vector')


@pytest.fixture
def restore_jit():
    jit = bp.profile.is_jit()
    yield
    bp.profile.set(jit=jit)


@pytest.mark.parametrize("jit", [True, False])
def test_the_draws_are_numpys_stream_of_the_networks_generator(jit, restore_jit):
    bp.profile.set(jit=jit, dt=0.1)
    group = bp.NeuGroup(COUNTS, 7, monitors=['k', 'm', 'u'])
    net = bp.Network(group)
    net.reseed(11)
    net.run(1.2)  # 12 steps
    reference = np.random.default_rng(11)
    expected = {key: np.empty((12, 7)) for key in "kmu"}
    for step in range(12):  # each neuron draws k, m and u, neuron by neuron
        for i in range(7):
            expected["k"][step, i] = reference.binomial(40, 0.7)
            expected["m"][step, i] = reference.binomial(5, 0.2)
            expected["u"][step, i] = reference.random()
    for key in "kmu":
        np.testing.assert_array_equal(getattr(group.mon, key), expected[key])


def test_one_draw_calls_the_helper_and_a_draw_of_an_array_the_generator(restore_jit):
    bp.profile.set(jit=False)
    scalar = bp.Network(bp.NeuGroup(COUNTS, 3))
    vector = bp.Network(bp.NeuGroup(ARRAYS, 3))
    scalar.build(0.2)
    vector.build(0.2)
    assert "generator_binomial(_rng, 40, 0.7)" in scalar.code and "generator_random(_rng)" in scalar.code
    assert "_rng." not in scalar.code
    assert "_rng.binomial(40, 0.7, " in vector.code and "generator_binomial" not in vector.code
