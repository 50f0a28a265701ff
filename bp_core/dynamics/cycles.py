"""Continuation of periodic orbits in one parameter by orthogonal collocation, from a Hopf point or
from an orbit found by simulation: period, extremes, Floquet multipliers and stability along the
branch; folds of cycles (LPC), period doublings (PD) and Neimark-Sacker points (NS) located; a
branch whose period grows without bound is stopped and reported as homoclinic or SNIC."""

from __future__ import annotations

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.collocation import Collocation, Mesh
from bp_core.dynamics.diagram import CycleBranch, SpecialPoint
from bp_core.dynamics.normal_forms import hopf_vectors
from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

__all__ = ["CycleProblem", "CycleSettings", "cycles_from_hopf", "cycles_from_orbit"]


class CycleSettings(arclength.Settings):
    """Step control of cycle continuation, with the mesh (``intervals`` of ``m`` Gauss points),
    how often it adapts, and the period past which a branch counts as approaching a homoclinic orbit."""

    def __init__(self, intervals: int = 40, m: int = 4, adapt_every: int = 3, max_period: float | None = None,
                 period_growth: float = 25.0, **kwargs):
        kwargs.setdefault("ds", 0.02)
        kwargs.setdefault("ds_max", 0.2)
        kwargs.setdefault("ds_min", 1e-6)
        kwargs.setdefault("max_steps", 400)
        kwargs.setdefault("tol", 1e-9)
        super().__init__(**kwargs)
        self.intervals, self.m, self.adapt_every = intervals, m, adapt_every
        self.max_period, self.period_growth = max_period, period_growth


class CycleProblem:
    """The collocation equations with the reference orbit of the phase condition, as an arclength problem."""

    test_names = ("LPC", "PD", "NS")

    def __init__(self, field_: VectorField, p: np.ndarray, index: int, p_range: tuple[float, float],
                 span: np.ndarray, period: float, settings: CycleSettings):
        self.field = field_.compiled
        self.p = np.array(p, dtype=float)
        self.index = index
        self.p_range = p_range
        self.settings = settings
        self.colloc = Collocation(Mesh.uniform(settings.intervals, settings.m), self.field.dim, span, period,
                                  p_range[1] - p_range[0])
        self.reference = None
        self.reference_derivative = None
        self.start_period = period
        self.amplitudes: list[float] = []
        self.steps = 0
        self.stopped_by = ""

    @property
    def weights(self) -> np.ndarray:
        return self.colloc.weights

    def context(self) -> Collocation:
        """The mesh in force: each stored point is unpacked with the mesh it was computed on."""
        return self.colloc

    def set_reference(self, u: np.ndarray, derivative: np.ndarray | None = None) -> None:
        """The orbit of ``u`` becomes the phase condition's reference (``derivative``: its d/dtau)."""
        nodes, period, par = self.colloc.unpack(u)
        q = self.p.copy()
        q[self.index] = par
        self.reference = nodes
        self.reference_derivative = (derivative if derivative is not None else
                                     period * self.field.f(nodes.T, q).T)

    def residual(self, u: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging Newton iterate: rejected as non-finite
            return self.colloc.residual(u, self.field, self.p, self.index, self.reference,
                                        self.reference_derivative)

    def jacobian(self, u: np.ndarray):
        return self.colloc.jacobian(u, self.field, self.p, self.index, self.reference_derivative)

    def bordered(self, u: np.ndarray, row: np.ndarray):
        return self.colloc.bordered(u, self.field, self.p, self.index, self.reference_derivative, row)

    def multipliers(self, u: np.ndarray) -> np.ndarray:
        """Floquet multipliers, the trivial one (nearest 1) first.

        In a plane the nontrivial one is ``exp(int trace J dt)`` (Liouville), exact where the
        monodromy matrix's product of transfer matrices loses all digits (relaxation and canard cycles).
        """
        if self.field.dim == 2:
            return np.array([1.0 + 0j, np.exp(self.colloc.trace_integral(u, self.field, self.p, self.index))])
        mu = np.linalg.eigvals(self.colloc.monodromy(u, self.field, self.p, self.index))
        k = int(np.argmin(np.abs(mu - 1)))
        return np.concatenate([[mu[k]], np.delete(mu, k)])

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        if self.field.dim < 3:  # a plane has one nontrivial multiplier, exp(int trace J) > 0: no PD, no NS
            return np.array([t[-1], 1.0, 1.0])
        others = self.multipliers(u)[1:]
        pd = np.prod(others + 1).real
        ns = 1.0 + 0j
        for i in range(others.size):
            for j in range(i + 1, others.size):
                ns *= others[i] * others[j] - 1
        return np.array([t[-1], pd, ns.real if others.size > 1 else 1.0])

    def accept(self, u: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.steps += 1
        if self.settings.adapt_every and self.steps % self.settings.adapt_every == 0:
            nodes, _, _ = self.colloc.unpack(u)
            old = self.colloc
            self.colloc, u = old.remesh(u, old.adapted_mesh(nodes))
            t = old.remesh_vector(t, self.colloc)
            t /= np.sqrt(np.dot(self.weights * t, t))
        self.set_reference(u)
        return u, t

    def step_limit(self, u: np.ndarray) -> float:
        """No step longer than the orbit is wide: near a Hopf point a long one can land on the constant
        orbits (an equilibrium with any period), which also solve the equations."""
        nodes, _, _ = self.colloc.unpack(u)
        return max(float(np.max(np.ptp(nodes / self.colloc.span, axis=0))), self.settings.ds)

    def inside(self, u: np.ndarray) -> float:
        """Positive while the parameter is inside its range."""
        par = self.colloc.unpack(u)[2]
        return float(min(par - self.p_range[0], self.p_range[1] - par))

    def stop(self, u: np.ndarray, t: np.ndarray) -> str | None:
        nodes, period, par = self.colloc.unpack(u)
        if period <= 0:
            return "the period fell to zero (the branch slid onto constant orbits)"
        if par < self.p_range[0] or par > self.p_range[1]:
            return "left the parameter range"
        limit = self.settings.max_period or self.settings.period_growth * self.start_period
        if period > limit:
            self.stopped_by = "period"
            return f"the period grew past {limit:.4g} (an orbit of infinite period is near)"
        amplitude = float(np.max(np.ptp(nodes / self.colloc.span, axis=0)))
        # Through a Hopf point the branch would go on as the same orbits shifted by half a period:
        # stop where the amplitude, having grown, passes a minimum close to zero.
        falling, previous = self.amplitudes[-2:] if len(self.amplitudes) > 1 else (np.inf, np.inf)
        self.amplitudes.append(amplitude)
        if previous < falling and amplitude > previous and previous < 0.1 * max(self.amplitudes):
            self.stopped_by = "hopf"
            return "the orbit shrank onto an equilibrium (a Hopf point)"
        return None


def _special(problem: CycleProblem, label: str, u: np.ndarray, variables: list[str], par_names: list[str],
             mu: np.ndarray) -> SpecialPoint | None:
    nodes, period, par = problem.colloc.unpack(u)
    others = mu[1:]
    scale = 1e-4
    if label == "LPC" and np.max(np.ptp(nodes / problem.colloc.span, axis=0)) < 0.1 * max(problem.amplitudes):
        return None  # the parameter turns where the branch passes through its Hopf point
    if label == "PD" and not np.any((np.abs(others + 1) < 1e-2) & (np.abs(others.imag) < scale)):
        return None
    if label == "NS" and not np.any((np.abs(np.abs(others) - 1) < 1e-2) & (np.abs(others.imag) > scale)):
        return None
    q = problem.p.copy()
    q[problem.index] = par
    return SpecialPoint(label, dict(zip(par_names, map(float, q))), dict(zip(variables, map(float, nodes[0]))),
                        period=period, eigenvalues=mu)


def _infinite_period_point(field_: VectorField, problem: CycleProblem, u: np.ndarray,
                           par_names: list[str]) -> SpecialPoint:
    """HOM or SNIC at the end of a branch whose period diverged: which, by the equilibrium the orbit slows at."""
    nodes, period, par = problem.colloc.unpack(u)
    q = problem.p.copy()
    q[problem.index] = par
    compiled = field_.compiled
    speed = np.linalg.norm(compiled.f(nodes.T, q).T / problem.colloc.span, axis=1)
    x = compiled.newton(nodes[int(np.argmin(speed))], q)
    lam = np.linalg.eigvals(compiled.jac1(x, q))
    smallest = np.min(np.abs(lam)) / max(1.0, np.max(np.abs(lam)))
    label = "SNIC" if smallest < 2e-2 else "HOM"
    return SpecialPoint(label, dict(zip(par_names, map(float, q))), dict(zip(field_.variables, map(float, x))),
                        period=period, eigenvalues=lam)


def _branch(field_: VectorField, problem: CycleProblem, curve: arclength.Curve, colloc_history: list,
            par_names: list[str]) -> CycleBranch:
    variables = field_.variables
    pars, periods, mins, maxs, mults, meshes, orbits = [], [], [], [], [], [], []
    n_out = max(c.n_nodes for c in colloc_history)
    for u, colloc in zip(curve.points, colloc_history):
        problem.colloc = colloc
        nodes, period, par = colloc.unpack(u)
        fine = colloc.evaluate(nodes, np.linspace(0, 1, 8 * colloc.mesh.intervals + 1))
        pars.append(par)
        periods.append(period)
        mins.append(fine.min(axis=0))
        maxs.append(fine.max(axis=0))
        mults.append(problem.multipliers(u))
        meshes.append(np.interp(np.linspace(0, 1, n_out), np.linspace(0, 1, colloc.n_nodes), colloc.mesh.nodes))
        orbits.append(colloc.evaluate(nodes, meshes[-1]))
    mults = np.array(mults)
    stable = np.all(np.abs(mults[:, 1:]) < 1 + 1e-6, axis=1) if mults.shape[1] > 1 else np.ones(len(pars), bool)
    special = []
    for event in curve.events:
        problem.colloc = colloc_history[event.index]
        point = _special(problem, event.name, curve.points[event.index], variables, par_names, mults[event.index])
        if point is not None:
            special.append(point)
    problem.colloc = colloc_history[-1]
    if problem.stopped_by == "period":
        end = _infinite_period_point(field_, problem, curve.points[-1], par_names)
        # Close to an orbit of infinite period the parameter is flat to rounding: its wobbles are no folds.
        span = problem.p_range[1] - problem.p_range[0]
        special = [p for p in special if not (p.label == "LPC" and p.period > 5 * problem.start_period and
                                              abs(p.par[par_names[problem.index]] - end.par[par_names[problem.index]])
                                              < 1e-6 * span)]
        special.append(end)
    pars = np.array(pars)
    lo, hi = problem.p_range
    inside = (pars >= lo) & (pars <= hi) & (np.array(periods) > 0)  # the step that ended the branch may be out
    mins, maxs, mults, stable = np.array(mins)[inside], np.array(maxs)[inside], mults[inside], stable[inside]
    pars, periods = pars[inside], np.array(periods)[inside]
    meshes, orbits = np.array(meshes)[inside], np.array(orbits)[inside]
    return CycleBranch(np.array(pars), np.array(periods), {v: mins[:, k] for k, v in enumerate(variables)},
                       {v: maxs[:, k] for k, v in enumerate(variables)}, mults, stable, special, curve.stopped,
                       meshes, orbits, list(variables), par_names[problem.index])


def _trace(field_: VectorField, problem: CycleProblem, u0: np.ndarray, t0: np.ndarray,
           par_names: list[str]) -> CycleBranch:
    curve = arclength.trace(problem, u0, t0, problem.settings)
    return _branch(field_, problem, curve, curve.contexts, par_names)


def cycles_from_hopf(field_: VectorField, hopf: SpecialPoint, p: np.ndarray, index: int,
                     p_range: tuple[float, float], var_ranges: list[tuple[float, float]],
                     settings: CycleSettings | None = None, par_names: list[str] | None = None) -> CycleBranch:
    """The branch of periodic orbits born at the Hopf point ``hopf``."""
    settings = settings or CycleSettings()
    par_names = par_names or [f"p{k}" for k in range(len(p))]
    q = np.array(p, dtype=float)
    q[index] = hopf.par[par_names[index]]
    x = np.array([hopf.state[v] for v in field_.variables])
    omega, vec, _ = hopf_vectors(field_.compiled.jac1(x, q))
    span = np.array([hi - lo for lo, hi in var_ranges])
    problem = CycleProblem(field_, q, index, p_range, span, 2 * np.pi / omega, settings)
    colloc = problem.colloc
    tau = colloc.mesh.nodes
    wave = np.real(vec[None, :] * np.exp(2j * np.pi * tau)[:, None])          # (n_nodes, dim)
    wave /= np.sqrt(np.sum(colloc.node_weights[:, None] * (wave / span) ** 2))
    u0 = colloc.pack(np.repeat(x[None, :], tau.size, axis=0), 2 * np.pi / omega, q[index])
    t0 = np.concatenate([(wave / span).ravel(), [0.0, 0.0]])
    problem.reference = np.repeat(x[None, :], tau.size, axis=0)
    problem.reference_derivative = np.real(vec[None, :] * 2j * np.pi * np.exp(2j * np.pi * tau)[:, None])
    first = None
    for step in settings.ds * 0.25 ** np.arange(4):  # cycles that grow fast in a narrow range need a small start
        first = arclength.correct(problem, u0, t0, step, settings)
        if first is not None:
            break
    if first is None:
        raise ModelUseError(f"the cycle branch at the Hopf point {par_names[index]} = {q[index]:.6g} cannot "
                            f"start: Newton's method did not converge on the first orbit. Try a smaller first "
                            f"step or more mesh intervals.")
    problem.set_reference(first)
    return _trace(field_, problem, first, t0, par_names)


def cycles_from_orbit(field_: VectorField, times: np.ndarray, states: np.ndarray, p: np.ndarray, index: int,
                      p_range: tuple[float, float], var_ranges: list[tuple[float, float]], direction: float = 1.0,
                      settings: CycleSettings | None = None, par_names: list[str] | None = None) -> CycleBranch:
    """The branch through a periodic orbit sampled over one period (``times`` from 0 to the period,
    ``states`` of shape (len(times), dim)), for example from a simulation."""
    settings = settings or CycleSettings()
    par_names = par_names or [f"p{k}" for k in range(len(p))]
    times = np.asarray(times, dtype=float)
    period = float(times[-1] - times[0])
    if not period > 0:
        raise ModelUseError("the orbit must span one period with increasing times.")
    span = np.array([hi - lo for lo, hi in var_ranges])
    q = np.array(p, dtype=float)
    problem = CycleProblem(field_, q, index, p_range, span, period, settings)
    colloc = problem.colloc
    u0 = colloc.pack(colloc.sample((times - times[0]) / period, states), period, q[index])
    problem.set_reference(u0)
    start = arclength.correct_holding_last(problem, u0, settings)
    if start is None:
        raise ModelUseError(f"the orbit at {par_names[index]} = {q[index]:.6g} does not converge to a periodic "
                            f"orbit; give it exactly one period of a settled cycle.")
    problem.set_reference(start)
    t0 = np.zeros(u0.size)
    t0[-1] = direction
    return _trace(field_, problem, start, t0, par_names)
