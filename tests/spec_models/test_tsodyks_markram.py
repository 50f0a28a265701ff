"""The scalar-mode Tsodyks-Markram synapse against its analytic recursion and an exact reference membrane."""

import numpy as np
import pytest

import bp_core as bp
from tests.spec_models import tsodyks_markram as tm

TIMES = [10. + 25. * i for i in range(8)] + [400.]  # a depressing train, then a recovered spike


def test_release_follows_the_analytic_recursion(jit):
    bp.profile.set(jit=jit)
    pre, syn, _ = tm.run(TIMES, 450.)
    steps = np.flatnonzero(pre.mon.spike[:, 0])
    assert np.allclose(pre.mon.ts[steps], TIMES)
    I = syn.mon.I[:, 0]
    jumps = I[steps] - I[steps - 1] * np.exp(-0.1 / tm.tau_s)
    expected = tm.A * tm.released(TIMES)
    assert expected[3] < 0.7 * expected[0]  # the train depresses, so the check is not trivially met
    np.testing.assert_allclose(jumps, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("delay", [0.5, 2.])
def test_the_target_receives_the_current_delay_later(jit, delay):
    bp.profile.set(jit=jit)
    _, syn, post = tm.run(TIMES[:4], 120., delay=delay)
    shift = int(round(delay / 0.1))
    I = np.concatenate([np.zeros(shift), syn.mon.I[:-shift, 0]])
    decay = np.exp(-0.1 / tm.tau_m)
    V, expected = 0., []
    for current in I:  # the passive membrane, solved exactly over each step
        V = current + (V - current) * decay
        expected.append(V)
    assert post.mon.V.max() > 0.01
    np.testing.assert_allclose(post.mon.V[:, 0], expected, rtol=1e-12, atol=1e-14)
