"""Curves of homoclinic orbits in two parameters, as large-period orbits continued at a fixed period.

A cycle branch that ends in a saddle homoclinic orbit (HOM) passes orbits of large period ``T`` whose
parameter is exponentially close to the homoclinic one: ``p - p_c ~ A exp(-lambda_u T)``. Holding ``T``
fixed at the last orbit's period and freeing both parameters, the collocation equations define a curve
that lies within the same exponentially small distance of the homoclinic curve (Doedel & Kernevez,
1986; AUTO-07p's and MatCont's large-period approach to homoclinic curves, without HomCont's defining
system of the connecting orbit).

Unknowns: the collocated orbit with its (held) period and first parameter, then the second parameter
scaled by its range. Equations: the collocation equations and ``log T = log T_0``.

Where the equilibrium the orbit slows at stops being a hyperbolic saddle and becomes a saddle-node, the
homoclinic curve ends on the fold curve at a non-central saddle-node homoclinic point (NCH, MatCont's
label; the saddle-node loop of planar neuron models, where a SNIC turns into a saddle homoclinic orbit).
Past it the fixed-period orbits pass the ghost of the saddle-node: the curve goes on along the SNIC
curve, on the far side of the fold curve by ``O(1 / T^2)``. Near the NCH point ``lambda_u`` vanishes, so
the fixed-period curve leaves the homoclinic one there (it crosses the fold curve early): where the saddle
turns into a saddle-node along the curve, the NCH point is estimated on the fold curve at that point and,
in planar systems, located by shooting along the fold curve (``saddle_node_homoclinic``).
"""

from __future__ import annotations

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.collocation import Collocation
from bp_core.dynamics.cycle_points import LocatedOrbit
from bp_core.dynamics.cycles import CycleProblem, cycle_problem_on
from bp_core.dynamics.diagram import Codim2Curve, SpecialPoint
from bp_core.dynamics.infinite_period import NEAR, locate_fold
from bp_core.dynamics.saddle_node_homoclinic import locate_nch
from bp_core.dynamics.second_parameter import CyclesInSecondParameter
from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

__all__ = ["FixedPeriodCurve", "continue_homoclinic"]

#: Smallest ``lambda_u T`` the curve is followed at: ``exp(-20)`` is 2e-9 of the orbit's approach to the saddle.
MIN_RATE_TIMES_PERIOD = 20.0


class FixedPeriodCurve(CyclesInSecondParameter):
    """Orbits of one period in two parameters, as an arclength problem: ``u`` is the orbit's unknown vector
    (its period component held), then the second parameter scaled by its range."""

    test_names: tuple[str, ...] = ()

    def __init__(self, field_: VectorField, cycles: CycleProblem, second: int, second_range: tuple[float, float],
                 log_period: float, min_rate_times_period: float = MIN_RATE_TIMES_PERIOD):
        super().__init__(cycles, second, second_range)
        self.field_ = field_
        self.min_rate_times_period = min_rate_times_period
        self.log_period = log_period

    @property
    def weights(self) -> np.ndarray:
        return np.concatenate([self.cycles.weights, [1.0]])

    def residual(self, u: np.ndarray) -> np.ndarray:
        return np.concatenate([self.cycles.residual(self._at(u)), [u[self.size - 2] - self.log_period]])

    def jacobian(self, u: np.ndarray):
        # scipy's sparse matrices are imported where they are first built (collocation.Collocation.jacobian)
        from scipy import sparse

        orbit = self._at(u)
        column = self.parameter_column(u)
        top = sparse.hstack([self.cycles.jacobian(orbit), sparse.csr_matrix(column[:, None])], format="csr")
        held = sparse.csr_matrix(([1.0], ([0], [self.size - 2])), shape=(1, self.size + 1))
        return sparse.vstack([top, held], format="csr")

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.zeros(0)

    def accept(self, u: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.cycles.set_reference(self._at(u))
        return u, t

    def pars(self, u: np.ndarray, colloc: Collocation | None = None) -> tuple[float, float]:
        """The two parameters at ``u``."""
        par = (colloc or self.cycles.colloc).unpack(u[:self.size])[2]
        return par, float(u[self.size] * self.second_span)

    def stop(self, u: np.ndarray, t: np.ndarray) -> str | None:
        lo, hi = self.cycles.p_range
        par, second = self.pars(u)
        if not (lo <= par <= hi and self.second_range[0] <= second <= self.second_range[1]):
            return "left the parameter range"
        nodes, period, _ = self.cycles.colloc.unpack(u[:self.size])
        q = self.cycles.p.copy()
        q[self.cycles.index] = par
        saddle = slow_equilibrium(self.field_, nodes, q, self.cycles.colloc.span)
        # The curve is as close to the homoclinic one as exp(-lambda_u T) is small; where the saddle's
        # unstable eigenvalue falls (towards a Bogdanov-Takens point) a fixed period stops being large.
        if saddle is not None and np.max(saddle[1].real) * period < self.min_rate_times_period:
            return (f"the saddle's unstable eigenvalue times the period fell below {self.min_rate_times_period:g} "
                    f"(the fixed period is no longer large for this saddle: a Bogdanov-Takens point is near)")
        return None


def slow_equilibrium(field_: VectorField, nodes: np.ndarray, q: np.ndarray,
                     span: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The hyperbolic saddle the orbit ``nodes`` slows at, with its eigenvalues; None where the slowest
    point is near no saddle (the orbit passes the ghost of a saddle-node)."""
    field = field_.compiled
    speed = np.linalg.norm(field.f(nodes.T, q).T / span, axis=1)
    slow = nodes[int(np.argmin(speed))]
    x = field.newton(slow, q)
    if not np.all(np.isfinite(x)) or np.max(np.abs(field.f1(x, q))) > 1e-8 * (1 + np.max(np.abs(x))):
        return None
    if np.max(np.abs(x - slow) / span) > NEAR:
        return None
    # An orbit of large period passes its saddle closely; one passing the ghost of a saddle-node does not pass
    # the equilibrium Newton's method may find from there (another saddle nearby).
    if np.min(np.max(np.abs(nodes - x) / span, axis=1)) > NEAR / 10:
        return None
    lam = np.linalg.eigvals(field.jac1(x, q))
    size = max(1.0, float(np.max(np.abs(lam))))
    if not (np.any(lam.real > 1e-6 * size) and np.any(lam.real < -1e-6 * size)):
        return None
    return x, lam


def _nch(field_: VectorField, nodes: np.ndarray, q: np.ndarray, span: np.ndarray, names: tuple[str, str],
         variables: list[str], period: float) -> SpecialPoint | None:
    """The non-central saddle-node homoclinic point on the fold curve, at the second parameter of the first
    orbit past the saddle part of the curve (None if no fold lies at its slowest point)."""
    field = field_.compiled
    speed = np.linalg.norm(field.f(nodes.T, q).T / span, axis=1)
    fold = locate_fold(field, nodes[int(np.argmin(speed))], q, 0)
    if fold is None:
        return None
    x, p_f = fold
    qf = np.array(q, dtype=float)
    qf[0] = p_f
    return SpecialPoint("NCH", dict(zip(names, (float(p_f), float(q[1])))), dict(zip(variables, map(float, x))),
                        period=period, eigenvalues=np.linalg.eigvals(field.jac1(x, qf)))


def _nch_points(field_: VectorField, slowest: list, states: list, names: tuple[str, str],
                par_ranges: list[tuple[float, float]], span: np.ndarray, periods: list) -> list[SpecialPoint]:
    """The NCH points where the curve's saddle turns into a saddle-node or back: each estimated on the fold
    curve at the first point past the saddle part, then, for planar systems, located by shooting
    (:mod:`bp_core.dynamics.saddle_node_homoclinic`)."""
    found: list[SpecialPoint] = []
    saddle = [bool(np.all(np.isfinite(x))) for x in states]
    gaps: dict = {}  # shooting results on the fold curve, shared by the estimates of one point
    for k in range(len(saddle) - 1):
        if saddle[k] == saddle[k + 1]:
            continue
        past = k + 1 if saddle[k] else k
        nodes, q = slowest[past]
        estimate = _nch(field_, nodes, q, span, names, field_.variables, float(periods[past]))
        if estimate is None or not all(lo <= estimate.par[name] <= hi for name, (lo, hi) in zip(names, par_ranges)):
            continue
        x = np.array(list(estimate.state.values()))
        qe = np.array(q, dtype=float)
        qe[:2] = [estimate.par[names[0]], estimate.par[names[1]]]
        located = locate_nch(field_.compiled, x, qe, span, par_ranges[1], gaps=gaps)
        if located is not None:
            xs, qs = located
            estimate = SpecialPoint("NCH", dict(zip(names, map(float, qs[:2]))),
                                    dict(zip(field_.variables, map(float, xs))),
                                    period=estimate.period, eigenvalues=np.linalg.eigvals(field_.compiled.jac1(xs, qs)))
        if not any(abs(p.par[names[1]] - estimate.par[names[1]]) <= 1e-8 * (par_ranges[1][1] - par_ranges[1][0])
                   for p in found):
            found.append(estimate)
    return found


def continue_homoclinic(field_: VectorField, point: SpecialPoint, par_names: list[str],
                        par_ranges: list[tuple[float, float]], var_ranges: list[tuple[float, float]],
                        max_step: float = 0.02, max_points: int = 300,
                        min_rate_times_period: float = MIN_RATE_TIMES_PERIOD) -> Codim2Curve:
    """The homoclinic curve through the HOM end ``point`` of a cycle branch, in the first two parameters:
    the branch's last orbit continued at its period with both parameters free, both ways from it.

    The curve's ``values`` approximate the homoclinic curve to ``O(exp(-lambda_u T))``, ``period`` holds the
    fixed period, ``states`` the saddle each orbit slows at (NaN where it passes none: along a SNIC curve),
    and ``special`` the NCH points where the saddle becomes a saddle-node. ``min_rate_times_period`` is the
    smallest ``lambda_u T`` the curve is followed at (0: on to the fold curve and along the SNIC curve).
    """
    if point.label != "HOM" or point.located is None:
        raise ModelUseError(f"a homoclinic curve starts at the HOM end of a cycle branch (CycleBranch.special), "
                            f"not at {point.label}.")
    if len(par_names) < 2:
        raise ModelUseError("a homoclinic curve needs two target parameters.")
    located: LocatedOrbit = point.located
    names = (par_names[0], par_names[1])
    span = np.array([hi - lo for lo, hi in var_ranges])
    halves = []
    for direction in (-1.0, 1.0):
        cycles = cycle_problem_on(field_, located, par_ranges[0], span, max_step, max_points)
        problem = FixedPeriodCurve(field_, cycles, 1, par_ranges[1], float(located.u[-2]), min_rate_times_period)
        u0 = np.concatenate([located.u, [located.p[1] / problem.second_span]])
        t0 = np.zeros(u0.size)
        t0[problem.size] = direction
        halves.append((problem, arclength.trace(problem, u0, t0, cycles.settings)))
    values, states, periods, slowest = [], [], [], []
    for (problem, curve), order in zip(halves, (-1, 1)):
        indices = list(range(len(curve.points)))
        for k in (indices[::-1] if order < 0 else indices[1:]):
            u, colloc = curve.points[k], curve.contexts[k]
            nodes, period, _ = colloc.unpack(u[:problem.size])
            q = located.p.copy()
            q[:2] = problem.pars(u, colloc)
            saddle = slow_equilibrium(field_, nodes, q, span)
            values.append(q[:2])
            states.append(saddle[0] if saddle is not None else np.full(nodes.shape[1], np.nan))
            periods.append(period)
            slowest.append((nodes, q))
    special = _nch_points(field_, slowest, states, names, par_ranges, span, periods)
    stopped = "; ".join(curve.stopped for _, curve in halves)
    return Codim2Curve("HOM", names, np.array(values), np.array(states), special, stopped, np.array(periods))
