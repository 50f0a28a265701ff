"""Orthogonal collocation of periodic orbits, as AUTO and MatCont discretise them.

The orbit ``u(tau)``, ``tau`` in [0, 1], with ``du/dtau = T f(u; p)``, is a piecewise polynomial of
degree ``m`` on a mesh of ``N`` intervals, held by its values at ``m + 1`` equally spaced nodes per
interval (neighbouring intervals share their end nodes). The differential equation holds at the
``m`` Gauss-Legendre points of each interval; ``u(0) = u(1)``; and the integral phase condition
``int (u - u_ref) . u_ref' dtau = 0`` fixes the orbit's phase. The Jacobian is sparse (one block per
interval plus three bordering rows); Newton's method factorises it by condensing each interval's interior
(``condensation.py``), and it is also given whole as a sparse matrix. The mesh, the polynomial between
nodes and the mesh's adaptation are ``orbit_mesh.py``'s.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Callable

import numpy as np

from bp_core.dynamics import condensation_start
from bp_core.dynamics.condensation import CondensedFactor, condense, monodromy
from bp_core.dynamics.orbit_mesh import Mesh, PiecewiseOrbit

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["Mesh", "Collocation", "BorderedProduct"]


class Collocation(PiecewiseOrbit):
    """Residual, sparse Jacobian and Floquet multipliers of the collocation equations on one mesh.

    The unknown vector holds the node values (N m + 1 rows of ``dim``, row-major), then ``log T``,
    then the parameter. States are scaled by ``span`` (so every component is of order one), ``T``
    by ``period_scale`` (the unknown is ``log(T / period_scale)``, so a step grows the period by a
    factor, and a branch reaches periods a hundred times its first in tens of steps, not thousands)
    and the parameter by ``par_span``.
    """

    def __init__(self, mesh: Mesh, dim: int, span: np.ndarray, period_scale: float, par_span: float):
        super().__init__(mesh, dim, span)
        self.period_scale, self.par_span = float(period_scale), float(par_span)

    @property
    def size(self) -> int:
        """Length of the unknown vector."""
        return self.n_nodes * self.dim + 2

    @cached_property
    def weights(self) -> np.ndarray:
        """The inner product of the continuation: the integral of the scaled orbit, plus T and p."""
        return np.concatenate([np.repeat(self.node_weights, self.dim), [1.0, 1.0]])

    # -- packing ---------------------------------------------------------------------------------

    def pack(self, nodes: np.ndarray, period: float, par: float) -> np.ndarray:
        """Scaled unknown vector of node values (n_nodes, dim), period and parameter."""
        return np.concatenate([(nodes / self.span).ravel(), [np.log(period / self.period_scale),
                                                             par / self.par_span]])

    def unpack(self, u: np.ndarray) -> tuple[np.ndarray, float, float]:
        """Node values (n_nodes, dim), period and parameter of ``u``."""
        nodes = u[:-2].reshape(self.n_nodes, self.dim) * self.span
        with np.errstate(over="ignore"):  # a diverging Newton iterate: rejected as non-finite
            period = float(np.exp(u[-2]) * self.period_scale)
        return nodes, period, float(u[-1] * self.par_span)

    def at_collocation_points(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Orbit and its tau-derivative at every Gauss point: two arrays (N, m, dim)."""
        local = nodes[self.node_index]                                         # (N, m+1, dim)
        z = np.matmul(self.basis, local)
        dz = np.matmul(self.basis_derivative, local) / self.mesh.widths[:, None, None]
        return z, dz

    # -- equations -------------------------------------------------------------------------------

    def residual(self, u: np.ndarray, field, p: np.ndarray, index: int, reference: np.ndarray,
                 reference_derivative: np.ndarray) -> np.ndarray:
        """Collocation, periodicity and phase equations (scaled like the states)."""
        nodes, period, par = self.unpack(u)
        q = p.copy()
        q[index] = par
        z, dz = self.at_collocation_points(nodes)
        n_int, m, d = z.shape
        f = field.f(z.reshape(-1, d).T, q).T.reshape(n_int, m, d)
        colloc = ((dz - period * f) / self.span).ravel()
        periodic = (nodes[0] - nodes[-1]) / self.span
        phase = np.sum(self.node_weights[:, None] * ((nodes - reference) / self.span) *
                       (reference_derivative / self.span))
        return np.concatenate([colloc, periodic, [phase]])

    def blocks(self, nodes: np.ndarray, period: float, q: np.ndarray, field,
               scaled: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Derivative blocks of the collocation equations, (N, m, m+1, dim, dim), and the Gauss points (dim, N m);
        ``scaled``: by the scaled unknowns (row ``a`` divided by ``span[a]``, column ``b`` times ``span[b]``)."""
        z, _ = self.at_collocation_points(nodes)
        n_int, m, d = z.shape
        points = z.reshape(-1, d).T
        jac = np.ascontiguousarray(field.jac(points, q), dtype=float)
        scale = self.span if scaled else np.ones(d)
        kernels = condensation_start.kernels()
        if kernels is None:  # compiled in the background meanwhile: the same entries from numpy
            by_point = jac.reshape(d, d, n_int, m).transpose(2, 3, 0, 1)[:, :, None]          # (N, m, 1, d, d)
            slopes = self.basis_derivative[None, :, :, None, None] / self.mesh.widths[:, None, None, None, None]
            blocks = slopes * np.eye(d) - float(period) * self.basis[None, :, :, None, None] * by_point
            return blocks * (scale[None, :] / scale[:, None]), points
        blocks = np.empty((n_int, m, m + 1, d, d))
        kernels.interval_blocks(self.basis, self.basis_derivative, self.mesh.widths, float(period), jac, scale, scale,
                                blocks)
        return blocks, points

    def parts(self, u: np.ndarray, field, p: np.ndarray, index: int,
              reference_derivative: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The Jacobian's pieces in the scaled unknowns: the interval blocks (N, m, m+1, dim, dim), the
        columns of log T and of the parameter (N m dim each) and the phase row's node part."""
        nodes, period, par = self.unpack(u)
        q = p.copy()
        q[index] = par
        scaled, points = self.blocks(nodes, period, q, field, scaled=True)
        f = field.f(points, q).T                                                # (N m, d)
        dfdp = field.dfdp(points, q)[:, index, :].T
        t_col = (-f / self.span).ravel() * period                             # d/d(log T)
        p_col = (-period * dfdp / self.span).ravel() * self.par_span
        phase = np.repeat(self.node_weights, self.dim) * (reference_derivative / self.span).ravel()
        return scaled, t_col, p_col, phase

    def _entries(self, u: np.ndarray, field, p: np.ndarray, index: int,
                 reference_derivative: np.ndarray) -> np.ndarray:
        """Values of the Jacobian's nonzeros, in the order of :attr:`_structure`."""
        scaled, t_col, p_col, phase = self.parts(u, field, p, index, reference_derivative)
        d = self.dim
        return np.concatenate([scaled.ravel(), t_col, p_col, np.ones(d), -np.ones(d), phase])

    def condensed(self, u: np.ndarray, field, p: np.ndarray, index: int, reference_derivative: np.ndarray,
                  row: np.ndarray) -> CondensedFactor | Callable[[np.ndarray], np.ndarray]:
        """A factorisation of :meth:`bordered`'s matrix by condensing the intervals' interiors: a solve function
        (raises ``numpy.linalg.LinAlgError`` where the matrix is singular). While the condensation's kernels
        compile in the background (``condensation_start``), SuperLU's factorisation of the same matrix."""
        if condensation_start.kernels() is None:
            from scipy.sparse.linalg import splu

            try:  # in the order the continuation's sparse problems use (arclength.py)
                return splu(self.bordered(u, field, p, index, reference_derivative, row),
                            permc_spec="MMD_AT_PLUS_A").solve
            except RuntimeError as error:  # SuperLU's word for an exactly singular matrix
                raise np.linalg.LinAlgError(str(error)) from None
        scaled, t_col, p_col, phase = self.parts(u, field, p, index, reference_derivative)
        n_int, m = self.mesh.intervals, self.mesh.m
        border = np.stack([t_col, p_col], axis=1).reshape(n_int, m * self.dim, 2)
        rows = np.stack([np.concatenate([phase, [0.0, 0.0]]), row])
        return condense(scaled, border, rows)

    @property
    def _structure(self) -> tuple[np.ndarray, np.ndarray, int, int]:
        """Rows and columns of the Jacobian's nonzeros, and its shape."""
        return _structure(self.mesh.intervals, self.mesh.m, self.dim)

    def jacobian(self, u: np.ndarray, field, p: np.ndarray, index: int, reference_derivative: np.ndarray):
        """Sparse Jacobian of :meth:`residual` with respect to the scaled unknowns."""
        # imported here: a diagram whose cycles are condensed interval by interval never builds a sparse
        # matrix, and a new process then spares scipy's import (a quarter of a second)
        from scipy import sparse

        rows, cols, n_rows, n_cols = self._structure
        return sparse.csr_matrix((self._entries(u, field, p, index, reference_derivative), (rows, cols)),
                                 shape=(n_rows, n_cols))

    @property
    def _bordered_order(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _bordered_order(self.mesh.intervals, self.mesh.m, self.dim)

    def bordered(self, u: np.ndarray, field, p: np.ndarray, index: int, reference_derivative: np.ndarray,
                 row: np.ndarray) -> sparse.csc_matrix:
        """The Jacobian with ``row`` appended, built directly in compressed-column form (for SuperLU)."""
        from scipy import sparse  # imported here: see jacobian

        order, indices, indptr = self._bordered_order
        data = np.concatenate([self._entries(u, field, p, index, reference_derivative), row])[order]
        n = indptr.size - 1
        return sparse.csc_matrix((data, indices, indptr), shape=(n, n))

    def trace_integral(self, u: np.ndarray, field, p: np.ndarray, index: int) -> float:
        """``int_0^T trace J dt`` by the Gauss rule: the log of the product of all Floquet multipliers."""
        nodes, period, par = self.unpack(u)
        q = p.copy()
        q[index] = par
        z, _ = self.at_collocation_points(nodes)
        n_int, m, d = z.shape
        jac = field.jac(z.reshape(-1, d).T, q)
        traces = np.einsum("iik->k", jac).reshape(n_int, m)
        return float(period * np.sum(self.mesh.widths[:, None] * self.gauss_weights[None, :] * traces))

    def monodromy(self, u: np.ndarray, field, p: np.ndarray, index: int) -> np.ndarray:
        """The monodromy matrix: the product of the intervals' transfer matrices, each from the interval's
        condensed linearised collocation equations (:func:`condensation.transfer_matrices`)."""
        nodes, period, par = self.unpack(u)
        q = p.copy()
        q[index] = par
        blocks, _ = self.blocks(nodes, period, q, field)
        return monodromy(blocks)

    # -- moving an orbit onto another mesh --------------------------------------------------------

    def remesh(self, u: np.ndarray, mesh: Mesh,
               tangent: np.ndarray | None = None) -> tuple["Collocation", np.ndarray, np.ndarray | None]:
        """The same orbit (and T, p) as an unknown vector on ``mesh``, and ``tangent`` (a vector of this mesh's
        layout) carried onto it, its node part interpolated the same way (None without one)."""
        nodes, period, par = self.unpack(u)
        other = Collocation(mesh, self.dim, self.span, self.period_scale, self.par_span)
        node_sets = [nodes] if tangent is None else [nodes, tangent[:-2].reshape(self.n_nodes, self.dim)]
        moved = self.evaluate_each(node_sets, mesh.nodes)
        carried = None if tangent is None else np.concatenate([moved[1].ravel(), tangent[-2:]])
        return other, other.pack(moved[0], period, par), carried


class BorderedProduct:
    """The bordered collocation Jacobian (:meth:`Collocation.bordered`) as its product with a vector, from the
    Jacobian's parts (:meth:`Collocation.parts`) without assembling the sparse matrix: what iterative
    refinement of a solve needs."""

    def __init__(self, colloc: Collocation, parts: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                 row: np.ndarray):
        self.colloc, self.parts, self.row = colloc, parts, row
        n = colloc.size
        self.shape = (n, n)

    def __matmul__(self, v: np.ndarray) -> np.ndarray:
        scaled, t_col, p_col, phase = self.parts
        d = self.colloc.dim
        n_x = self.colloc.n_nodes * d
        local = v[:n_x].reshape(-1, d)[self.colloc.node_index]                      # (N, m+1, d)
        colloc = np.einsum("nkjab,njb->nka", scaled, local).ravel() + t_col * v[n_x] + p_col * v[n_x + 1]
        return np.concatenate([colloc, v[:d] - v[n_x - d:n_x], [np.dot(phase, v[:n_x]), np.dot(self.row, v)]])


# The sparsity structure depends only on the number of intervals, m and dim, not on where the edges lie:
# an adapted mesh of the same size reuses it (a branch adapts its mesh after every step).

@lru_cache(maxsize=16)
def _structure(n_int: int, m: int, d: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Rows and columns of the collocation Jacobian's nonzeros, and its shape."""
    node_index = np.arange(n_int)[:, None] * m + np.arange(m + 1)[None, :]
    rows = ((np.arange(n_int)[:, None, None, None, None] * m + np.arange(m)[None, :, None, None, None]) * d +
            np.arange(d)[None, None, None, :, None])
    cols = node_index[:, None, :, None, None] * d + np.arange(d)[None, None, None, None, :]
    shape = (n_int, m, m + 1, d, d)
    rows, cols = np.broadcast_to(rows, shape).ravel(), np.broadcast_to(cols, shape).ravel()
    n_colloc = n_int * m * d
    n_x = (n_int * m + 1) * d
    colloc_rows = np.arange(n_colloc)
    per_rows = n_colloc + np.arange(d)
    all_rows = np.concatenate([rows, colloc_rows, colloc_rows, per_rows, per_rows, np.full(n_x, n_colloc + d)])
    all_cols = np.concatenate([cols, np.full(n_colloc, n_x), np.full(n_colloc, n_x + 1), np.arange(d),
                               n_x - d + np.arange(d), np.arange(n_x)])
    return all_rows, all_cols, n_colloc + d + 1, n_x + 2


@lru_cache(maxsize=16)
def _bordered_order(n_int: int, m: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The permutation of the bordered matrix's entries into compressed-column order, its row indices and
    column pointers."""
    rows, cols, n_rows, n_cols = _structure(n_int, m, d)
    rows = np.concatenate([rows, np.full(n_cols, n_rows)])
    cols = np.concatenate([cols, np.arange(n_cols)])
    order = np.lexsort((rows, cols))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n_cols))])
    return order, rows[order].astype(np.int32), indptr.astype(np.int32)
