"""The curve of folds of cycles (LPC) in two parameters, by a minimally augmented defining system.

Unknowns: the collocated orbit with its period and first parameter, and the second parameter.
Equations: the collocation equations, and ``g = 0``, where ``g`` is the last component of the solution
of the bordered system ``[[A, b], [c^T, 0]] [v; g] = [0; 1]`` with ``A`` the collocation Jacobian in
the orbit and the period (singular exactly at a fold of cycles). The gradient of ``g`` is
``-w^T (dA) v`` with ``w`` from the transposed system, taken as a difference of two Jacobians in the
direction ``v``; ``b`` and ``c`` follow the null vectors along the curve (Govaerts, *Numerical Methods
for Bifurcations of Dynamical Equilibria*, 2000; MatCont's LPC curves).
"""

from __future__ import annotations

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.collocation import Collocation
from bp_core.dynamics.cycles import CycleProblem, CycleSettings
from bp_core.dynamics.diagram import Codim2Curve, CycleBranch, SpecialPoint
from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

__all__ = ["CycleFoldCurve", "continue_cycle_folds"]


class CycleFoldCurve:
    """The LPC curve as an arclength problem: ``u`` is the orbit's unknown vector, then the second parameter."""

    test_names: tuple[str, ...] = ()

    def __init__(self, cycles: CycleProblem, second: int, second_range: tuple[float, float]):
        self.cycles = cycles
        self.second = second
        self.second_range = second_range
        self.second_span = second_range[1] - second_range[0]
        size = cycles.colloc.size
        rng = np.random.default_rng(0)
        self.b = rng.standard_normal(size - 1)
        self.c = rng.standard_normal(size - 1)
        self.amplitudes: list[float] = []
        # The bordered solve at the last point asked for: Newton asks for the residual and then the Jacobian at
        # the same point, and the accepted point's residual was the last one computed (each solve is a sparse LU).
        self._solved: tuple[bytes, tuple] | None = None

    @property
    def weights(self) -> np.ndarray:
        return np.append(self.cycles.weights, 1.0)

    def context(self) -> Collocation:
        return self.cycles.colloc

    def _at(self, u: np.ndarray) -> np.ndarray:
        """The orbit's unknowns, with the cycle problem's parameters set to this point's second parameter."""
        self.cycles.p[self.second] = u[-1] * self.second_span
        return u[:-1]

    def residual_cycles(self, u: np.ndarray) -> np.ndarray:
        return self.cycles.residual(self._at(u))

    def _bordered_solve(self, u: np.ndarray):
        key = u.tobytes()
        if self._solved is None or self._solved[0] != key:
            self._solved = (key, self._solve_bordered(u))
        return self._solved[1]

    def _solve_bordered(self, u: np.ndarray):
        # scipy's sparse matrices are imported where they are first built (collocation.Collocation.jacobian)
        from scipy import sparse
        from scipy.sparse.linalg import splu

        jac = self.cycles.jacobian(self._at(u))
        a = jac[:, :-1]                                           # orbit and period: square
        m = sparse.bmat([[a, sparse.csr_matrix(self.b[:, None])], [sparse.csr_matrix(self.c[None, :]), None]],
                        format="csc")
        lu = splu(m)
        rhs = np.zeros(m.shape[0])
        rhs[-1] = 1.0
        vg = lu.solve(rhs)
        wg = lu.solve(rhs, trans="T")
        return vg[:-1], wg[:-1], vg[-1], jac

    def residual(self, u: np.ndarray) -> np.ndarray:
        _, _, g, _ = self._bordered_solve(u)
        return np.append(self.residual_cycles(u), g)

    def _full_jacobian(self, u: np.ndarray, jac=None):
        """Derivatives of the collocation residual in the orbit, period, first and second parameter (``jac``: the
        first three, if known)."""
        from scipy import sparse

        jac = self.cycles.jacobian(self._at(u)) if jac is None else jac
        h = 1e-6
        up, down = u.copy(), u.copy()
        up[-1] += h
        down[-1] -= h
        column = (self.residual_cycles(up) - self.residual_cycles(down)) / (2 * h)
        self._at(u)
        return sparse.hstack([jac, sparse.csr_matrix(column[:, None])], format="csr")

    def jacobian(self, u: np.ndarray):
        from scipy import sparse

        v, w, _, jac = self._bordered_solve(u)
        v_ext = np.concatenate([v, [0.0, 0.0]])                  # no change of the parameters along v
        eps = 1e-7 / max(1e-300, np.max(np.abs(v)))
        difference = (self._full_jacobian(u + eps * v_ext) - self._full_jacobian(u - eps * v_ext)) / (2 * eps)
        gradient = -(difference.T @ w)
        return sparse.vstack([self._full_jacobian(u, jac), sparse.csr_matrix(gradient[None, :])], format="csr")

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.zeros(0)

    def accept(self, u: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v, w, _, _ = self._bordered_solve(u)
        self.c = v / np.linalg.norm(v)
        self.b = w / np.linalg.norm(w)
        self.cycles.set_reference(self._at(u))
        self._solved = None  # the borders and the phase condition's reference changed
        return u, t

    def stop(self, u: np.ndarray, t: np.ndarray) -> str | None:
        nodes, period, par = self.cycles.colloc.unpack(self._at(u))
        lo, hi = self.cycles.p_range
        second = u[-1] * self.second_span
        if not (lo <= par <= hi and self.second_range[0] <= second <= self.second_range[1]):
            return "left the parameter range"
        amplitude = float(np.max(np.ptp(nodes / self.cycles.colloc.span, axis=0)))
        self.amplitudes.append(amplitude)
        if amplitude < 0.05 * max(self.amplitudes):
            return "the cycles shrank to a point: the curve ends at a generalised Hopf point (GH)"
        return None


def continue_cycle_folds(field_: VectorField, branch: CycleBranch, fold: SpecialPoint, par_names: list[str],
                         p: np.ndarray, par_ranges: list[tuple[float, float]], var_ranges: list[tuple[float, float]],
                         max_step: float = 0.02, max_points: int = 400) -> Codim2Curve:
    """The curve of folds of cycles through the LPC point ``fold`` of ``branch``, in the first two parameters."""
    if fold.label != "LPC":
        raise ModelUseError(f"a fold-of-cycles curve starts at an LPC point, not {fold.label}.")
    first, second = par_names[0], par_names[1]
    k = int(np.argmin(np.abs(branch.par - fold.par[first]) + np.abs(branch.period - fold.period) / fold.period))
    times, states = branch.mesh[k] * branch.period[k], branch.orbits[k]
    q = np.array(p, dtype=float)
    q[0], q[1] = fold.par[first], fold.par[second]
    span = np.array([hi - lo for lo, hi in var_ranges])
    halves = []
    for direction in (-1.0, 1.0):
        settings = CycleSettings(adapt_every=0, ds=max_step / 4, ds_max=max_step, max_steps=max_points)
        cycles = CycleProblem(field_, q.copy(), 0, par_ranges[0], span, branch.period[k], settings)
        colloc = cycles.colloc
        start = colloc.pack(colloc.sample(times / times[-1], states), branch.period[k], q[0])
        cycles.set_reference(start)
        problem = CycleFoldCurve(cycles, 1, par_ranges[1])
        # Put the start exactly on the fold: Newton with the second parameter held.
        u0 = arclength.correct_holding_last(problem, np.append(start, q[1] / problem.second_span), settings)
        if u0 is None:
            raise ModelUseError(f"the fold of cycles at {first} = {fold.par[first]:.6g} could not be refined; "
                                f"try more mesh intervals or a fold computed with a finer branch.")
        problem.accept(u0, np.zeros(u0.size))
        t0 = np.zeros(u0.size)
        t0[-1] = direction
        halves.append((problem, arclength.trace(problem, u0, t0, settings)))
    values, states, periods = [], [], []
    for (problem, curve), order in zip(halves, (-1, 1)):
        pts = list(zip(curve.points, curve.contexts))
        pts = pts[::-1] if order < 0 else pts[1:]
        for u, colloc in pts:
            nodes, period, par = colloc.unpack(u[:-1])
            values.append([par, u[-1] * problem.second_span])
            states.append(nodes[0])
            periods.append(period)
    stopped = "; ".join(curve.stopped for _, curve in halves)
    return Codim2Curve("LPC", (first, second), np.array(values), np.array(states), [], stopped, np.array(periods))
