"""Cycle branches that end at an orbit of infinite period (SNIC or saddle homoclinic), long periods on
adaptive meshes, cycles at exact parameter values and found by simulation, checked against analytic
period laws, quadrature and scipy's integrators."""

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp
from scipy.optimize import brentq

import bp_core as bp
from benchmarks.continuation import CASES, analyzer
from bp_core.dynamics.cycles import CycleSettings
from bp_core.errors import ModelUseError


def planar(name, int_x, int_y):
    """A NeuType with variables x, y integrated by ``int_x(x, t, y, a)`` and ``int_y(y, t, x, a)``."""

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name=name, ST=bp.types.NeuState('x', 'y'), steps=update)


def snic_circle():
    """r' = r (1 - r^2), theta' = a - r cos(theta): on the attracting circle r = 1, theta' = a - cos(theta), a
    saddle-node at a = 1 on the circle; for a > 1 the period is exactly 2 pi / sqrt(a^2 - 1)."""

    @bp.integrate
    def int_x(x, t, y, a):
        return x * (1 - x * x - y * y) - y * (a - x)

    @bp.integrate
    def int_y(y, t, x, a):
        return y * (1 - x * x - y * y) + x * (a - x)

    return planar("snic_circle", int_x, int_y)


def homoclinic_loop():
    """x' = y, y' = x - x^2 + y (a - H) with H = y^2/2 - x^2/2 + x^3/3: dH/dt = y^2 (a - H), so the level H = a
    is invariant and attracting. For -1/6 < a < 0 it is a cycle (born at the Hopf point a = -1/6), at a = 0 the
    loop homoclinic to the saddle (0, 0) (unstable eigenvalue 1), beyond no cycle."""

    @bp.integrate
    def int_x(x, t, y, a):
        return y

    @bp.integrate
    def int_y(y, t, x, a):
        return x - x * x + y * (a - (y * y / 2 - x * x / 2 + x * x * x / 3))

    return planar("homoclinic_loop", int_x, int_y)


def hamiltonian_period(h):
    """Period of the level H = h of the loop's Hamiltonian by quadrature:
    h + x^2/2 - x^3/3 = (x - r0)(x - r1)(r2 - x)/3, so T = 2 int_r1^r2 dx / sqrt(2 (x - r0)(x - r1)(r2 - x) / 3),
    the square-root ends weighted exactly."""
    r0, r1, r2 = np.sort(np.roots([-1 / 3, 1 / 2, 0, h]).real)
    value, _ = quad(lambda x: 1 / np.sqrt(2 * (x - r0) / 3), r1, r2, weight="alg", wvar=(-0.5, -0.5),
                    epsabs=1e-13, epsrel=1e-13)
    return 2 * value


def test_a_branch_ends_where_its_wall_clock_budget_runs_out_with_what_it_has():
    an = bp.BifurcationAnalyzer(homoclinic_loop(), {'a': [-0.3, 0.1]}, {'x': [-1., 2.], 'y': [-1.5, 1.5]},
                                par_resolution=0.01)
    (branch,) = an.cycle_branches(settings=CycleSettings(wall_clock=1e-3))
    assert "wall-clock budget of 0.001 s ran out" in branch.stopped and "wall_clock=" in branch.stopped
    assert len(branch.par) >= 1 and not [p for p in branch.special if p.label == "HOM"]
    np.testing.assert_allclose(branch.period, [hamiltonian_period(a) for a in branch.par], rtol=1e-7)


def inap_ik():
    """Izhikevich's persistent-sodium plus potassium model (Dynamical Systems in Neuroscience, 2007, fig. 4.1),
    its low-threshold set: tonic spiking is born at a saddle-node on an invariant circle."""

    @bp.integrate
    def int_V(V, t, n, I):
        m_inf = 1 / (1 + np.exp((-20 - V) / 15))
        return I - 8 * (V + 80) - 20 * m_inf * (V - 60) - 10 * n * (V + 90)

    @bp.integrate
    def int_n(n, t, V):
        return 1 / (1 + np.exp((-25 - V) / 5)) - n

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['n'], 0.)
        ST['n'] = int_n(ST['n'], _t, ST['V'])
        ST['V'] = V

    return bp.NeuType(name="inap_ik", ST=bp.types.NeuState('V', 'n'), steps=update)


def crossings(compiled, x0, p, duration, level, var=0):
    """Upward crossing times of ``x[var] = level`` by a tight DOP853 integration."""
    sol = solve_ivp(lambda t, y: compiled.f1(y, p), (0, duration), x0, method="DOP853", rtol=1e-12, atol=1e-12,
                    events=lambda t, y: y[var] - level, dense_output=True)
    up = [t for t, y in zip(sol.t_events[0], sol.y_events[0]) if compiled.f1(y, p)[var] > 0]
    return np.array(up), sol


def test_snic_on_a_circle_is_located_at_the_fold_with_the_square_root_period_law():
    an = bp.BifurcationAnalyzer(snic_circle(), {'a': [0.5, 3.]}, {'x': [-1.5, 1.5], 'y': [-1.5, 1.5]})
    branch = an.cycles_from_simulation(2.0, start={'x': 0.5, 'y': 0.5}, direction=-1.)
    exact = 2 * np.pi / np.sqrt(branch.par ** 2 - 1)
    np.testing.assert_allclose(branch.period, exact, rtol=1e-7)
    assert branch.period[-1] > 100 * branch.period[0]
    (end,) = [p for p in branch.special if p.label in ("SNIC", "HOM")]
    assert end.label == "SNIC" and end.par['a'] == pytest.approx(1.0, abs=1e-10)
    assert end.state['x'] == pytest.approx(1.0, abs=1e-6) and end.state['y'] == pytest.approx(0.0, abs=1e-6)
    # T sqrt(a - a_c) -> pi sqrt(2) as a -> a_c (the fold's normal form).
    assert branch.period[-1] * np.sqrt(branch.par[-1] - 1) == pytest.approx(np.pi * np.sqrt(2), rel=1e-3)
    assert np.all(branch.stable)



def test_snic_end_and_fold_coefficients_take_no_third_derivatives(monkeypatch):
    """Locating a SNIC's fold and a fold's coefficient need the second derivatives only: the third
    derivative tensor (n^2 more pairs of Jacobians per Newton iteration) is not computed, and the second is
    the one :meth:`tensors` gives, bit for bit."""
    from bp_core.dynamics.compiled_field import CompiledField

    an = bp.BifurcationAnalyzer(snic_circle(), {'a': [0.5, 3.]}, {'x': [-1.5, 1.5], 'y': [-1.5, 1.5]})
    compiled = an.field.compiled
    x, q = np.array([0.3, -0.7]), np.array([1.3])
    assert np.array_equal(compiled.second_derivative(x, q), compiled.tensors(x, q)[0])

    def refused(self, x, p):
        raise AssertionError("third derivatives computed")

    monkeypatch.setattr(CompiledField, "tensors", refused)
    branch = an.cycles_from_simulation(2.0, start={'x': 0.5, 'y': 0.5}, direction=-1.)
    (end,) = [p for p in branch.special if p.label in ("SNIC", "HOM")]
    assert end.label == "SNIC" and end.par['a'] == pytest.approx(1.0, abs=1e-10)
    folds = [p for p in an.bifurcation_points() if p.label == "LP"]
    assert folds and all(np.isfinite(p.coefficient) for p in folds)

def test_saddle_homoclinic_end_with_the_logarithmic_period_law():
    an = bp.BifurcationAnalyzer(homoclinic_loop(), {'a': [-0.3, 0.1]}, {'x': [-1., 2.], 'y': [-1.5, 1.5]},
                                par_resolution=0.01)
    (branch,) = an.cycle_branches()
    (end,) = [p for p in branch.special if p.label in ("SNIC", "HOM")]
    assert end.label == "HOM" and abs(end.par['a']) < 1e-9
    assert abs(end.state['x']) < 1e-9 and abs(end.state['y']) < 1e-9  # the saddle
    assert not [p for p in branch.special if p.label == "LPC"]  # rounding wobbles of the parameter are no folds
    # Near the loop dT/da = -1/a: compare where the period is well conditioned in a.
    checked = (branch.par < -1e-5) & (branch.par > -1 / 6 + 1e-4)
    assert checked.sum() > 10
    np.testing.assert_allclose(branch.period[checked], [hamiltonian_period(a) for a in branch.par[checked]],
                               rtol=1e-7)
    # T ~ -log|a - a_c| / lambda_u with lambda_u = 1 at the saddle.
    near = (branch.par < -1e-9) & (branch.par > -1e-3)  # closer, only rounding moves the parameter
    slope = np.polyfit(np.log(-branch.par[near]), branch.period[near], 1)[0]
    assert slope == pytest.approx(-1.0, rel=0.02)


def test_inap_ik_spikes_from_a_snic_at_the_fold_that_scipy_finds():
    an = bp.BifurcationAnalyzer(inap_ik(), {'I': [0., 10.]}, {'V': [-90., 20.], 'n': [0., 1.]})
    branch = an.cycles_from_simulation(6.0, start={'V': -20., 'n': 0.3}, direction=-1.)
    (end,) = [p for p in branch.special if p.label in ("SNIC", "HOM")]
    # Independently: the equilibria are I = I_ss(V) with n = n_inf(V); the saddle-node is I_ss's local maximum.

    def i_ss(V):
        return 8 * (V + 80) + 20 / (1 + np.exp((-20 - V) / 15)) * (V - 60) + 10 / (1 + np.exp((-25 - V) / 5)) * (V + 90)

    h = 1e-5
    v_fold = brentq(lambda V: (i_ss(V + h) - i_ss(V - h)) / (2 * h), -70., -55., xtol=1e-13)
    assert end.label == "SNIC" and end.par['I'] == pytest.approx(i_ss(v_fold), abs=1e-7)
    assert end.par['I'] == pytest.approx(4.5129, abs=1e-4)
    # A simulation at 4.52 spikes regularly: the branch reaches there, with the simulation's period.
    assert branch.par.min() < 4.52
    at = an.cycle_at(4.52, branch)
    up, _ = crossings(an.field.compiled, at.orbits[0][0], np.array([4.52]), 4 * at.period[0], -40.)
    assert len(up) >= 3 and np.diff(up)[-1] == pytest.approx(at.period[0], rel=1e-7)


def test_wang_buzsaki_snic_at_the_fold_of_its_steady_state_current():
    from bp_core.models import get_WangBuzsaki

    an = bp.BifurcationAnalyzer(get_WangBuzsaki(), {'Isyn': [0., 1.]},
                                {'V': [-90., 40.], 'h': [0., 1.], 'n': [0., 1.]})
    branch = an.cycles_from_simulation(0.3, start={'V': -60., 'h': 0.5, 'n': 0.3}, direction=-1.,
                                       settings=CycleSettings(period_growth=20))
    (end,) = [p for p in branch.special if p.label in ("SNIC", "HOM")]

    def i_ss(V):
        """The steady-state current, the model's rates written out afresh: its local maximum is the fold."""
        am, bm = -0.1 * (V + 35) / (np.exp(-0.1 * (V + 35)) - 1), 4 * np.exp(-(V + 60) / 18)
        ah, bh = 0.07 * np.exp(-(V + 58) / 20), 1 / (np.exp(-0.1 * (V + 28)) + 1)
        an_, bn = -0.01 * (V + 34) / (np.exp(-0.1 * (V + 34)) - 1), 0.125 * np.exp(-(V + 44) / 80)
        m, h, n = am / (am + bm), ah / (ah + bh), an_ / (an_ + bn)
        return 35 * m ** 3 * h * (V - 55) + 9 * n ** 4 * (V + 90) + 0.1 * (V + 65)

    d = 1e-5
    v_fold = brentq(lambda V: (i_ss(V + d) - i_ss(V - d)) / (2 * d), -62., -58., xtol=1e-13)
    assert end.label == "SNIC" and end.par['Isyn'] == pytest.approx(i_ss(v_fold), abs=1e-8)
    assert end.state['V'] == pytest.approx(v_fold, abs=1e-4)


def test_morris_lecar_snic_set_ends_at_its_own_fold():
    an = analyzer(CASES["ml_snic"])
    folds = [p.par['Iext'] for p in an.bifurcation_points() if p.label == "LP"]
    ends = [p for b in an.cycle_branches() for p in b.special if p.label in ("SNIC", "HOM")]
    assert [p.label for p in ends] == ["SNIC"]
    assert min(abs(ends[0].par['Iext'] - f) for f in folds) < 1e-9
    assert ends[0].par['Iext'] == pytest.approx(39.96315, abs=1e-5)


def van_der_pol(mu=20.):
    """x' = mu (x - x^3/3 - y) + a, y' = x / mu: a relaxation cycle for large mu."""

    @bp.integrate
    def int_x(x, t, y, a):
        return mu * (x - x ** 3 / 3 - y) + a

    @bp.integrate
    def int_y(y, t, x, a):
        return x / mu

    return planar("van_der_pol", int_x, int_y)


def test_relaxation_cycle_period_on_an_adapted_mesh_matches_a_tight_simulation():
    an = bp.BifurcationAnalyzer(van_der_pol(), {'a': [-1., 1.]}, {'x': [-3., 3.], 'y': [-3., 3.]})
    branch = an.cycles_from_simulation(0.0, start={'x': 2., 'y': 0.}, settings=CycleSettings(max_steps=1))
    up, _ = crossings(an.field.compiled, branch.orbits[0][0], np.array([0.]), 3.5 * branch.period[0], 0., var=1)
    assert branch.period[0] == pytest.approx(up[-1] - up[-2], rel=1e-9)
    assert branch.mesh.shape[1] > 4 * 40 + 1  # more intervals than the 40 it starts with


def test_hodgkin_huxley_cycle_at_an_exact_value_between_branch_points():
    an = analyzer(CASES["hh_gL0.03"])
    branch = an.cycles_from_simulation(144.3, start={'V': 0., 'm': 0.5, 'h': 0.1, 'n': 0.6},
                                       settings=CycleSettings(max_steps=3))
    at = an.cycle_at(150., branch)
    assert at.par[0] == 150. and at.stable[0]
    assert at.period[0] == pytest.approx(5.8793, abs=1e-4)  # AUTO-07p
    compiled = an.field.compiled
    p = np.array([150.])
    level = 0.5 * (at.minimum['V'][0] + at.maximum['V'][0])
    up, sol = crossings(compiled, at.orbits[0][0], p, 40 * at.period[0], level)
    assert at.period[0] == pytest.approx(up[-1] - up[-2], rel=1e-8)
    # The peak of V from the collocation polynomial, against the integrator's dense output.
    ts = np.linspace(up[-2], up[-1], 200001)
    assert at.maximum['V'][0] == pytest.approx(sol.sol(ts)[0].max(), abs=1e-4)


def test_wang_buzsaki_cycle_found_by_simulation():
    from bp_core.models import get_WangBuzsaki

    an = bp.BifurcationAnalyzer(get_WangBuzsaki(), {'Isyn': [-0.5, 10.]},
                                {'V': [-90., 40.], 'h': [0., 1.], 'n': [0., 1.]})
    branch = an.cycles_from_simulation(5.0, settings=CycleSettings(max_steps=1))
    up, _ = crossings(an.field.compiled, branch.orbits[0][0], np.array([5.0]), 10 * branch.period[0], -20.)
    assert branch.period[0] == pytest.approx(up[-1] - up[-2], rel=1e-8) and branch.stable[0]


def test_a_simulation_that_runs_past_its_wall_clock_budget_stops_inside_a_chunk_and_says_so():
    from bp_core.dynamics.poincare import settle_on_cycle

    an = bp.BifurcationAnalyzer(van_der_pol(), {'a': [-1., 1.]}, {'x': [-3., 3.], 'y': [-3., 3.]})
    # One chunk alone would be 5e4 time units: the budget must stop the integrator itself, not the loop.
    orbit = settle_on_cycle(an.field.compiled, np.array([2., 0.]), np.array([0.]), np.array([6., 6.]), 1e6,
                            wall_clock=0.2)
    assert orbit.why == "wall-clock" and orbit.times is None and orbit.simulated < 5e4


def test_non_smooth_right_hand_sides_are_refused_naming_the_function():
    @bp.integrate
    def int_x(x, t, y, a):
        return -np.abs(x) + y + a

    @bp.integrate
    def int_y(y, t, x, a):
        return x - y

    model = planar("kinked", int_x, int_y)
    with pytest.raises(ModelUseError, match=r"'int_x' is not smooth \(Abs\(x\)\).*sqrt\(x\*\*2 \+ eps\*\*2\)"):
        bp.BifurcationAnalyzer(model, {'a': [-1., 1.]}, {'x': [-2., 2.], 'y': [-2., 2.]})
