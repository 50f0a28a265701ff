"""The condensed solve of the bordered collocation Jacobian against a dense solve of the same matrix
assembled here entry by entry, and the Floquet multipliers from the condensed blocks against an analytic
cycle and the transfer matrices of the square interval solves."""

import numpy as np
import pytest

from bp_core.dynamics.collocation import BorderedProduct, Collocation, Mesh
from bp_core.dynamics.condensation import condense, monodromy, transfer_matrices


class LinearField:
    """``x' = A x + p b``: a field whose Jacobian is the constant random matrix ``A``."""

    def __init__(self, a: np.ndarray, b: np.ndarray):
        self.a, self.b, self.dim = a, b, a.shape[0]

    def f(self, x, q):
        return self.a @ x + q[0] * self.b[:, None]

    def jac(self, x, q):
        return np.repeat(self.a[:, :, None], x.shape[1], axis=2)

    def dfdp(self, x, q):
        return np.repeat(self.b[:, None, None], x.shape[1], axis=2)


def dense_bordered(blocks, border, rows):
    """The bordered Jacobian as a dense matrix: collocation rows by interval, point and component; the node
    columns, then period and parameter; periodicity ``x_0 - x_N``; the two rows."""
    n_int, m, _, d, _ = blocks.shape
    n_x = (n_int * m + 1) * d
    n_colloc = n_int * m * d
    matrix = np.zeros((n_x + 2, n_x + 2))
    for j in range(n_int):
        for k in range(m):
            for a in range(d):
                row = (j * m + k) * d + a
                for i in range(m + 1):
                    for b in range(d):
                        matrix[row, (j * m + i) * d + b] += blocks[j, k, i, a, b]
                matrix[row, n_x:] = border[j, k * d + a]
    for a in range(d):
        matrix[n_colloc + a, a] = 1.0
        matrix[n_colloc + a, n_x - d + a] = -1.0
    matrix[-2:] = rows
    return matrix


@pytest.mark.parametrize("n_int, m, d", [(1, 4, 2), (2, 3, 1), (7, 4, 3), (12, 2, 4), (30, 4, 3), (9, 5, 2)])
def test_condensed_solve_equals_the_dense_solve(n_int, m, d):
    rng = np.random.default_rng(n_int * 100 + m * 10 + d)
    mesh = Mesh(np.sort(np.concatenate([[0.0, 1.0], rng.uniform(0.05, 0.95, n_int - 1)])), m)
    field = LinearField(rng.normal(size=(d, d)), rng.normal(size=d))
    colloc = Collocation(mesh, d, rng.uniform(0.5, 2.0, d), 3.0, 1.0)
    blocks, _ = colloc.blocks(rng.normal(size=(colloc.n_nodes, d)), 3.0, np.array([0.2]), field)
    blocks = blocks + 0.1 * rng.normal(size=blocks.shape)  # beyond a linear field's blocks: any values
    border = rng.normal(size=(n_int, m * d, 2))
    rows = rng.normal(size=(2, colloc.size))
    matrix = dense_bordered(blocks, border, rows)
    assert np.linalg.cond(matrix) < 1e8  # well conditioned: a 1e-12 agreement is then meaningful
    solve = condense(blocks, border, rows)
    for _ in range(3):  # one factorisation, several right-hand sides (Newton's chord iterations)
        rhs = rng.normal(size=colloc.size)
        expected = np.linalg.solve(matrix, rhs)
        np.testing.assert_allclose(solve(rhs), expected, rtol=0, atol=1e-12 * np.max(np.abs(expected)))


def test_collocation_factor_solves_its_own_sparse_jacobian():
    """Collocation.condensed factorises exactly the matrix Collocation.bordered builds."""
    rng = np.random.default_rng(3)
    colloc = Collocation(Mesh.uniform(25, 4), 3, np.array([1.0, 2.0, 0.5]), 6.0, 1.0)
    field = LinearField(rng.normal(size=(3, 3)), rng.normal(size=3))
    u = rng.normal(size=colloc.size)
    reference_derivative = rng.normal(size=(colloc.n_nodes, 3))
    row = rng.normal(size=colloc.size)
    matrix = colloc.bordered(u, field, np.array([0.3]), 0, reference_derivative, row).toarray()
    solve = colloc.condensed(u, field, np.array([0.3]), 0, reference_derivative, row)
    rhs = rng.normal(size=colloc.size)
    expected = np.linalg.solve(matrix, rhs)
    np.testing.assert_allclose(solve(rhs), expected, rtol=0, atol=1e-12 * np.max(np.abs(expected)))


def test_while_the_kernels_compile_numpy_and_superlu_give_the_same_blocks_solves_and_transfer_matrices(monkeypatch):
    """Before a background process has compiled the condensation kernels (condensation_start.kernels() is None), the
    blocks come from numpy, the factorisation from SuperLU and the transfer matrices from the intervals' square
    solves: the kernels' values to rounding, the dense solve's solution, and a singular matrix refused as such."""
    from bp_core.dynamics import condensation_start
    from bp_core.dynamics.condensation import CondensedFactor

    rng = np.random.default_rng(11)
    colloc = Collocation(Mesh(np.sort(np.r_[0.0, rng.uniform(size=24), 1.0]), 4), 3, np.array([1.0, 2.0, 0.5]),
                         6.0, 1.0)
    field = LinearField(rng.normal(size=(3, 3)), rng.normal(size=3))
    u = rng.normal(size=colloc.size)
    nodes, p = colloc.unpack(u)[0], np.array([0.3])
    reference_derivative = rng.normal(size=(colloc.n_nodes, 3))
    row = rng.normal(size=colloc.size)
    compiled, _ = colloc.blocks(nodes, 6.0, p, field, scaled=True)
    compiled_transfer = transfer_matrices(compiled)
    matrix = colloc.bordered(u, field, p, 0, reference_derivative, row).toarray()
    assert isinstance(colloc.condensed(u, field, p, 0, reference_derivative, row), CondensedFactor)

    loaded = condensation_start.kernels
    monkeypatch.setattr(condensation_start, "kernels", lambda wait=False: loaded(wait=True) if wait else None)
    blocks, _ = colloc.blocks(nodes, 6.0, p, field, scaled=True)
    np.testing.assert_allclose(blocks, compiled, rtol=0, atol=1e-14 * np.max(np.abs(compiled)))
    np.testing.assert_allclose(transfer_matrices(blocks), compiled_transfer, rtol=0,
                               atol=1e-12 * np.max(np.abs(compiled_transfer)))
    solve = colloc.condensed(u, field, p, 0, reference_derivative, row)
    assert not isinstance(solve, CondensedFactor)
    rhs = rng.normal(size=colloc.size)
    expected = np.linalg.solve(matrix, rhs)
    np.testing.assert_allclose(solve(rhs), expected, rtol=0, atol=1e-12 * np.max(np.abs(expected)))
    with pytest.raises(np.linalg.LinAlgError):  # the step's row zero: SuperLU's exactly singular factor
        colloc.condensed(u, field, p, 0, reference_derivative, np.zeros(colloc.size))


@pytest.mark.parametrize("intervals, m, dim", [(1, 2, 1), (7, 3, 2), (25, 4, 3)])
def test_bordered_product_is_the_sparse_matrix_times_the_vector(intervals, m, dim):
    """BorderedProduct (the tangent's refinement products, no matrix assembled) = Collocation.bordered @ v."""
    rng = np.random.default_rng(intervals)
    colloc = Collocation(Mesh(np.sort(np.r_[0.0, rng.uniform(size=intervals - 1), 1.0]), m), dim,
                         rng.uniform(0.5, 2.0, size=dim), 6.0, 1.5)
    field = LinearField(rng.normal(size=(dim, dim)), rng.normal(size=dim))
    u = rng.normal(size=colloc.size)
    reference_derivative = rng.normal(size=(colloc.n_nodes, dim))
    row = rng.normal(size=colloc.size)
    p = np.array([0.3])
    matrix = colloc.bordered(u, field, p, 0, reference_derivative, row)
    product = BorderedProduct(colloc, colloc.parts(u, field, p, 0, reference_derivative), row)
    for _ in range(3):
        v = rng.normal(size=colloc.size)
        expected = matrix @ v
        np.testing.assert_allclose(product @ v, expected, rtol=0, atol=1e-13 * np.max(np.abs(expected)))


@pytest.mark.parametrize("intervals", [1, 2, 3, 6, 7, 40])
def test_monodromy_is_the_ordered_product_of_the_transfer_matrices(intervals):
    """The pairwise batched product equals the product taken one interval after another, later ones on the
    left (a reversed or shuffled order gives another matrix)."""
    blocks = np.random.default_rng(intervals).normal(size=(intervals, 3, 4, 3, 3))
    expected = np.eye(3)
    for step in transfer_matrices(blocks):
        expected = step @ expected
    np.testing.assert_allclose(monodromy(blocks), expected, rtol=0, atol=1e-13 * np.max(np.abs(expected)))
    if intervals > 1:
        reversed_order = np.eye(3)
        for step in transfer_matrices(blocks)[::-1]:
            reversed_order = step @ reversed_order
        assert np.max(np.abs(reversed_order - expected)) > 1e-6 * np.max(np.abs(expected))


def test_a_singular_interval_is_refused_as_singular():
    blocks = np.zeros((3, 4, 5, 2, 2))
    with pytest.raises(np.linalg.LinAlgError):
        condense(blocks, np.zeros((3, 8, 2)), np.ones((2, (3 * 4 + 1) * 2 + 2)))


class StableCircle:
    """``r' = r (1 - r^2)``, ``theta' = 1`` in the plane, ``z' = -c z`` across it: the unit circle is a cycle
    of period 2 pi with multipliers 1, exp(-4 pi) and exp(-2 pi c)."""

    dim = 3

    def __init__(self, c: float):
        self.c = c

    def f(self, x, q):
        r2 = x[0] ** 2 + x[1] ** 2
        return np.array([x[0] * (1 - r2) - x[1], x[1] * (1 - r2) + x[0], -self.c * x[2]])

    def jac(self, x, q):
        r2 = x[0] ** 2 + x[1] ** 2
        j = np.zeros((3, 3, x.shape[1]))
        j[0, 0] = 1 - r2 - 2 * x[0] ** 2
        j[0, 1] = -2 * x[0] * x[1] - 1
        j[1, 0] = -2 * x[0] * x[1] + 1
        j[1, 1] = 1 - r2 - 2 * x[1] ** 2
        j[2, 2] = -self.c
        return j


def test_floquet_multipliers_from_the_condensed_blocks():
    c = 0.3
    field = StableCircle(c)
    colloc = Collocation(Mesh.uniform(40, 4), 3, np.ones(3), 2 * np.pi, 1.0)
    tau = colloc.mesh.nodes
    nodes = np.column_stack([np.cos(2 * np.pi * tau), np.sin(2 * np.pi * tau), np.zeros(tau.size)])
    blocks, _ = colloc.blocks(nodes, 2 * np.pi, np.zeros(1), field)
    condensed = np.eye(3)
    for step in transfer_matrices(blocks):
        condensed = step @ condensed
    # The transfer matrices of the square solves the monodromy matrix was computed with before: each
    # interval's interior and last node from its first node.
    n_int, m, d = colloc.mesh.intervals, colloc.mesh.m, 3
    square = blocks.transpose(0, 1, 3, 2, 4).reshape(n_int, m * d, (m + 1) * d)
    previous = np.eye(3)
    for step in -np.linalg.solve(square[:, :, d:], square[:, :, :d])[:, -d:, :]:
        previous = step @ previous
    mu = np.sort(np.linalg.eigvals(condensed).real)
    np.testing.assert_allclose(mu, np.sort([1.0, np.exp(-4 * np.pi), np.exp(-2 * np.pi * c)]), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(condensed, previous, rtol=0, atol=1e-12)
    # In the scaled states (row a over span a, column b times span b) the monodromy matrix is similar: the
    # same multipliers.
    scaled, _ = Collocation(Mesh.uniform(40, 4), 3, np.array([2.0, 0.5, 3.0]), 2 * np.pi, 1.0).blocks(
        nodes, 2 * np.pi, np.zeros(1), field, scaled=True)
    np.testing.assert_allclose(np.sort(np.linalg.eigvals(monodromy(scaled)).real), mu, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("n_int, m, d", [(1, 2, 1), (5, 4, 3), (9, 3, 2)])
def test_intervals_are_arranged_as_the_transposed_blocks_with_their_border(n_int, m, d):
    """The compiled arrangement of each interval's rows for the elimination is, entry for entry, the numpy
    layout: the blocks' node columns, interior nodes first, then the first and last node, then the border."""
    from bp_core.dynamics import condensation_start

    rng = np.random.default_rng(n_int)
    blocks = rng.normal(size=(n_int, m, m + 1, d, d))
    border = rng.normal(size=(n_int, m * d, 2))
    rows = blocks.transpose(0, 1, 3, 2, 4).reshape(n_int, m * d, (m + 1) * d)
    expected = np.concatenate([rows[:, :, d:m * d], rows[:, :, :d], rows[:, :, m * d:], border], axis=2)
    arranged = np.empty_like(expected)
    condensation_start.kernels(wait=True).arrange(blocks, border, arranged)
    assert np.array_equal(arranged, expected)


@pytest.mark.parametrize("intervals", [1, 4, 40])
def test_transfer_matrices_need_no_border(intervals):
    """Transfer matrices eliminate the intervals with no border columns: the same matrices, to the last bit, as
    with the period's and parameter's columns beside them (zero), since each column is eliminated on its own."""
    from bp_core.dynamics.condensation import _eliminate

    blocks = np.random.default_rng(intervals).normal(size=(intervals, 4, 5, 3, 3))
    bare, _, _ = _eliminate(blocks, np.zeros((intervals, 12, 0)))
    bordered, _, _ = _eliminate(blocks, np.random.default_rng(0).normal(size=(intervals, 12, 2)))
    assert np.array_equal(bare, bordered[:, :, :bare.shape[2]])
