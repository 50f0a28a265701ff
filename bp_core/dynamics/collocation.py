"""Orthogonal collocation of periodic orbits, as AUTO and MatCont discretise them.

The orbit ``u(tau)``, ``tau`` in [0, 1], with ``du/dtau = T f(u; p)``, is a piecewise polynomial of
degree ``m`` on a mesh of ``N`` intervals, held by its values at ``m + 1`` equally spaced nodes per
interval (neighbouring intervals share their end nodes). The differential equation holds at the
``m`` Gauss-Legendre points of each interval; ``u(0) = u(1)``; and the integral phase condition
``int (u - u_ref) . u_ref' dtau = 0`` fixes the orbit's phase. The Jacobian is sparse (one block per
interval plus three bordering rows); Newton's method factorises it by condensing each interval's interior
(``condensation.py``), and it is also given whole as a sparse matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from scipy import sparse
from scipy.special import roots_legendre

from bp_core.dynamics.condensation import CondensedFactor, condense, monodromy

__all__ = ["Mesh", "Collocation", "BorderedProduct"]


def _lagrange_from(coefficients: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values and derivatives of a Lagrange basis at the points ``at``, (len(at), m + 1), from its monomial
    coefficients (column i: basis polynomial i): two matrix products for any number of points."""
    powers = np.arange(coefficients.shape[0])
    at = np.asarray(at, dtype=float)
    monomials = at[:, None] ** powers[None, :]
    slopes = np.zeros_like(monomials)
    slopes[:, 1:] = powers[1:] * at[:, None] ** powers[None, :-1]
    return monomials @ coefficients, slopes @ coefficients


@lru_cache(maxsize=8)
def _reference_interval(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What every mesh with ``m`` collocation points shares (a branch builds a new mesh after every step):
    the monomial coefficients of the Lagrange basis of the interval's m + 1 equally spaced nodes, the basis
    and its derivative at the Gauss points (m, m + 1), the Gauss weights on [0, 1] and the nodes' quadrature
    weights (the Gauss rule applied to the interpolating polynomial)."""
    reference = np.arange(m + 1) / m
    # The inverse Vandermonde matrix: well conditioned on [0, 1] (1e3 at m = 4).
    coefficients = np.linalg.inv(reference[:, None] ** np.arange(m + 1)[None, :])
    points, weights = roots_legendre(m)
    basis, basis_derivative = _lagrange_from(coefficients, (points + 1) / 2)
    gauss_weights = weights / 2
    # Shared by every Collocation of this m: never written to (not flagged read-only, as the compiled
    # kernels' signatures take writable arrays).
    return coefficients, basis, basis_derivative, gauss_weights, gauss_weights @ basis


@dataclass(frozen=True)
class Mesh:
    """A mesh of ``[0, 1]``: ``edges`` (N + 1 increasing values from 0 to 1) and ``m`` collocation points."""

    edges: np.ndarray
    m: int

    @property
    def intervals(self) -> int:
        return self.edges.size - 1

    @cached_property
    def widths(self) -> np.ndarray:
        return np.diff(self.edges)

    @cached_property
    def nodes(self) -> np.ndarray:
        """Times of all N m + 1 nodes."""
        local = np.arange(self.m) / self.m
        inner = (self.edges[:-1, None] + self.widths[:, None] * local[None, :]).ravel()
        return np.append(inner, 1.0)

    @classmethod
    def uniform(cls, intervals: int, m: int) -> "Mesh":
        return cls(np.linspace(0.0, 1.0, intervals + 1), m)

    @classmethod
    def along(cls, tau: np.ndarray, states: np.ndarray, intervals: int, m: int) -> "Mesh":
        """A mesh equidistributing the arclength of a sampled orbit (``states`` scaled, rows at phases
        ``tau``), plus its mean, so fast stretches get short intervals and slow ones are not left empty."""
        speed = np.linalg.norm(np.diff(states, axis=0), axis=1)
        step = np.diff(tau)
        density = speed + np.sum(speed) * step
        cumulative = np.concatenate([[0.0], np.cumsum(density)])
        edges = np.interp(np.linspace(0.0, cumulative[-1], intervals + 1), cumulative, tau)
        edges[0], edges[-1] = 0.0, 1.0
        return cls(np.maximum.accumulate(edges), m)


class Collocation:
    """Residual, sparse Jacobian and Floquet multipliers of the collocation equations on one mesh.

    The unknown vector holds the node values (N m + 1 rows of ``dim``, row-major), then ``log T``,
    then the parameter. States are scaled by ``span`` (so every component is of order one), ``T``
    by ``period_scale`` (the unknown is ``log(T / period_scale)``, so a step grows the period by a
    factor, and a branch reaches periods a hundred times its first in tens of steps, not thousands)
    and the parameter by ``par_span``.
    """

    def __init__(self, mesh: Mesh, dim: int, span: np.ndarray, period_scale: float, par_span: float):
        self.mesh, self.dim = mesh, dim
        self.span = np.asarray(span, dtype=float)
        self.period_scale, self.par_span = float(period_scale), float(par_span)
        m = mesh.m
        # The Lagrange basis at the Gauss points (m, m+1); the node quadrature integrates the interpolating
        # polynomial with the Gauss rule (m+1,).
        (self._coefficients, self.basis, self.basis_derivative, self.gauss_weights,
         self.node_weights_local) = _reference_interval(m)
        self.node_index = np.arange(mesh.intervals)[:, None] * m + np.arange(m + 1)[None, :]
        self.n_nodes = mesh.intervals * m + 1

    @property
    def size(self) -> int:
        """Length of the unknown vector."""
        return self.n_nodes * self.dim + 2

    @cached_property
    def node_weights(self) -> np.ndarray:
        """Quadrature weight of every node on [0, 1] (they sum to 1)."""
        w = np.zeros(self.n_nodes)
        np.add.at(w, self.node_index, self.mesh.widths[:, None] * self.node_weights_local[None, :])
        return w

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
        from bp_core.dynamics.condensation_kernels import interval_blocks

        z, _ = self.at_collocation_points(nodes)
        n_int, m, d = z.shape
        points = z.reshape(-1, d).T
        jac = np.ascontiguousarray(field.jac(points, q), dtype=float)
        blocks = np.empty((n_int, m, m + 1, d, d))
        scale = self.span if scaled else np.ones(d)
        interval_blocks(self.basis, self.basis_derivative, self.mesh.widths, float(period), jac, scale, scale, blocks)
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
                  row: np.ndarray) -> CondensedFactor:
        """A factorisation of :meth:`bordered`'s matrix by condensing the intervals' interiors: a solve function
        (raises ``numpy.linalg.LinAlgError`` where the matrix is singular)."""
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
        rows, cols, n_rows, n_cols = self._structure
        return sparse.csr_matrix((self._entries(u, field, p, index, reference_derivative), (rows, cols)),
                                 shape=(n_rows, n_cols))

    @property
    def _bordered_order(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _bordered_order(self.mesh.intervals, self.mesh.m, self.dim)

    def bordered(self, u: np.ndarray, field, p: np.ndarray, index: int, reference_derivative: np.ndarray,
                 row: np.ndarray) -> sparse.csc_matrix:
        """The Jacobian with ``row`` appended, built directly in compressed-column form (for SuperLU)."""
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

    # -- interpolation and mesh adaptation -------------------------------------------------------

    def sample(self, tau: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Node values of an orbit given at increasing phases ``tau`` in [0, 1] (rows of ``states``)."""
        return np.column_stack([np.interp(self.mesh.nodes, tau, states[:, k]) for k in range(states.shape[1])])

    def evaluate(self, nodes: np.ndarray, times: np.ndarray) -> np.ndarray:
        """The piecewise polynomial at ``times`` in [0, 1]: (len(times), dim)."""
        times = np.clip(np.asarray(times, dtype=float), 0.0, 1.0)
        j = np.clip(np.searchsorted(self.mesh.edges, times, side="right") - 1, 0, self.mesh.intervals - 1)
        s = (times - self.mesh.edges[j]) / self.mesh.widths[j]
        values, _ = _lagrange_from(self._coefficients, s)
        return np.einsum("ti,tid->td", values, nodes[self.node_index[j]])

    def dense(self, nodes: np.ndarray, per_interval: int) -> np.ndarray:
        """The piecewise polynomial at ``per_interval`` equally spaced times in every interval, and at 1
        (the same local points in every interval, so one basis serves them all)."""
        values, _ = _lagrange_from(self._coefficients, np.arange(per_interval) / per_interval)
        inside = np.einsum("ti,jid->jtd", values, nodes[self.node_index]).reshape(-1, self.dim)
        return np.vstack([inside, nodes[-1:]])

    def adapted_mesh(self, nodes: np.ndarray, tol: float | None = None,
                     intervals: tuple[int, int] = (10, 2000)) -> Mesh:
        """A mesh equidistributing ``|u^(m+1)|^(1/(m+1))``, estimated from each interval's m-th derivative.

        On such a mesh every interval's local error ``(h |u^(m+1)|^(1/(m+1)))^(m+1)`` is the same,
        ``(I / N)^(m+1)`` with ``I`` the integral of the density; with ``tol`` the number of intervals
        ``N`` is chosen (within ``intervals``) to bring that error under ``tol``, as AUTO's and
        MatCont's error-equidistributing meshes do. Without it ``N`` stays.
        """
        m = self.mesh.m
        h = self.mesh.widths
        density = self.error_density(nodes)
        cumulative = np.concatenate([[0.0], np.cumsum(density * h)])
        n = self.mesh.intervals
        if tol is not None:
            needed = int(np.ceil(cumulative[-1] / tol ** (1.0 / (m + 1))))
            # Hysteresis: grow with a margin, shrink only when far too fine, so N does not flip each step.
            if needed > n or needed < 0.4 * n:
                n = int(np.clip(np.ceil(1.25 * needed), *intervals))
        targets = np.linspace(0.0, cumulative[-1], n + 1)
        edges = np.interp(targets, cumulative, self.mesh.edges)
        edges[0], edges[-1] = 0.0, 1.0
        return Mesh(edges, m)

    def error_density(self, nodes: np.ndarray) -> np.ndarray:
        """``|u^(m+1)|^(1/(m+1))`` per interval (scaled states): the (m+1)-th derivative from the jumps of the
        m-th derivative (constant on each interval) between neighbouring intervals, as AUTO estimates it."""
        m = self.mesh.m
        signs = np.array([(-1) ** (m - i) * _binomial(m, i) for i in range(m + 1)])
        local = nodes[self.node_index] / self.span                              # (N, m+1, d)
        h = self.mesh.widths
        derivative = np.einsum("i,jid->jd", signs, local) / (h[:, None] / m) ** m  # m-th derivative per interval
        nxt = np.roll(derivative, -1, axis=0)
        prv = np.roll(derivative, 1, axis=0)
        higher = (np.linalg.norm(nxt - derivative, axis=1) / (0.5 * (h + np.roll(h, -1))) +
                  np.linalg.norm(derivative - prv, axis=1) / (0.5 * (h + np.roll(h, 1)))) / 2
        density = np.maximum(higher, 1e-12) ** (1.0 / (m + 1))
        return np.maximum(density, 1e-3 * density.max())

    def error_estimate(self, nodes: np.ndarray) -> float:
        """The largest local error ``(h |u^(m+1)|^(1/(m+1)))^(m+1)`` over the intervals (scaled states)."""
        return float(np.max(self.error_density(nodes) * self.mesh.widths) ** (self.mesh.m + 1))

    def remesh(self, u: np.ndarray, mesh: Mesh) -> tuple["Collocation", np.ndarray]:
        """The same orbit (and T, p) as an unknown vector on ``mesh``."""
        nodes, period, par = self.unpack(u)
        other = Collocation(mesh, self.dim, self.span, self.period_scale, self.par_span)
        return other, other.pack(self.evaluate(nodes, mesh.nodes), period, par)

    def remesh_vector(self, v: np.ndarray, other: "Collocation") -> np.ndarray:
        """A tangent vector carried onto ``other``'s mesh (its node part interpolated)."""
        nodes = v[:-2].reshape(self.n_nodes, self.dim)
        moved = self.evaluate(nodes, other.mesh.nodes)
        return np.concatenate([moved.ravel(), v[-2:]])


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


def _binomial(n: int, k: int) -> int:
    from math import comb

    return comb(n, k)
