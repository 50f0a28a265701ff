"""Python's abs() in a vector-mode model: it runs compiled as with NumPy (numba typed abs() of numbers only),
and the analyses read it as the function it is (it was taken for an argument the user had not given)."""

import numpy as np
import pytest

import bp_core as bp

STATE = bp.types.NeuState({'y': 0., 'size': 0., 'input': 0.})


@bp.integrate(method='rk4')
def int_y(y, t, I):
    return -abs(y) + 1. + I


def update(ST, _t):
    ST['y'] = int_y(ST['y'], _t, ST['input'])
    ST['size'] = abs(ST['y'] - 1.)
    ST['input'] = 0.


KINK = bp.NeuType(name='Kink', ST=STATE, steps=update, mode='vector')


def test_abs_of_a_field_runs_compiled_and_gives_the_solution(jit):
    g = bp.NeuGroup(KINK, 2)
    g.ST['y'] = [0.5, 3.]
    g.run(2.)
    # y > 0 stays > 0: dy/dt = 1 - y, so y(t) = 1 + (y0 - 1) exp(-t)
    expected = 1. + (np.array([0.5, 3.]) - 1.) * np.exp(-2.)
    np.testing.assert_allclose(g.ST['y'], expected, rtol=2e-6)  # RK4 at dt = 0.1: error ~4e-7
    np.testing.assert_allclose(g.ST['size'], np.abs(g.ST['y'] - 1.), rtol=1e-12)


@pytest.mark.parametrize("I, points", [(0., {-1.: 'unstable point', 1.: 'stable point'}),
                                       (0.5, {-1.5: 'unstable point', 1.5: 'stable point'})])
def test_a_phase_plane_of_a_model_with_abs_finds_its_fixed_points(I, points):
    analyzer = bp.PhasePortraitAnalyzer(KINK, target_vars={'y': [-3., 3.]}, fixed_vars={'I': I})
    found = {round(p.position['y'], 9): p.stability for p in analyzer.fixed_points()}
    assert found == points


def test_a_continuation_of_a_model_with_abs_says_it_is_not_smooth():
    from bp_core.errors import ModelUseError

    with pytest.raises(ModelUseError, match=r"derivative function 'int_y' is not smooth \(Abs\(y\)\)"):
        analyzer = bp.BifurcationAnalyzer(KINK, target_pars={'I': [-2., 1.]}, dynamical_vars={'y': [-3., 3.]},
                                          par_resolution=0.05)
        analyzer.plot_bifurcation(plot_vars=['y'], show=False)
