"""Moving an orbit and its tangent onto an adapted mesh: the Lagrange basis at the new nodes is found once for
both (a branch adapts its mesh after every step), and what it gives is what interpolating each alone gives, to
the last bit; the basis' values and derivatives against the polynomials differentiated exactly."""

import numpy as np
import pytest

from bp_core.dynamics import orbit_mesh
from bp_core.dynamics.collocation import Collocation, Mesh


def _orbit(colloc: Collocation) -> tuple[np.ndarray, np.ndarray]:
    """An unknown vector of a two-variable orbit on ``colloc``'s mesh and a vector of the same layout."""
    tau = colloc.mesh.nodes
    nodes = np.column_stack([np.cos(2 * np.pi * tau) + 0.3 * np.sin(6 * np.pi * tau), np.sin(2 * np.pi * tau)])
    u = colloc.pack(nodes, 7.5, 0.25)
    t = np.random.default_rng(1).standard_normal(u.size)
    return u, t


@pytest.fixture
def meshes() -> tuple[Collocation, Mesh]:
    edges = np.sort(np.concatenate([[0.0, 1.0], np.random.default_rng(0).uniform(0.0, 1.0, 22)]))
    colloc = Collocation(Mesh(edges, 4), 2, np.array([2.0, 1.5]), 5.0, 3.0)
    return colloc, Mesh.uniform(31, 4)


def test_remesh_carries_the_tangent_as_interpolating_it_alone(meshes):
    colloc, mesh = meshes
    u, t = _orbit(colloc)
    other, moved, carried = colloc.remesh(u, mesh, t)
    nodes, period, par = colloc.unpack(u)
    assert np.array_equal(moved, other.pack(colloc.evaluate(nodes, mesh.nodes), period, par))
    alone = colloc.evaluate(t[:-2].reshape(colloc.n_nodes, colloc.dim), mesh.nodes)
    assert np.array_equal(carried, np.concatenate([alone.ravel(), t[-2:]]))
    assert colloc.remesh(u, mesh)[2] is None
    assert np.array_equal(colloc.remesh(u, mesh)[1], moved)


def test_remesh_finds_the_basis_once_for_orbit_and_tangent(meshes, monkeypatch):
    colloc, mesh = meshes
    u, t = _orbit(colloc)
    calls = []
    original = orbit_mesh._lagrange_from

    def counted(*args, **kwargs):
        calls.append(kwargs.get("derivative", True))
        return original(*args, **kwargs)

    monkeypatch.setattr(orbit_mesh, "_lagrange_from", counted)
    colloc.remesh(u, mesh, t)
    assert calls == [False]  # one basis, values only: interpolation needs no derivatives


def test_evaluate_each_is_evaluate_of_each(meshes):
    colloc, _ = meshes
    u, t = _orbit(colloc)
    nodes = colloc.unpack(u)[0]
    other = t[:-2].reshape(colloc.n_nodes, colloc.dim)
    times = np.linspace(0.0, 1.0, 97)
    first, second = colloc.evaluate_each([nodes, other], times)
    assert np.array_equal(first, colloc.evaluate(nodes, times))
    assert np.array_equal(second, colloc.evaluate(other, times))
    # at the nodes the polynomial takes the node values
    assert np.allclose(colloc.evaluate(nodes, colloc.mesh.nodes), nodes, rtol=0, atol=1e-13)


@pytest.mark.parametrize("m", [2, 4, 7])
def test_lagrange_basis_and_derivative_are_the_polynomials(m):
    reference = np.arange(m + 1) / m
    coefficients = np.linalg.inv(reference[:, None] ** np.arange(m + 1)[None, :])
    at = np.linspace(-0.1, 1.1, 41)
    values, slopes = orbit_mesh._lagrange_from(coefficients, at)
    alone, none = orbit_mesh._lagrange_from(coefficients, at, derivative=False)
    assert none is None and np.array_equal(alone, values)
    for i in range(m + 1):
        basis = np.polynomial.Polynomial(coefficients[:, i])
        # the same monomial coefficients summed another way: they reach 1e4 at m = 7 and cancel to values of
        # order 10, so the two agree to the coefficients' rounding, 1e-12 relative to them
        scale = np.sum(np.abs(coefficients[:, i])) * 1.1 ** m
        assert np.allclose(values[:, i], basis(at), rtol=0, atol=1e-14 * scale)
        assert np.allclose(slopes[:, i], basis.deriv()(at), rtol=0, atol=1e-14 * m * scale)
    # the basis is Lagrange's: 1 at its own node, 0 at the others
    at_nodes = orbit_mesh._lagrange_from(coefficients, reference)[0]
    assert np.allclose(at_nodes, np.eye(m + 1), rtol=0, atol=1e-14 * np.sum(np.abs(coefficients)))


def test_dense_is_evaluate_at_the_same_times(meshes):
    """The orbit sampled densely in every interval (its extremes on a branch) is the piecewise polynomial at
    those times."""
    colloc, _ = meshes
    u, _ = _orbit(colloc)
    nodes = colloc.unpack(u)[0]
    per = 8
    edges, widths = colloc.mesh.edges, colloc.mesh.widths
    times = np.concatenate([(edges[:-1, None] + widths[:, None] * np.arange(per)[None, :] / per).ravel(), [1.0]])
    np.testing.assert_allclose(colloc.dense(nodes, per), colloc.evaluate(nodes, times), rtol=0, atol=1e-13)


def test_error_density_takes_each_interval_between_its_periodic_neighbours(meshes):
    """The density's neighbours wrap around the orbit (the last interval's next is the first): the same values,
    to the last bit, as numpy.roll's shifts."""
    from math import comb

    colloc, _ = meshes
    u, _ = _orbit(colloc)
    nodes = colloc.unpack(u)[0]
    m, h = colloc.mesh.m, colloc.mesh.widths
    signs = np.array([(-1) ** (m - i) * comb(m, i) for i in range(m + 1)])
    derivative = np.einsum("i,jid->jd", signs, nodes[colloc.node_index] / colloc.span) / (h[:, None] / m) ** m
    higher = (np.linalg.norm(np.roll(derivative, -1, axis=0) - derivative, axis=1) / (0.5 * (h + np.roll(h, -1))) +
              np.linalg.norm(derivative - np.roll(derivative, 1, axis=0), axis=1) / (0.5 * (h + np.roll(h, 1)))) / 2
    density = np.maximum(higher, 1e-12) ** (1.0 / (m + 1))
    assert np.array_equal(colloc.error_density(nodes), np.maximum(density, 1e-3 * density.max()))


def test_orbit_extremes_and_amplitude_by_variable_are_numpys_by_column():
    """A branch's extremes and an orbit's amplitude are reduced along one contiguous row per variable: the
    values numpy gives down the columns, to the last bit."""
    from bp_core.dynamics.cycles import _amplitude, _by_variable

    states = np.random.default_rng(5).normal(size=(1281, 3)) * [1.0, 30.0, 1e-3]
    span = np.array([2.0, 100.0, 0.01])
    assert np.array_equal(_by_variable(states).min(axis=1), states.min(axis=0))
    assert np.array_equal(_by_variable(states).max(axis=1), states.max(axis=0))
    assert _amplitude(states, span) == float(np.max(np.ptp(states / span, axis=0)))
