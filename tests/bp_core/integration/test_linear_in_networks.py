"""A linear system integrated exactly inside compiled neuron steps (vector and scalar modes, jit on and off),
with an input added through the step held constant over each step."""

import numpy as np
import pytest
from scipy.linalg import expm

import bp_core as bp

tau = 2.0
tau_s = 0.7


@bp.integrate(method='linear')
def int_alpha(v, x, y, t, I):
    return (x - v) / tau, (y - x) / tau_s, (I - y) / tau_s


def vector_update(ST, _t):
    ST['v'], ST['x'], ST['y'] = int_alpha(ST['v'], ST['x'], ST['y'], _t, ST['input'])
    ST['input'] = 0.


def scalar_update(ST, _t):
    v, x, y = int_alpha(ST['v'], ST['x'], ST['y'], _t, ST['input'])
    ST['v'] = v
    ST['x'] = x
    ST['y'] = y
    ST['input'] = 0.


def reference(state, inputs, dt):
    """Each step: the exact flow of the augmented system [[A, e_y / tau_s], [0, 0]] with the step's input."""
    A = np.array([[-1 / tau, 1 / tau, 0, 0], [0, -1 / tau_s, 1 / tau_s, 0], [0, 0, -1 / tau_s, 1 / tau_s],
                  [0, 0, 0, 0]])
    P = expm(A * dt)
    out = []
    for current in inputs:
        full = np.vstack([state, current])
        state = (P @ full)[:3]
        out.append(state[0].copy())
    return np.array(out)


@pytest.mark.parametrize("mode", ["vector", "scalar"])
@pytest.mark.parametrize("jit", [True, False], ids=["jit", "nojit"])
def test_network_step_matches_the_exact_flow(mode, jit):
    n, steps, dt = 3, 40, 0.1
    rng = np.random.default_rng(3)
    inputs = rng.uniform(0, 2, size=(steps, n))
    with bp.profile.override(jit=jit, dt=dt):
        neuron = bp.NeuType(name=f'alpha_{mode}', ST=bp.types.NeuState({'v': 0., 'x': 0., 'y': 0., 'input': 0.}),
                            steps=vector_update if mode == 'vector' else scalar_update, mode=mode)
        group = bp.NeuGroup(neuron, geometry=n, monitors=['v'])
        group.ST['v'] = [0.1, -0.2, 0.3]
        group.ST['y'] = [1.0, 0.0, 2.0]
        net = bp.Network(group)
        net.run(steps * dt, inputs=[(group, 'ST.input', inputs, '=')])
    start = np.array([[0.1, -0.2, 0.3], [0., 0., 0.], [1.0, 0.0, 2.0]])
    np.testing.assert_allclose(np.asarray(group.mon.v), reference(start, inputs, dt), rtol=0, atol=1e-12)


def test_phase_plane_analysis_of_a_system_integrated_at_once_names_the_step_and_the_fix():
    neuron = bp.NeuType(name='alpha_analysis', ST=bp.types.NeuState({'v': 0., 'x': 0., 'y': 0., 'input': 0.}),
                        steps=vector_update, mode='vector')
    with pytest.raises(bp.errors.ModelUseError, match=r"alpha_analysis.*v, x, y together with method='linear'.*"
                                                      r"its own integrator"):
        bp.PhasePortraitAnalyzer(neuron, target_vars={'v': [-1., 1.], 'x': [-1., 1.]}, fixed_vars={'y': 0.})
