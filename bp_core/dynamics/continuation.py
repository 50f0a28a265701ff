"""Pseudo-arclength continuation of fixed-point branches in one parameter, with fold and Hopf detection."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from bp_core.dynamics.fixed_points import classify
from bp_core.dynamics.vector_field import VectorField

__all__ = ["Branch", "BifurcationPoint", "continue_branch", "detect_bifurcations"]


@dataclass
class Branch:
    """A curve of fixed points along a parameter.

    Attributes
    ----------
    par : ndarray
        Parameter value at each point (not necessarily monotonic: branches fold).
    states : ndarray
        Fixed point at each point, shape (n, dim).
    stability : list of str
        Stability class at each point.
    eigenvalues : ndarray
        Shape (n, dim).
    """

    par: np.ndarray
    states: np.ndarray
    stability: list[str] = field(default_factory=list)
    eigenvalues: np.ndarray | None = None

    def contains(self, x: np.ndarray, p: float, scale: np.ndarray, tol: float = 1e-3) -> bool:
        """True when (x, p) lies on this branch (within ``tol`` in scaled units)."""
        points = np.column_stack([self.states, self.par]) / scale
        return bool(np.min(np.linalg.norm(points - np.append(x, p) / scale, axis=1)) < tol)


@dataclass
class BifurcationPoint:
    """A saddle-node (fold) or Hopf point: its kind, parameter value(s) and state."""

    kind: str
    par: dict[str, float]
    state: dict[str, float]


def continue_branch(field_: VectorField, x0: np.ndarray, p: np.ndarray, index: int, p_range: tuple[float, float],
                    var_ranges: list[tuple[float, float]], max_step: float, direction: float = 1.0,
                    max_points: int = 20000) -> Branch:
    """Follow the fixed point ``x0`` as parameter ``index`` of ``p`` changes, by pseudo-arclength.

    Steps are measured in units scaled by the ranges, at most ``max_step`` in the
    parameter's scale, so the branch passes folds and does not depend on a grid.
    """
    p = np.array(p, dtype=float)
    span_x = np.array([hi - lo for lo, hi in var_ranges])
    span_p = p_range[1] - p_range[0]
    scale = np.append(span_x, span_p)

    def g(u):
        q = p.copy()
        q[index] = u[-1] * span_p
        return field_.f(u[:-1] * span_x, q)

    def dg(u):
        q = p.copy()
        q[index] = u[-1] * span_p
        x = u[:-1] * span_x
        jx = field_.jacobian(x, q) * span_x[None, :]
        jp = field_.par_derivative(x, q)[:, index:index + 1] * span_p
        return np.hstack([jx, jp])

    def tangent(u, previous):
        t = np.linalg.svd(dg(u))[2][-1]
        if previous is None:
            return t if t[-1] * direction > 0 else -t
        return t if np.dot(t, previous) > 0 else -t

    u = np.append(x0, p[index]) / scale
    points = [u.copy()]
    t = tangent(u, None)
    h_max = max_step / span_p
    h = h_max
    lo, hi = p_range
    margin = [(a - 0.5 * (b - a), b + 0.5 * (b - a)) for a, b in var_ranges]
    while len(points) < max_points:
        predicted = u + h * t
        z = predicted.copy()
        converged = False
        for it in range(10):
            residual = np.append(g(z), np.dot(t, z - predicted))
            if np.max(np.abs(residual)) < 1e-11:
                converged = True
                break
            z = z - np.linalg.solve(np.vstack([dg(z), t]), residual)
        if not converged or np.linalg.norm(z - u) > 3 * h:
            h /= 2
            if h < 1e-7:
                break
            continue
        u, t = z, tangent(z, t)
        points.append(u.copy())
        h = min(h * 1.5, h_max) if it < 4 else h
        par = u[-1] * span_p
        x = u[:-1] * span_x
        if par < lo or par > hi or any(not (a <= xi <= b) for xi, (a, b) in zip(x, margin)):
            break
        if len(points) > 20 and np.linalg.norm(points[0] - u) < h_max / 2:
            break  # a closed curve
    pts = np.array(points) * scale
    states, pars = pts[:, :-1], pts[:, -1]
    keep = (pars >= lo - 1e-12) & (pars <= hi + 1e-12)
    states, pars = states[keep], pars[keep]
    labels, eigs = [], []
    for x, par in zip(states, pars):
        q = p.copy()
        q[index] = par
        e, label = classify(field_.jacobian(x, q))
        labels.append(label)
        eigs.append(e)
    return Branch(pars, states, labels, np.array(eigs))


def detect_bifurcations(field_: VectorField, branch: Branch, p: np.ndarray, index: int,
                        par_names: list[str]) -> list[BifurcationPoint]:
    """Saddle-node points (det J changes sign) and Hopf points (trace changes sign with det > 0)."""
    p = np.array(p, dtype=float)
    dets, traces = [], []
    for x, par in zip(branch.states, branch.par):
        q = p.copy()
        q[index] = par
        jac = field_.jacobian(x, q)
        dets.append(np.linalg.det(jac))
        traces.append(np.trace(jac))
    dets, traces = np.array(dets), np.array(traces)
    found = []
    for k in range(len(dets) - 1):
        if dets[k] * dets[k + 1] < 0:
            found.append(_refine(field_, branch, p, index, k, "saddle-node", par_names))
        elif field_.dim == 2 and traces[k] * traces[k + 1] < 0 and dets[k] > 0 and dets[k + 1] > 0:
            found.append(_refine(field_, branch, p, index, k, "hopf", par_names))
    return [b for b in found if b is not None]


def _refine(field_: VectorField, branch: Branch, p: np.ndarray, index: int, k: int, kind: str,
            par_names: list[str]) -> BifurcationPoint | None:
    """Solve f = 0 together with det J = 0 (fold) or trace J = 0 (Hopf), starting between points k and k+1."""
    def system(z):
        q = p.copy()
        q[index] = z[-1]
        jac = field_.jacobian(z[:-1], q)
        extra = np.linalg.det(jac) if kind == "saddle-node" else np.trace(jac)
        return np.append(field_.f(z[:-1], q), extra)

    start = np.append(0.5 * (branch.states[k] + branch.states[k + 1]), 0.5 * (branch.par[k] + branch.par[k + 1]))
    sol = optimize.root(system, start, method="hybr", tol=1e-12)
    z = sol.x if sol.success and np.max(np.abs(system(sol.x))) < 1e-8 else start
    pars = {name: float(value) for name, value in zip(par_names, p)}
    pars[par_names[index]] = float(z[-1])
    return BifurcationPoint(kind, pars, dict(zip(field_.variables, map(float, z[:-1]))))
