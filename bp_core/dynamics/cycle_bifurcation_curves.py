"""Curves of period doublings (PD) and Neimark-Sacker (torus, NS) points of cycles in two parameters, by
minimally augmented defining systems on the collocated orbit.

Unknowns: the collocated orbit with its period and first parameter, the second parameter, and for NS the
angle ``theta`` of the multipliers ``exp(+-i theta)``. Equations: the collocation equations, and ``g = 0``,
where ``g`` is the last component of the solution of ``[[A, b], [c^T, 0]] [v; g] = [0; 1]``. ``A`` is the
collocation of the variational equation ``v' = T f_x(x(t)) v`` with the boundary condition
``exp(i theta) v(0) = v(1)``: singular exactly when ``exp(i theta)`` is a Floquet multiplier. For PD,
``theta = pi`` (``v(0) + v(1) = 0``) and everything is real; for NS ``A`` is complex and ``g = 0`` is two
real equations (Govaerts, *Numerical Methods for Bifurcations of Dynamical Equilibria*, 2000; Kuznetsov,
Govaerts, Doedel & Dhooge, SIAM J. Numer. Anal. 43, 2005; MatCont's PD and NS curves of cycles).
``A`` is the Jacobian of the collocation residual with that boundary condition, so the gradient of ``g``
in the orbit, ``-w^T (dA) v``, is the transpose of ``A``'s derivative along ``v`` applied to ``w`` (a
difference of two Jacobians); in the period and parameters it is a difference quotient.

On an NS curve the 1:4 and 1:3 resonances (R4, R3: ``theta = pi/2, 2 pi/3``) are located; the curve ends
where the multipliers reach +1 or -1 (R1, R2) or the cycles shrink onto an equilibrium. At R1 and R2 the
system is singular (at ``theta = 0`` the trivial multiplier makes ``A`` singular on every cycle), so they are
placed by a quadratic in ``theta`` through the curve's last three points, the last one just past. On a PD curve the
fold-flip points (LPPD: another multiplier at +1) and 1:2 resonances (R2: another at -1) are located.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.cycle_points import LocatedOrbit
from bp_core.dynamics.cycles import CycleProblem, cycle_problem_on
from bp_core.dynamics.diagram import Codim2Curve, SpecialPoint
from bp_core.dynamics.second_parameter import CyclesInSecondParameter
from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["CycleBifurcationCurve", "continue_cycle_bifurcation"]

#: Resonances located on a torus curve: label and angle of the multipliers.
RESONANCES = (("R4", np.pi / 2), ("R3", 2 * np.pi / 3))


class CycleBifurcationCurve(CyclesInSecondParameter):
    """A PD or NS curve as an arclength problem: ``u`` is the orbit's unknown vector, then the second
    parameter (scaled by its range), then for NS the angle of the multipliers."""

    def __init__(self, cycles: CycleProblem, second: int, second_range: tuple[float, float], label: str):
        super().__init__(cycles, second, second_range)
        self.label = label
        self.torus = label == "NS"
        self.test_names = tuple(name for name, _ in RESONANCES) if self.torus else ("LPPD", "R2")
        n = cycles.colloc.n_nodes * cycles.colloc.dim
        rng = np.random.default_rng(0)
        dtype = complex if self.torus else float
        self.b = rng.standard_normal(n).astype(dtype)
        self.c = rng.standard_normal(n).astype(dtype)
        if self.torus:
            self.b = self.b + 1j * rng.standard_normal(n)
            self.c = self.c + 1j * rng.standard_normal(n)
        self.amplitudes: list[float] = []
        self._last = None

    @property
    def weights(self) -> np.ndarray:
        return np.concatenate([self.cycles.weights, np.ones(2 if self.torus else 1)])

    def angle(self, u: np.ndarray) -> float:
        return float(u[self.size + 1]) if self.torus else np.pi

    def operator(self, orbit: np.ndarray, angle: float) -> sparse.csc_matrix:
        """``A``: the collocation Jacobian in the node values, its periodicity rows turned into
        ``exp(i angle) v(0) - v(1)``."""
        # scipy's sparse matrices are imported where they are first built (collocation.Collocation.jacobian)
        from scipy import sparse

        jac = self.cycles.jacobian(orbit)[:-1, :-2]
        colloc = self.cycles.colloc
        d, n = colloc.dim, colloc.n_nodes * colloc.dim
        corner = sparse.csr_matrix(((np.exp(1j * angle) - 1) * np.ones(d), (n - d + np.arange(d), np.arange(d))),
                                   shape=(n, n))
        a = jac + corner
        return (a if self.torus else a.real).tocsc()

    def _solve(self, u: np.ndarray):
        """``v``, ``w`` (null vectors of ``A`` and ``A^T``, approximately) and ``g``; the last answer is kept,
        as Newton's method asks for the residual and the Jacobian at the same point."""
        key = u.tobytes()
        if self._last is not None and self._last[0] == key:
            self._at(u)
            return self._last[1]
        from scipy import sparse
        from scipy.sparse.linalg import splu

        a = self.operator(self._at(u), self.angle(u))
        m = sparse.bmat([[a, sparse.csc_matrix(self.b[:, None])], [sparse.csc_matrix(self.c[None, :]), None]],
                        format="csc")
        lu = splu(m, permc_spec="MMD_AT_PLUS_A")
        rhs = np.zeros(m.shape[0], dtype=m.dtype)
        rhs[-1] = 1.0
        vg, wg = lu.solve(rhs), lu.solve(rhs, trans="T")
        self._last = (key, (vg[:-1], wg[:-1], vg[-1]))
        return self._last[1]

    def _g_values(self, g) -> np.ndarray:
        return np.array([g.real, g.imag]) if self.torus else np.array([float(np.real(g))])

    def residual(self, u: np.ndarray) -> np.ndarray:
        _, _, g = self._solve(u)
        return np.concatenate([self.cycles.residual(self._at(u)), self._g_values(g)])

    def _g_gradient(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """The gradient of ``g`` in every unknown (complex for NS)."""
        orbit, angle = self._at(u), self.angle(u)
        n = v.size
        grad = np.zeros(u.size, dtype=complex)
        # Node values: A is the Jacobian of a residual, so w^T (dA/du_k) v = ((d_v A)^T w)_k.
        for part, factor in ((v.real, 1.0), (v.imag, 1j)):
            if not np.any(part):
                continue
            eps = 1e-7 / np.max(np.abs(part))
            shift = np.concatenate([part, [0.0, 0.0]])
            diff = (self.operator(orbit + eps * shift, angle) - self.operator(orbit - eps * shift, angle)) / (2 * eps)
            grad[:n] -= factor * (diff.T @ w)
        # Period, first and second parameter: difference quotients of A.
        for k in (self.size - 2, self.size - 1, self.size):
            h = 1e-7
            up, down = u.copy(), u.copy()
            up[k] += h
            down[k] -= h
            diff = (self.operator(self._at(up), angle) - self.operator(self._at(down), angle)) / (2 * h)
            grad[k] = -w @ (diff @ v)
        self._at(u)
        if self.torus:  # dA/d(angle): i exp(i angle) at v(0) in the boundary rows
            d = self.cycles.colloc.dim
            grad[self.size + 1] = -1j * np.exp(1j * angle) * np.dot(w[n - d:], v[:d])
        return grad

    def jacobian(self, u: np.ndarray):
        from scipy import sparse

        v, w, _ = self._solve(u)
        orbit = self._at(u)
        column = self.parameter_column(u)
        blocks = [self.cycles.jacobian(orbit), sparse.csr_matrix(column[:, None])]
        if self.torus:
            blocks.append(sparse.csr_matrix((column.size, 1)))
        top = sparse.hstack(blocks, format="csr")
        grad = self._g_gradient(u, v, w)
        rows = np.vstack([grad.real, grad.imag]) if self.torus else grad.real[None, :]
        return sparse.vstack([top, sparse.csr_matrix(rows)], format="csr")

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        if self.torus:
            return np.array([self.angle(u) - value for _, value in RESONANCES])
        # On a PD curve, from the multipliers less the one at -1: a second one at +1 besides the trivial one
        # (fold-flip, LPPD: the derivative at 1 of their characteristic polynomial vanishes), or a second
        # one at -1 (the 1:2 resonance R2, where a torus curve ends: the derivative at -1 of the polynomial
        # less the trivial multiplier).
        mu = self.cycles.multipliers(self._at(u))
        rest = np.delete(mu, np.argmin(np.abs(mu + 1)))
        fold_flip = sum(np.prod(np.delete(1.0 - rest, i)) for i in range(rest.size))
        others = mu[1:]
        resonance = sum(np.prod(np.delete(-1.0 - others, i)) for i in range(others.size))
        return np.array([np.real(fold_flip), np.real(resonance)])

    def accept(self, u: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.refresh_borders(u)
        self.cycles.set_reference(self._at(u))
        return u, t

    def refresh_borders(self, u: np.ndarray) -> None:
        """Borders from the null vectors at ``u``, so the bordered matrix stays well conditioned."""
        v, w, _ = self._solve(u)
        self.c = np.conj(v) / np.linalg.norm(v)
        self.b = np.conj(w) / np.linalg.norm(w)
        self._last = None  # the borders changed

    def stop(self, u: np.ndarray, t: np.ndarray) -> str | None:
        nodes, _, par = self.cycles.colloc.unpack(self._at(u))
        lo, hi = self.cycles.p_range
        second = u[self.size] * self.second_span
        if not (lo <= par <= hi and self.second_range[0] <= second <= self.second_range[1]):
            return "left the parameter range"
        if self.torus and not 0.0 < self.angle(u) < np.pi:
            return ("the multipliers reached " + ("+1 (a 1:1 resonance, R1)" if self.angle(u) <= 0 else
                                                  "-1 (a 1:2 resonance, R2)"))
        amplitude = float(np.max(np.ptp(nodes / self.cycles.colloc.span, axis=0)))
        self.amplitudes.append(amplitude)
        if amplitude < 0.05 * max(self.amplitudes):
            return "the cycles shrank to a point (the curve reaches a bifurcation of an equilibrium)"
        return None


def _resonance_end(problem: CycleBifurcationCurve, curve: arclength.Curve, variables: list[str],
                   names: tuple[str, str]) -> SpecialPoint | None:
    """The R1 or R2 point where an NS curve ended with its angle leaving (0, pi), from a quadratic in the
    angle through the last three points (None where the curve ended otherwise)."""
    if not problem.torus or len(curve.points) < 3 or "resonance" not in curve.stopped:
        return None
    last = curve.points[-3:]
    angles = np.array([problem.angle(u) for u in last])
    if not (0.0 < angles[-2] < np.pi) or 0.0 < angles[-1] < np.pi:
        return None
    target = 0.0 if angles[-1] <= 0 else np.pi
    rows = []
    for u, colloc in zip(last, curve.contexts[-3:]):
        nodes, period, par = colloc.unpack(u[:problem.size])
        rows.append([par, u[problem.size] * problem.second_span, period, *nodes[0]])
    fit = np.polyfit(angles, np.array(rows), 2)
    at = fit[0] * target ** 2 + fit[1] * target + fit[2]
    return SpecialPoint("R1" if target == 0.0 else "R2", dict(zip(names, map(float, at[:2]))),
                        dict(zip(variables, map(float, at[3:]))), period=float(at[2]))


def _start_angle(point: SpecialPoint) -> float:
    """The angle of the complex multiplier pair of an NS point nearest the unit circle."""
    mu = np.asarray(point.eigenvalues)[1:]
    mu = mu[np.abs(mu.imag) > 1e-8]
    if mu.size == 0:
        raise ModelUseError("the NS point has no complex multipliers: it is a neutral saddle, not a torus "
                            "bifurcation, and has no torus curve.")
    return float(abs(np.angle(mu[np.argmin(np.abs(np.abs(mu) - 1))])))


def continue_cycle_bifurcation(field_: VectorField, point: SpecialPoint, par_names: list[str],
                               par_ranges: list[tuple[float, float]], var_ranges: list[tuple[float, float]],
                               max_step: float = 0.02, max_points: int = 300) -> Codim2Curve:
    """The curve of period doublings (``point`` a PD point of a cycle branch) or of torus bifurcations (an
    NS point) through ``point``, in the first two parameters, followed both ways from it."""
    if point.label not in ("PD", "NS") or point.located is None:
        raise ModelUseError(f"a period-doubling or torus curve starts at a PD or NS point of a cycle branch "
                            f"(CycleBranch.special), not at {point.label}.")
    located: LocatedOrbit = point.located
    first, second = par_names[0], par_names[1]
    span = np.array([hi - lo for lo, hi in var_ranges])
    halves = []
    for direction in (-1.0, 1.0):
        cycles = cycle_problem_on(field_, located, par_ranges[0], span, max_step, max_points)
        problem = CycleBifurcationCurve(cycles, 1, par_ranges[1], point.label)
        extra = [located.p[1] / problem.second_span] + ([_start_angle(point)] if problem.torus else [])
        u0 = np.concatenate([located.u, extra])
        for _ in range(2):
            problem.refresh_borders(u0)
        held = np.zeros(u0.size)
        held[problem.size] = 1.0  # refine the point on the curve with the second parameter held
        u0 = arclength.correct(problem, u0, held, 0.0, cycles.settings)
        if u0 is None:
            raise ModelUseError(f"the {point.label} point at {first} = {point.par[first]:.6g} could not be refined "
                                f"onto its curve; try a point computed on a finer branch.")
        problem.accept(u0, np.zeros(u0.size))
        t0 = np.zeros(u0.size)
        t0[problem.size] = direction
        halves.append((problem, arclength.trace(problem, u0, t0, cycles.settings)))
    values, states, periods, special = [], [], [], []
    for (problem, curve), order in zip(halves, (-1, 1)):
        located_events = {e.index: e.name for e in curve.events}
        indices = list(range(len(curve.points)))
        end = _resonance_end(problem, curve, field_.variables, (first, second))
        if end is not None:
            indices = indices[:-1]  # the last point is past the end (its angle is outside (0, pi))
            special.append(end)
        for k in (indices[::-1] if order < 0 else indices[1:]):
            u, colloc = curve.points[k], curve.contexts[k]
            nodes, period, par = colloc.unpack(u[:problem.size])
            pair = [par, u[problem.size] * problem.second_span]
            values.append(pair)
            states.append(nodes[0])
            periods.append(period)
            if k in located_events:
                special.append(SpecialPoint(located_events[k], dict(zip((first, second), pair)),
                                            dict(zip(field_.variables, map(float, nodes[0]))), period=period))
    stopped = "; ".join(curve.stopped for _, curve in halves)
    return Codim2Curve(point.label, (first, second), np.array(values), np.array(states), special, stopped,
                       np.array(periods))
