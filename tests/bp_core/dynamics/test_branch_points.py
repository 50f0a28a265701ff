"""Branch points (BP) on equilibrium branches: told apart from folds, located, switched at, and kept distinct
from symmetric copies. References are the normal forms' and the Lorenz system's closed-form equilibria."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.dynamics import arclength
from bp_core.dynamics.continuation import EquilibriumProblem, continue_branch, switch_branch
from examples.auto import lrz
from tests.time_budgets import LOADED


def scalar_model(name, int_x):
    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t, 0.)

    return bp.NeuType(name=name, ST=bp.types.NeuState('x'), steps=update)


@bp.integrate
def pitchfork(x, t, p):
    return p * x - x ** 3


@bp.integrate
def transcritical(x, t, p):
    return p * x - x ** 2


@bp.integrate
def fold(x, t, p):
    return p - x ** 2


def analyzer(int_x, x_range=(-2., 2.)):
    return bp.BifurcationAnalyzer(scalar_model(f"bp_normal_form_{id(int_x)}", int_x), {'p': [-1., 1.]},
                                  {'x': list(x_range)}, par_resolution=0.05)


def trivial_branch_and_switch(an):
    """The branch x = 0 from p = -1 and the branch switched to at its branch point."""
    branch = continue_branch(an.field, np.zeros(1), np.array([-1.]), 0, (-1., 1.), [(-2., 2.)], 0.05,
                             par_names=['p'])
    (point,) = branch.special
    other = switch_branch(an.field, point, np.array([0., 1.]), np.array([-1.]), 0, (-1., 1.), [(-2., 2.)], 0.05,
                          par_names=['p'])
    return branch, point, other


@pytest.mark.parametrize("int_x", [pitchfork, transcritical])
def test_branch_point_is_labelled_bp_not_lp(int_x):
    points = analyzer(int_x).bifurcation_points()
    assert [q.label for q in points] == ["BP"]
    assert points[0].kind == "branch point"
    assert points[0].par['p'] == pytest.approx(0., abs=1e-10)
    assert points[0].state['x'] == pytest.approx(0., abs=1e-8)


def test_switching_at_a_pitchfork_follows_x_squared_equal_p():
    branch, point, other = trivial_branch_and_switch(analyzer(pitchfork))
    assert np.all(branch.states[:, 0] == 0.) and point.label == "BP"
    x, p = other.states[:, 0], other.par
    np.testing.assert_allclose(p, x ** 2, atol=1e-10)
    assert x.min() < -0.9 and x.max() > 0.9  # both halves, x = -sqrt(p) and x = +sqrt(p), to p = 1
    assert [q.label for q in other.special] == ["BP"]  # the turn at the branch point is not a fold


def test_switching_at_a_transcritical_point_follows_x_equal_p():
    _, point, other = trivial_branch_and_switch(analyzer(transcritical))
    np.testing.assert_allclose(other.states[:, 0], other.par, atol=1e-10)
    assert other.par.min() == pytest.approx(-1.) and other.par.max() == pytest.approx(1.)


def test_analyzer_switches_to_a_branch_no_seed_reaches():
    # With seeds at p = -1 and 1 only and |x| <= 0.5, no seed finds x = +-sqrt(p) (|x| = 1 at p = 1).
    an = analyzer(pitchfork, (-0.5, 0.5))
    assert len(an.branches(seeds=2, switch=False)) == 1
    branches = an.branches(seeds=2)
    assert len(branches) == 2
    x, p = branches[1].states[:, 0], branches[1].par
    np.testing.assert_allclose(p, x ** 2, atol=1e-10)
    assert x.min() < -0.5 and x.max() > 0.5


def test_fold_stays_lp_and_its_branch_point_test_keeps_its_sign():
    an = analyzer(fold, (-2., 2.))
    assert [q.label for q in an.bifurcation_points()] == ["LP"]
    problem = EquilibriumProblem(an.field, np.array([1.]), 0, (-1., 1.), [(-2., 2.)])
    u0 = np.array([-1., 1.]) / problem.scale
    curve = arclength.trace(problem, u0, np.array([0., -1.]), arclength.Settings(ds=0.02, ds_max=0.02))
    lp, bp_test = curve.tests[:, 0], curve.tests[:, 1]
    assert lp.min() < 0 < lp.max()  # the parameter turns ...
    assert np.all(bp_test > 0) or np.all(bp_test < 0)  # ... and [f_x f_p] keeps full rank
    assert [e.name for e in curve.events] == ["LP"]


def test_lorenz_pitchfork_and_two_symmetric_hopf_points():
    beta, sigma = 8. / 3., 10.
    an = bp.BifurcationAnalyzer(lrz.model(beta, sigma), {'rho': [0., 30.]}, lrz.VARIABLES, par_resolution=0.1)
    points = an.bifurcation_points()
    assert [q.label for q in points] == ["BP", "H", "H"]
    pitchfork_point = points[0]
    assert pitchfork_point.par['rho'] == pytest.approx(1., abs=1e-9)
    assert max(abs(v) for v in pitchfork_point.state.values()) < 1e-8
    rho_h = sigma * (sigma + beta + 3.) / (sigma - beta - 1.)  # 470/19
    assert rho_h == pytest.approx(470. / 19.)
    first, second = points[1:]
    for hopf in (first, second):
        assert hopf.par['rho'] == pytest.approx(rho_h, rel=1e-9)
        c = np.sqrt(beta * (rho_h - 1.))  # the equilibria (+-c, +-c, rho - 1)
        assert abs(hopf.state['x']) == pytest.approx(c, rel=1e-8)
        assert hopf.state['y'] == pytest.approx(hopf.state['x'], rel=1e-8)
        assert hopf.state['z'] == pytest.approx(rho_h - 1., rel=1e-8)
    assert first.state['x'] == pytest.approx(-second.state['x'], rel=1e-8)  # mirror images, both kept


def test_a_line_of_equilibria_has_no_folds():
    # Chua's circuit at alpha = 0: every point of x = -z, y = 0 is an equilibrium. The line is a vertical
    # branch (the parameter's tangent component is zero along it, so its sign is rounding): no LP on it.
    from examples.auto import chu
    an = bp.BifurcationAnalyzer(chu.model(), {chu.PAR: list(chu.PAR_RANGE)}, chu.VARIABLES,
                                par_resolution=chu.RESOLUTION)
    points = an.bifurcation_points()
    assert "LP" not in [q.label for q in points]
    branch_points = [q for q in points if q.label == "BP"]
    assert branch_points and all(abs(q.par[chu.PAR]) < 1e-12 for q in branch_points)
    for q in branch_points:  # on the line x = -z, y = 0
        assert q.state['y'] == pytest.approx(0., abs=1e-10) and q.state['x'] == pytest.approx(-q.state['z'])


def test_lorenz_in_two_parameters_has_no_fold_curve_on_the_pitchfork_line():
    # The pitchfork at rho = 1 is no fold: no LP curve starts there, so no spurious cusps along rho = 1.
    beta = 8. / 3.
    an = bp.BifurcationAnalyzer(lrz.model(beta), {'rho': [0., 30.], 'sigma': [5., 15.]}, lrz.VARIABLES,
                                par_resolution=0.1)
    result = an.codim2_curves(time_budget=LOADED)
    assert [c.label for c in result.curves] == ["H"]
    assert result.special == []
    rho, sigma = result.hopf[:, 0], result.hopf[:, 1]
    np.testing.assert_allclose(rho, sigma * (sigma + beta + 3.) / (sigma - beta - 1.), rtol=1e-8)
