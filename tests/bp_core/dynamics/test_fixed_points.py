"""Fixed points from a grid of seeds, and the stability classes of many Jacobians at once."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.dynamics.fixed_points import classify, classify_many, find_fixed_points
from bp_core.dynamics.vector_field import VectorField


@pytest.mark.parametrize("dim", [1, 2, 3, 4])
def test_classify_many_gives_classify_s_eigenvalues_and_class_for_each_matrix(dim):
    rng = np.random.default_rng(dim)
    jacobians = rng.standard_normal((400, dim, dim))
    jacobians[::7] = 0.0                                   # degenerate
    jacobians[2::13] = -np.diag(np.arange(1.0, dim + 1))    # stable nodes
    jacobians[3::17] = np.diag(np.arange(1.0, dim + 1))     # unstable nodes
    if dim == 2:
        jacobians[1::11] = [[0.0, 1.0], [-1.0, 0.0]]       # centres
    eigenvalues, labels = classify_many(jacobians)
    for k, jacobian in enumerate(jacobians):
        expected_eigenvalues, expected_label = classify(jacobian)
        assert labels[k] == expected_label
        np.testing.assert_array_equal(eigenvalues[k], expected_eigenvalues)
    assert len(set(labels)) >= (3 if dim == 1 else 6)       # the classes were exercised, not one alone


def _enzyme_field() -> VectorField:
    """AUTO's ``enz`` demo: two compartments with substrate inhibition (three equilibria at s0 = 20)."""
    rho = 100.0

    @bp.integrate
    def int_s1(s1, t, s2, s0):
        return (s0 - s1) + (s2 - s1) - rho * s1 / (1 + s1 + s1 ** 2)

    @bp.integrate
    def int_s2(s2, t, s1, s0):
        return (s0 - s2) + (s1 - s2) - rho * s2 / (1 + s2 + s2 ** 2)

    def update(ST, _t):
        s1 = int_s1(ST['s1'], _t, ST['s2'], 0.)
        ST['s2'] = int_s2(ST['s2'], _t, ST['s1'], 0.)
        ST['s1'] = s1

    model = bp.NeuType(name="enzyme_pair", ST=bp.types.NeuState('s1', 's2'), steps=update)
    return VectorField(model, ["s1", "s2"], free=["s0"])


def test_seeds_far_from_every_root_are_given_up_and_every_equilibrium_is_still_found():
    field = _enzyme_field()
    calls = []
    jac = field.compiled.jac

    def counted(x, p):
        calls.append(x.shape[1])
        return jac(x, p)

    field.compiled.jac = counted
    found = find_fixed_points(field, [(0.0, 40.0), (0.0, 40.0)], [20.0], seeds=11)
    # Every equilibrium: the symmetric ones solve 20 - s = 100 s / (1 + s + s^2), a cubic.
    symmetric = np.roots([1.0, -19.0, 81.0, -20.0])
    symmetric = np.sort(symmetric[(np.abs(symmetric.imag) < 1e-12) & (symmetric.real > 0)].real)
    on_diagonal = sorted(x[0] for x in found if abs(x[0] - x[1]) < 1e-9)
    np.testing.assert_allclose(on_diagonal, symmetric, rtol=1e-10)
    for x in found:
        assert np.max(np.abs(field.compiled.f1(x, np.array([20.0])))) < 1e-9
    # Seeds that wander in the clipped box (damped steps, none converging) stopped long before the 40 iterations
    # allowed: the last iterations had no seed left.
    assert len(calls) < 40, calls


def test_jacobian_and_parameter_derivative_come_from_one_call_with_the_separate_calls_values():
    compiled = _enzyme_field().compiled
    x, p = np.array([3.0, 7.5]), np.array([20.0])
    separate = compiled.jac1(x, p), compiled.dfdp1(x, p)
    calls = []
    evaluate = compiled._eval
    compiled._eval = lambda *args: (calls.append(args[2]), evaluate(*args))[1]
    jac, dfdp = compiled.jac_dfdp1(x, p)
    assert len(calls) == 1
    np.testing.assert_array_equal(jac, separate[0])
    np.testing.assert_array_equal(dfdp, separate[1])
    np.testing.assert_allclose(dfdp, [[1.0], [1.0]])  # d(s0 - s_i)/ds0


def test_each_root_is_kept_once_in_the_order_of_the_first_seed_reaching_it():
    """The roots the seeds reached, less repeats, are those of comparing each seed's root with the roots kept
    before it (the definition; the search drops every seed at a kept root at once)."""
    field = _enzyme_field()
    ranges, p = [(0.0, 40.0), (0.0, 40.0)], np.array([20.0])
    last = []
    f = field.compiled.f

    def recorded(x, q):
        last.append(np.array(x))
        return f(x, q)

    field.compiled.f = recorded
    found = find_fixed_points(field, ranges, p, seeds=11)
    x = last[-1]  # the seeds where Newton's method left them: the residual is taken there
    span = np.array([40.0, 40.0])
    residual = np.max(np.abs(f(x, p)), axis=0)
    kept = []
    for k in range(x.shape[1]):
        y = x[:, k]
        if not (np.isfinite(residual[k]) and residual[k] < 1e-9 and np.all((-4e-8 <= y) & (y <= 40 + 4e-8))):
            continue
        if not any(np.max(np.abs(y - z) / span) <= 1e-6 for z in kept):
            kept.append(y)
    assert len(kept) == len(found) == 3  # the three on the diagonal (the cubic's roots)
    assert len(x[0]) > 5 * len(found)  # many seeds reached each root
    for a, b in zip(sorted(kept, key=tuple), found):
        np.testing.assert_array_equal(a, b)


def test_one_variable_diagram_needs_no_symbolic_derivative():
    """The roots of a one-variable field come from its right-hand side alone: the diagram does not
    differentiate it symbolically (sympy's Jacobian cost more than the rest of a small diagram); the derivatives,
    asked for, are still the field's."""

    @bp.integrate
    def int_x(x, t, mu):
        return mu + x - x ** 3

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t, 0.)

    model = bp.NeuType(name="cusp_slice", ST=bp.types.NeuState('x'), steps=update)
    analyzer = bp.BifurcationAnalyzer(model, {"mu": [-1., 1.]}, {"x": [-2., 2.]}, par_resolution=0.01)
    folds = [p.par["mu"] for p in analyzer.bifurcation_points() if p.label == "LP"]
    assert folds == pytest.approx([-2 / 3 ** 1.5, 2 / 3 ** 1.5], abs=1e-9)
    field = analyzer.field
    assert "jacobian_exprs" not in vars(field) and "par_derivative_exprs" not in vars(field)
    np.testing.assert_allclose(field.jacobian(np.array([0.5]), [0.2]), [[1 - 3 * 0.25]], rtol=1e-15)
    np.testing.assert_allclose(field.par_derivative(np.array([0.5]), [0.2]), [[1.0]], rtol=1e-15)
