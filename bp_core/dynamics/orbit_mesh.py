"""Periodic orbits as piecewise polynomials on a mesh of [0, 1], as orthogonal collocation holds them: the
mesh, the polynomial between its nodes, and the mesh adapted to an orbit by equidistributing the
collocation's local error, as AUTO-07p and MatCont adapt theirs.

An orbit is held by its values at ``m + 1`` equally spaced nodes per interval (neighbouring intervals share
their end nodes): N m + 1 nodes in all. ``collocation.py`` writes the equations on it.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from math import comb

import numpy as np

from bp_core.backend import cache

__all__ = ["Mesh", "PiecewiseOrbit"]


def _lagrange_from(coefficients: np.ndarray, at: np.ndarray,
                   derivative: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Values and derivatives of a Lagrange basis at the points ``at``, (len(at), m + 1), from its monomial
    coefficients (column i: basis polynomial i): two matrix products for any number of points. Without
    ``derivative``, the values alone (and None)."""
    powers = np.arange(coefficients.shape[0])
    at = np.asarray(at, dtype=float)
    monomials = at[:, None] ** powers[None, :]
    if not derivative:
        return monomials @ coefficients, None
    slopes = np.zeros_like(monomials)
    # the powers one lower are the monomials' own columns: the same power of the same numbers, not computed twice
    slopes[:, 1:] = powers[1:] * monomials[:, :-1]
    return monomials @ coefficients, slopes @ coefficients


def _gauss_legendre(m: int) -> tuple[np.ndarray, np.ndarray]:
    """scipy's ``m``-point Gauss-Legendre rule on [-1, 1], memoized on disk: a process that finds it there
    spares scipy.special's import (a sixth of a second). numpy's ``leggauss`` is no substitute: its nodes differ
    by an ulp, which moves special points of sensitive cycle branches (chu's) at the tests' precision."""

    def compute() -> list[list[float]]:
        from scipy.special import roots_legendre

        return [values.tolist() for values in roots_legendre(m)]

    # JSON keeps every float exactly (its repr reads back to the same double)
    points, weights = cache.memoized("gauss_legendre", [str(m), importlib.metadata.version("scipy")], compute)
    return np.array(points), np.array(weights)


@lru_cache(maxsize=8)
def _reference_interval(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What every mesh with ``m`` collocation points shares (a branch builds a new mesh after every step):
    the monomial coefficients of the Lagrange basis of the interval's m + 1 equally spaced nodes, the basis
    and its derivative at the Gauss points (m, m + 1), the Gauss weights on [0, 1] and the nodes' quadrature
    weights (the Gauss rule applied to the interpolating polynomial)."""
    reference = np.arange(m + 1) / m
    # The inverse Vandermonde matrix: well conditioned on [0, 1] (1e3 at m = 4).
    coefficients = np.linalg.inv(reference[:, None] ** np.arange(m + 1)[None, :])
    points, weights = _gauss_legendre(m)
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


class PiecewiseOrbit:
    """Orbits of ``dim`` states (scaled by ``span`` where an error is measured) on one mesh: the node layout,
    quadrature, the polynomial at any phase, and the mesh an orbit's local errors call for."""

    def __init__(self, mesh: Mesh, dim: int, span: np.ndarray):
        self.mesh, self.dim = mesh, dim
        self.span = np.asarray(span, dtype=float)
        m = mesh.m
        # The Lagrange basis at the Gauss points (m, m+1); the node quadrature integrates the interpolating
        # polynomial with the Gauss rule (m+1,).
        (self._coefficients, self.basis, self.basis_derivative, self.gauss_weights,
         self.node_weights_local) = _reference_interval(m)
        self.node_index = np.arange(mesh.intervals)[:, None] * m + np.arange(m + 1)[None, :]
        self.n_nodes = mesh.intervals * m + 1

    @cached_property
    def node_weights(self) -> np.ndarray:
        """Quadrature weight of every node on [0, 1] (they sum to 1)."""
        w = np.zeros(self.n_nodes)
        np.add.at(w, self.node_index, self.mesh.widths[:, None] * self.node_weights_local[None, :])
        return w

    def sample(self, tau: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Node values of an orbit given at increasing phases ``tau`` in [0, 1] (rows of ``states``)."""
        return np.column_stack([np.interp(self.mesh.nodes, tau, states[:, k]) for k in range(states.shape[1])])

    def evaluate(self, nodes: np.ndarray, times: np.ndarray) -> np.ndarray:
        """The piecewise polynomial at ``times`` in [0, 1]: (len(times), dim)."""
        return self.evaluate_each([nodes], times)[0]

    def evaluate_each(self, node_sets: list[np.ndarray], times: np.ndarray) -> list[np.ndarray]:
        """:meth:`evaluate` of several piecewise polynomials on this mesh (node values (n_nodes, dim) each) at
        the same ``times``: where the times fall and the basis there are found once for all of them."""
        times = np.clip(np.asarray(times, dtype=float), 0.0, 1.0)
        j = np.clip(np.searchsorted(self.mesh.edges, times, side="right") - 1, 0, self.mesh.intervals - 1)
        s = (times - self.mesh.edges[j]) / self.mesh.widths[j]
        values, _ = _lagrange_from(self._coefficients, s, derivative=False)
        rows = self.node_index[j]
        return [np.einsum("ti,tid->td", values, nodes[rows]) for nodes in node_sets]

    def dense(self, nodes: np.ndarray, per_interval: int) -> np.ndarray:
        """The piecewise polynomial at ``per_interval`` equally spaced times in every interval, and at 1
        (the same local points in every interval, so one basis serves them all)."""
        values, _ = _lagrange_from(self._coefficients, np.arange(per_interval) / per_interval, derivative=False)
        inside = np.matmul(values, nodes[self.node_index]).reshape(-1, self.dim)  # (N, t, dim): one product each
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
        signs = np.array([(-1) ** (m - i) * comb(m, i) for i in range(m + 1)])
        local = nodes[self.node_index] / self.span                              # (N, m+1, d)
        h = self.mesh.widths
        derivative = np.einsum("i,jid->jd", signs, local) / (h[:, None] / m) ** m  # m-th derivative per interval
        # the periodic neighbours (numpy.roll's values, without its cost of a general shift on every step)
        nxt, prv = np.concatenate([derivative[1:], derivative[:1]]), np.concatenate([derivative[-1:], derivative[:-1]])
        h_next, h_prev = np.concatenate([h[1:], h[:1]]), np.concatenate([h[-1:], h[:-1]])
        higher = (np.linalg.norm(nxt - derivative, axis=1) / (0.5 * (h + h_next)) +
                  np.linalg.norm(derivative - prv, axis=1) / (0.5 * (h + h_prev))) / 2
        density = np.maximum(higher, 1e-12) ** (1.0 / (m + 1))
        return np.maximum(density, 1e-3 * density.max())

    def error_estimate(self, nodes: np.ndarray) -> float:
        """The largest local error ``(h |u^(m+1)|^(1/(m+1)))^(m+1)`` over the intervals (scaled states)."""
        return float(np.max(self.error_density(nodes) * self.mesh.widths) ** (self.mesh.m + 1))
