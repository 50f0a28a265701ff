"""Growing steps on equilibrium branches: the same special points as steps of ``par_resolution``, in fewer
steps, and never a step longer than the resolution across a special point."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.dynamics import arclength
from bp_core.dynamics.continuation import EquilibriumProblem
from bp_core.dynamics.step_control import first_change, hermite, next_step

RESOLUTION = 0.01  # in the parameter, whose range below is [-1, 1]: 0.005 in scaled units


def fold_model():
    """x' = p - x^2: a fold at (p, x) = (0, 0), stable branch x = sqrt(p), unstable x = -sqrt(p)."""

    @bp.integrate
    def int_x(x, t, p):
        return p - x * x

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t, 0.)

    return bp.NeuType(name="fold_normal_form", ST=bp.types.NeuState('x'), steps=update)


def hopf_pair_model():
    """x' = m x - y, y' = x + m y with m = (p - 0.3)^2 - 0.02^2: the origin is an equilibrium for every p, with
    eigenvalues m +- i, so Hopf points at p = 0.28 and 0.32, four resolutions apart on a straight branch."""

    @bp.integrate
    def int_x(x, t, y, p):
        return ((p - 0.3) ** 2 - 0.0004) * x - y

    @bp.integrate
    def int_y(y, t, x, p):
        return x + ((p - 0.3) ** 2 - 0.0004) * y

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)

    return bp.NeuType(name="hopf_pair", ST=bp.types.NeuState('x', 'y'), steps=update)


def fold_problem():
    analyzer = bp.BifurcationAnalyzer(fold_model(), {'p': [-1., 1.]}, {'x': [-2., 2.]}, par_resolution=RESOLUTION)
    problem = EquilibriumProblem(analyzer.field, np.array([0.]), 0, (-1., 1.), [(-2., 2.)])
    return analyzer, problem


def test_growing_steps_locate_the_fold_of_the_fixed_steps_in_fewer_steps():
    analyzer, problem = fold_problem()
    resolution = RESOLUTION / problem.span_p
    u0 = np.array([1., 1.]) / problem.scale  # x = 1 at p = 1, towards the fold
    t0 = np.array([0., -1.])
    fixed = arclength.Settings(ds=resolution, ds_max=resolution, ds_min=resolution * 1e-6)
    growing = arclength.Settings(ds=resolution, ds_max=0.05, ds_min=resolution * 1e-6, adapt=True,
                                 resolution=resolution)
    curves = {}
    for name, settings in (("fixed", fixed), ("growing", growing)):
        curves[name] = arclength.trace(EquilibriumProblem(analyzer.field, np.array([0.]), 0, (-1., 1.), [(-2., 2.)]),
                                       u0, t0, settings)
    for curve in curves.values():
        folds = [e for e in curve.events if e.name == "LP"]
        assert len(folds) == 1
        p_fold = curve.points[folds[0].index] * problem.scale
        assert abs(p_fold[1]) < 1e-10 and abs(p_fold[0]) < 1e-5  # the fold of x' = p - x^2 is at (0, 0)
        assert curve.stopped == "reached the end of the parameter range"
    assert len(curves["growing"].points) * 3 < len(curves["fixed"].points)
    # Across the fold, the step (pseudo-arclength: along the tangent at its start) was no longer than the
    # resolution: the located point lies between the two ends of that step.
    curve = curves["growing"]
    k = next(e.index for e in curve.events if e.name == "LP")
    assert np.dot(curve.tangents[k - 1], curve.points[k + 1] - curve.points[k - 1]) <= resolution * (1 + 1e-9)
    # and the steps do grow where the branch is straight and far from the fold.
    steps = np.linalg.norm(np.diff(np.array(curve.points), axis=0), axis=1)
    assert steps.max() > 5 * resolution


def test_two_hopf_points_inside_one_long_step_are_found():
    analyzer = bp.BifurcationAnalyzer(hopf_pair_model(), {'p': [-1., 1.]}, {'x': [-1., 1.], 'y': [-1., 1.]},
                                      par_resolution=RESOLUTION)
    hopfs = [q.par['p'] for q in analyzer.bifurcation_points() if q.label == "H"]
    assert np.allclose(sorted(hopfs), [0.28, 0.32], atol=1e-8)
    branch = analyzer.branches()[0]
    assert len(branch.par) < 0.5 * 2. / RESOLUTION  # fewer points than steps of the resolution would take
    # Control: the same growing steps without the checks inside each step step over both points, whose tests
    # change sign twice within one step (so the checks are what finds them).
    problem = EquilibriumProblem(analyzer.field, np.array([0.]), 0, (-1., 1.), [(-1., 1.), (-1., 1.)])
    resolution = RESOLUTION / problem.span_p
    unchecked = arclength.Settings(ds=resolution, ds_max=0.05, ds_min=resolution * 1e-6, adapt=True)
    curve = arclength.trace(problem, np.array([0., 0., -0.5]), np.array([0., 0., 1.]), unchecked)
    assert not [e for e in curve.events if e.name == "H"]


def test_branch_of_the_analyser_takes_fewer_points_and_keeps_the_fold():
    analyzer, _ = fold_problem()
    points = analyzer.bifurcation_points()
    assert [q.label for q in points] == ["LP"]
    assert abs(points[0].par['p']) < 1e-10
    (branch,) = analyzer.branches()
    assert len(branch.par) < 0.25 * (2 * np.sqrt(2) * 2) / RESOLUTION  # arclength in p over the resolution


def test_hermite_interpolant_is_exact_on_a_cubic_and_changes_are_found_between_samples():
    c = lambda s: np.array([s, s ** 3 - s ** 2])  # noqa: E731
    dc = lambda s: np.array([1., 3 * s ** 2 - 2 * s])  # noqa: E731
    s = np.array([0.25, 0.5, 0.75])
    points, directions = hermite(c(0.), dc(0.), c(1.), dc(1.), 1.0, s)
    assert np.allclose(points, np.array([c(x) for x in s]), atol=1e-14)
    assert np.allclose(directions, np.array([dc(x) / np.linalg.norm(dc(x)) for x in s]), atol=1e-14)

    class Probe:  # one test: the second coordinate minus 0.1 changes sign twice in (0, 1) on the cubic
        def tests(self, u, t):
            return np.array([-(u[1] + 0.1)])

    probe = Probe()
    before, after = probe.tests(c(0.), dc(0.)), probe.tests(c(1.), dc(1.))
    assert before[0] * after[0] > 0  # the ends alone show nothing
    assert first_change(probe, c(0.), dc(0.), c(1.), dc(1.), 1.0, 0.1, before, after) == pytest.approx(0.4)
    assert first_change(probe, c(0.), dc(0.), c(1.), dc(1.), 1.0, 2.0, before, after) is None


def test_step_grows_with_fast_newton_and_follows_the_turning():
    assert next_step(0.01, 1, 1.0, 0.1) == 0.02
    assert next_step(0.01, 6, 1.0, 0.1) == 0.01
    assert abs(next_step(0.01, 1, np.cos(0.2), 0.1) - 0.005) < 1e-12  # turned twice the target: halved


def test_tests_inside_a_step_are_the_tests_at_each_point():
    """The batched tests that check the inside of a long step (the Hopf test's eigenvalue pairs indexed once
    per dimension) are the per-point tests, fold, branch-point and Hopf test alike, in 2-D and 3-D."""
    from bp_core.dynamics.continuation import _pairs

    @bp.integrate
    def int_x(x, t, y, z, p):
        return p * x - y + x * z

    @bp.integrate
    def int_y(y, t, x, z, p):
        return x + p * y - y * z

    @bp.integrate
    def int_z(z, t, x, y, p):
        return -z + x * y + p

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t, ST['y'], ST['z'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], ST['z'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['x'], ST['y'], 0.)

    model = bp.NeuType(name="three_test_functions", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
    analyzer = bp.BifurcationAnalyzer(model, {"p": [-1., 1.]}, {"x": [-1., 1.], "y": [-1., 1.], "z": [-1., 1.]})
    problem = EquilibriumProblem(analyzer.field, np.array([0.]), 0, (-1., 1.), [(-1., 1.)] * 3)
    rng = np.random.default_rng(3)
    points, directions = rng.uniform(-1, 1, (6, 4)), rng.normal(size=(6, 4))
    expected = np.array([problem.tests(u, t) for u, t in zip(points, directions)])
    np.testing.assert_allclose(problem.tests_at(points, directions), expected, rtol=1e-12, atol=1e-14)
    for n in (2, 3, 5):
        assert all(np.array_equal(a, b) for a, b in zip(_pairs(n), np.triu_indices(n, 1)))
