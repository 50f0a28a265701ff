"""Homoclinic curves in two parameters, continued as orbits of a fixed large period from the HOM end of a
cycle branch: on a system whose homoclinic curve is exact, and on the Bogdanov-Takens normal form, whose
homoclinic curve is known to leading order."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.dynamics.diagram import SpecialPoint
from bp_core.dynamics.homoclinic_curves import continue_homoclinic
from bp_core.errors import ModelUseError
from tests.time_budgets import LOADED


def planar(name, int_x, int_y):
    """A NeuType with variables x, y integrated by ``int_x(x, t, y, a, b)`` and ``int_y(y, t, x, a, b)``."""

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0., 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0., 0.)
        ST['x'] = x

    return bp.NeuType(name=name, ST=bp.types.NeuState('x', 'y'), steps=update)


def shifted_loop():
    """x' = y, y' = x - x^2 + y (a - b - H), H = y^2/2 - x^2/2 + x^3/3: dH/dt = y^2 (a - b - H), so the level
    H = a - b is invariant and attracting, and the loop homoclinic to the saddle (0, 0) exists exactly on the
    line a = b (unstable eigenvalue 1 there)."""

    @bp.integrate
    def int_x(x, t, y, a, b):
        return y

    @bp.integrate
    def int_y(y, t, x, a, b):
        return x - x * x + y * (a - b - (y * y / 2 - x * x / 2 + x * x * x / 3))

    return planar("shifted_loop", int_x, int_y)


def bogdanov_takens():
    """x' = y, y' = a + b x + x^2 - x y: the homoclinic curve leaves the Bogdanov-Takens point (0, 0) as
    a = -(6/25) b^2 + O(|b|^3), b < 0 (Kuznetsov, Elements of Applied Bifurcation Theory, section 8.4)."""

    @bp.integrate
    def int_x(x, t, y, a, b):
        return y

    @bp.integrate
    def int_y(y, t, x, a, b):
        return a + b * x + x * x - x * y

    return planar("bt_normal_form", int_x, int_y)


def hom_curve(model, pars, variables, resolution, second_value):
    an = bp.BifurcationAnalyzer(model, pars, variables, par_resolution=resolution)
    (point,) = [p for branch in an.cycle_branches({'b': second_value}) for p in branch.special if p.label == "HOM"]
    return point, an.homoclinic_curve(point, time_budget=LOADED)


@pytest.fixture(scope="module")
def exact():
    return hom_curve(shifted_loop(), {'a': [-0.3, 0.1], 'b': [-0.1, 0.05]}, {'x': [-1., 2.], 'y': [-1.5, 1.5]},
                     0.005, 0.)


@pytest.fixture(scope="module")
def normal_form():
    return hom_curve(bogdanov_takens(), {'a': [-0.2, 0.1], 'b': [-0.55, -0.01]}, {'x': [-1.5, 1.], 'y': [-1., 1.]},
                     0.005, -0.5)


def test_the_fixed_period_curve_is_the_exact_homoclinic_line(exact):
    point, curve = exact
    assert curve.label == "HOM" and curve.pars == ('a', 'b')
    assert point.period > 20  # exp(-lambda_u T) < 2e-9: the curve is that close to a = b
    a, b = curve.values.T
    assert b.min() < -0.09 and b.max() > 0.04  # across the second parameter's range, both ways
    np.testing.assert_allclose(a, b, atol=1e-8)
    np.testing.assert_allclose(curve.period, point.period, rtol=1e-12)  # the period is held
    assert curve.special == []  # the saddle stays hyperbolic: no NCH point


def test_the_normal_form_curve_leaves_the_bt_point_as_minus_six_over_25_b_squared(normal_form):
    _, curve = normal_form
    a, b = curve.values.T
    assert b.max() > -0.15  # followed towards the BT point until lambda_u T falls to 20
    assert "Bogdanov-Takens" in curve.stopped
    ratio = a / b ** 2
    # a / b^2 = -6/25 + c1 b + c2 b^2: the fitted limit at b = 0 is the leading coefficient
    use = (b < -0.1) & (b > -0.55)
    limit = np.polyfit(b[use], ratio[use], 2)[-1]
    assert limit == pytest.approx(-6 / 25, abs=1e-4)
    assert np.all(np.diff(np.sign(b)) == 0)  # on the side b < 0 only


def test_a_homoclinic_curve_starts_only_at_a_hom_point(exact):
    point, _ = exact
    fold = SpecialPoint("LPC", point.par, point.state, point.period, located=point.located)
    with pytest.raises(ModelUseError, match="HOM end of a cycle branch"):
        continue_homoclinic(None, fold, ['a', 'b'], [], [])


def test_codim2_curves_with_cycles_add_the_homoclinic_curve():
    an = bp.BifurcationAnalyzer(bogdanov_takens(), {'a': [-0.2, 0.1], 'b': [-0.55, -0.01]},
                                {'x': [-1.5, 1.], 'y': [-1., 1.]}, par_resolution=0.005)
    (hom,) = [c for c in an.codim2_curves(seeds=1, cycles=True, time_budget=LOADED).curves if c.label == "HOM"]
    a, b = hom.values.T
    inner = (b < -0.1) & (b > -0.5)
    assert inner.sum() > 10
    np.testing.assert_allclose(a[inner] / b[inner] ** 2, -6 / 25, atol=0.015)  # -6/25 + O(b) on this stretch


def test_a_large_period_orbit_from_a_simulated_loop_sits_on_the_exact_homoclinic_line():
    """large_period_orbit: one passage of the loop at a = b = 0 (simulated, ending 1e-7 from the saddle) with
    its period held and a free: a = b to exp(-lambda_u T) (lambda_u = 1 at the saddle, T about 33)."""
    from scipy.integrate import solve_ivp

    from bp_core.dynamics.homoclinic_orbits import large_period_orbit

    an = bp.BifurcationAnalyzer(shifted_loop(), {'a': [-0.3, 0.1], 'b': [-0.1, 0.05]},
                                {'x': [-1., 2.], 'y': [-1.5, 1.5]}, par_resolution=0.005)
    f = an.field.compiled
    start = 1e-7 * np.array([1.0, 1.0]) / np.sqrt(2)  # the unstable eigenvector (1, 1) of the saddle
    sol = solve_ivp(lambda t, y: f.f(y[:, None], np.zeros(2))[:, 0], (0, 33.0), start, rtol=1e-11, atol=1e-14,
                    dense_output=True)
    p = np.array([1e-3, 0.0])  # a guess off the line: Newton's method moves a
    times = np.linspace(0, 33.0, 800)
    point = large_period_orbit(an.field, times, sol.sol(times).T, p, 0, an.par_ranges['a'],
                               list(an.var_ranges.values()), an.par_names)
    assert point.label == "HOM" and point.period == pytest.approx(33.0)
    assert abs(point.par['a'] - point.par['b']) < 1e-9
    np.testing.assert_allclose(list(point.state.values()), [0.0, 0.0], atol=1e-12)
    with pytest.raises(ModelUseError, match="states of shape"):
        large_period_orbit(an.field, times, sol.sol(times).T[:, :1], p, 0, an.par_ranges['a'],
                           list(an.var_ranges.values()), an.par_names)
