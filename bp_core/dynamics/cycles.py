"""Continuation of periodic orbits in one parameter by orthogonal collocation, from a Hopf point or
from an orbit found by simulation: period, extremes, Floquet multipliers and stability along the
branch; folds of cycles (LPC), period doublings (PD) and Neimark-Sacker points (NS) located; a
branch whose period grows without bound is stopped and reported as homoclinic or SNIC."""

from __future__ import annotations

import time
import weakref

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.collocation import BorderedProduct, Collocation, Mesh
from bp_core.dynamics.condensation import monodromy
from bp_core.dynamics.cycle_points import LocatedOrbit, branch_test, without_folds_as_branch_points
from bp_core.dynamics.diagram import CycleBranch, SpecialPoint
from bp_core.dynamics.hopf_start import hopf_multipliers, passes_nothing
from bp_core.dynamics.infinite_period import classify_end
from bp_core.dynamics.normal_forms import hopf_vectors
from bp_core.dynamics.unresolved_turns import without_unresolved_turns
from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

__all__ = ["CycleProblem", "CycleSettings", "cycles_from_hopf", "cycles_from_orbit", "cycle_at", "cycle_problem_on"]


class CycleSettings(arclength.Settings):
    """Step control of cycle continuation, with the mesh and when the branch counts as ending at an
    orbit of infinite period.

    Parameters
    ----------
    intervals : int
        Mesh intervals to start with.
    m : int
        Collocation points per interval.
    adapt_every : int
        Steps between mesh adaptations (0: a fixed mesh).
    mesh_tol : float or None
        Largest local error of the collocation polynomial (scaled states) an adapted mesh allows; the
        number of intervals grows or shrinks to meet it, within ``max_intervals``. None keeps the number.
    max_period : float or None
        A period past which the branch stops (default: ``period_growth`` times the first period).
    period_growth : float
        How many times its first period a branch's period may grow to before it is taken to approach
        an orbit of infinite period (SNIC or homoclinic).
    period_step : float
        Largest relative change of the period in one step.
    wall_clock : float or None
        Seconds after which the branch ends where it has got to (None: no limit).
    """

    def __init__(self, intervals: int = 40, m: int = 4, adapt_every: int = 1, mesh_tol: float | None = 1e-3,
                 max_intervals: int = 800, max_period: float | None = None, period_growth: float = 150.0,
                 period_step: float = 0.05, wall_clock: float | None = 60.0, **kwargs):
        kwargs.setdefault("ds", 0.02)
        kwargs.setdefault("ds_max", 0.2)
        kwargs.setdefault("ds_min", 1e-6)
        kwargs.setdefault("max_steps", 400)
        kwargs.setdefault("tol", 1e-9)
        super().__init__(**kwargs)
        self.intervals, self.m, self.adapt_every = intervals, m, adapt_every
        self.mesh_tol, self.max_intervals = mesh_tol, max_intervals
        self.max_period, self.period_growth, self.period_step = max_period, period_growth, period_step
        self.wall_clock = wall_clock


class CycleProblem:
    """The collocation equations with the reference orbit of the phase condition, as an arclength problem."""

    test_names = ("LPC", "PD", "NS", "BPC")
    #: The trivial multiplier's distance from 1 past which the monodromy matrix is taken to have lost the
    #: digits its other multipliers need, and below which it has them again (AUTO-07p's two thresholds).
    inaccurate, accurate_again = 5e-2, 1e-2
    #: The imaginary part past which a multiplier counts as complex (a Neimark-Sacker point's pair).
    complex_part = 1e-4

    def __init__(self, field_: VectorField, p: np.ndarray, index: int, p_range: tuple[float, float],
                 span: np.ndarray, period: float, settings: CycleSettings, mesh: Mesh | None = None):
        self.field = field_.compiled
        self.p = np.array(p, dtype=float)
        self.index = index
        self.p_range = p_range
        self.settings = settings
        self.colloc = Collocation(mesh or Mesh.uniform(settings.intervals, settings.m), self.field.dim, span,
                                  period, p_range[1] - p_range[0])
        self.reference = None
        self.reference_derivative = None
        self.start_period = period
        self.amplitudes: list[float] = []
        self.parameters: list[float] = []
        self.periods: list[float] = []
        self.steps = 0
        self.stopped_by = ""
        self.tangent: np.ndarray | None = None
        self.started = time.perf_counter()
        # Whether the multipliers' tests are followed: off where the last accepted orbit's trivial multiplier
        # is inaccurate, until it is accurate again; and the trivial multiplier's error of the points tested
        # since the last accepted one (by identity), so accepting one does not compute its multipliers again.
        self.detecting = True
        self._trivial_error: dict[int, tuple[np.ndarray, float]] = {}
        # The Jacobian's parts at the last point linearised (the tangent's products, then its tests, ask for
        # the same point), and the multipliers of the points tested, while those arrays live (a located point
        # is kept in the curve and its multipliers are asked for again when the branch is assembled).
        self._linearised: tuple | None = None
        self._multipliers: dict[int, tuple[weakref.ref, Collocation, np.ndarray, np.ndarray]] = {}

    def adapt(self, u: np.ndarray, t: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """``u`` (and the tangent ``t``) moved onto a mesh adapted to its orbit."""
        nodes, _, _ = self.colloc.unpack(u)
        old = self.colloc
        mesh = old.adapted_mesh(nodes, self.settings.mesh_tol, (self.settings.intervals // 2 or 1,
                                                                 self.settings.max_intervals))
        self.colloc, u, t = old.remesh(u, mesh, t)
        if t is not None:
            t /= np.sqrt(np.dot(self.weights * t, t))
        return u, t

    def settle(self, u: np.ndarray, rounds: int = 4) -> np.ndarray | None:
        """The orbit of ``u`` at its parameter, corrected on meshes adapted to it until the mesh meets
        ``mesh_tol`` (or ``rounds`` run out); None if Newton's method fails."""
        for _ in range(rounds):
            n = self.colloc.mesh.intervals
            u, _ = self.adapt(u)
            self.set_reference(u)
            u = arclength.correct_holding_last(self, u, self.settings)
            if u is None:
                return None
            tol = self.settings.mesh_tol
            if tol is None or (self.colloc.mesh.intervals == n and
                               self.colloc.error_estimate(self.colloc.unpack(u)[0]) < tol):
                break
        self.set_reference(u)
        return u

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

    def _parts(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`Collocation.parts` at ``u``, computed once for consecutive questions about the same point."""
        kept = self._linearised
        if (kept is not None and kept[0] is u and kept[1] is self.colloc and kept[2] is self.reference_derivative
                and np.array_equal(kept[3], self.p)):
            return kept[4]
        parts = self.colloc.parts(u, self.field, self.p, self.index, self.reference_derivative)
        self._linearised = (u, self.colloc, self.reference_derivative, self.p.copy(), parts)
        return parts

    def bordered(self, u: np.ndarray, row: np.ndarray) -> BorderedProduct:
        """The bordered Jacobian at ``u`` as products with vectors (the tangent's iterative refinement)."""
        return BorderedProduct(self.colloc, self._parts(u), row)

    def bordered_matrix(self, u: np.ndarray, row: np.ndarray):
        """The bordered Jacobian at ``u``, assembled as a sparse matrix."""
        return self.colloc.bordered(u, self.field, self.p, self.index, self.reference_derivative, row)

    def factor(self, u: np.ndarray, row: np.ndarray):
        """A solve function of :meth:`bordered`'s matrix, by condensing the mesh intervals' interiors."""
        return self.colloc.condensed(u, self.field, self.p, self.index, self.reference_derivative, row)

    def multipliers(self, u: np.ndarray) -> np.ndarray:
        """Floquet multipliers, the trivial one (nearest 1) first.

        In a plane the nontrivial one is ``exp(int trace J dt)`` (Liouville), exact where the
        monodromy matrix's product of transfer matrices loses all digits (relaxation and canard cycles).
        Elsewhere the eigenvalues of the monodromy matrix in the scaled states (similar to the matrix in
        the states), from the derivative blocks Newton's method and the tangent use.
        """
        if self.field.dim == 2:
            return np.array([1.0 + 0j, np.exp(self.colloc.trace_integral(u, self.field, self.p, self.index))])
        kept = self._multipliers.get(id(u))
        if kept is not None and kept[0]() is u and kept[1] is self.colloc and np.array_equal(kept[2], self.p):
            return kept[3]
        kept = self._linearised
        if kept is not None and kept[0] is u and kept[1] is self.colloc and np.array_equal(kept[3], self.p):
            blocks = kept[4][0]
        else:
            nodes, period, par = self.colloc.unpack(u)
            q = self.p.copy()
            q[self.index] = par
            blocks, _ = self.colloc.blocks(nodes, period, q, self.field, scaled=True)
        mu = np.linalg.eigvals(monodromy(blocks))
        k = int(np.argmin(np.abs(mu - 1)))
        mu = np.concatenate([[mu[k]], np.delete(mu, k)])
        self._multipliers[id(u)] = (weakref.ref(u), self.colloc, self.p.copy(), mu)
        return mu

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The fold test (the parameter's tangent component), and the period-doubling, Neimark-Sacker and
        branch-point tests from the Floquet multipliers.

        Where the monodromy matrix's trivial multiplier is more than :attr:`inaccurate` from 1 (strongly
        unstable orbits, near a homoclinic orbit, whose transfer product keeps no digit of its small
        multipliers) and the last accepted orbit's was too, the multipliers' tests are NaN: their signs are
        rounding, and no sign change across such a step is located (as AUTO-07p stops detecting there).
        """
        if self.field.dim < 3:  # a plane has one nontrivial multiplier, exp(int trace J) > 0: no PD, NS, BPC
            return np.array([t[-1], 1.0, 1.0, 1.0])
        mu = self.multipliers(u)
        error = float(abs(mu[0] - 1))
        self._trivial_error[id(u)] = (u, error)
        if not self.detecting and error >= self.accurate_again:
            return np.array([t[-1], np.nan, np.nan, np.nan])
        others = mu[1:]
        pd = np.prod(others + 1).real
        ns = 1.0 + 0j
        for i in range(others.size):
            for j in range(i + 1, others.size):
                # Each factor scaled into the unit disc: a pair crossing the unit circle beside a multiplier of
                # 400 that grows 25-fold across the step made the unscaled product so curved that the locator's
                # secant crept from one side and stopped far from the root (a Neimark-Sacker point missed).
                product = others[i] * others[j]
                ns *= (product - 1) / (abs(product) + 1)
        return np.array([t[-1], pd, ns.real if others.size > 1 else 1.0, branch_test(mu, t[-1])])

    def test_value(self, k: int, u: np.ndarray, t: np.ndarray) -> float:
        """Test ``k`` of :meth:`tests` alone (what the locator asks for): the fold test needs no multipliers."""
        return float(t[-1]) if k == 0 else float(self.tests(u, t)[k])

    def locatable(self, k: int, u: np.ndarray, z: np.ndarray) -> bool:
        """Whether a sign change of test ``k`` from ``u`` to ``z`` can mark its special point. The Neimark-Sacker
        test is the product of ``mu_i mu_j - 1`` over pairs of multipliers, which also changes sign where two real
        multipliers' product passes 1 (a neutral saddle, no bifurcation): with no complex multiplier at either
        end, there is no complex pair on the unit circle between them to locate."""
        if self.test_names[k] != "NS":
            return True
        return any(np.any(np.abs(self.multipliers(x)[1:].imag) > self.complex_part) for x in (u, z))

    def _follow_detection(self, u: np.ndarray) -> None:
        """Detection on or off after accepting ``u``, with AUTO-07p's hysteresis between the two thresholds."""
        if self.field.dim < 3:
            return
        known = self._trivial_error.get(id(u))
        if known is not None and known[0] is u:
            error = known[1]
        else:
            error = float(abs(self.multipliers(u)[0] - 1))
        self._trivial_error.clear()
        # Forget the multipliers of points no longer held (Newton's and the locator's iterates).
        self._multipliers = {key: kept for key, kept in self._multipliers.items() if kept[0]() is not None}
        self.detecting = error <= self.inaccurate if self.detecting else error < self.accurate_again

    def accept(self, u: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.steps += 1
        self._follow_detection(u)
        if self.settings.adapt_every and self.steps % self.settings.adapt_every == 0:
            u, t = self.adapt(u, t)
        self.set_reference(u)
        self.tangent = t
        return u, t

    def step_limit(self, u: np.ndarray) -> float:
        """No step longer than the orbit is wide: near a Hopf point a long one can land on the constant
        orbits (an equilibrium with any period), which also solve the equations."""
        nodes, _, _ = self.colloc.unpack(u)
        width = max(_amplitude(nodes, self.colloc.span), self.settings.ds)
        # Nor one that grows the period by more than its ``period_step`` part: towards a homoclinic orbit
        # folds of cycles can follow each other at every few per cent of the period (a Shilnikov snake).
        growth = abs(self.tangent[-2]) if self.tangent is not None else 0.0
        return min(width, self.settings.period_step / growth) if growth > 0 else width

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
        if period > limit and not self._still_travelling(u, par, period, limit):
            self.stopped_by = "period"
            return f"the period grew past {limit:.4g} (an orbit of infinite period is near)"
        self.parameters.append(par)
        self.periods.append(period)
        budget = self.settings.wall_clock
        if budget is not None and time.perf_counter() - self.started > budget:
            return (f"the wall-clock budget of {budget:g} s ran out after {self.steps} steps; the branch ends "
                    f"here (CycleSettings(wall_clock=...) gives it more time)")
        if self._parameter_converged():
            self.stopped_by = "period"
            return "the parameter stood still to rounding while the period grew (an orbit of infinite period)"
        amplitude = _amplitude(nodes, self.colloc.span)
        # Through a Hopf point the branch would go on as the same orbits shifted by half a period:
        # stop where the amplitude, having grown, passes a minimum close to zero.
        falling, previous = self.amplitudes[-2:] if len(self.amplitudes) > 1 else (np.inf, np.inf)
        self.amplitudes.append(amplitude)
        if previous < falling and amplitude > previous and previous < 0.1 * max(self.amplitudes):
            self.stopped_by = "hopf"
            return "the orbit shrank onto an equilibrium (a Hopf point)"
        return None


    def _still_travelling(self, u: np.ndarray, par: float, period: float, limit: float,
                          reach: float = 20.0) -> bool:
        """Whether a branch past its relative period limit (no ``max_period`` set) goes on, up to ``reach``
        times the limit: while its parameter steps do not yet shrink as a homoclinic orbit's law makes them
        (each less than half the one before) and the end is no SNIC (located at its fold from here). A
        family whose period grows long before its end (a neuron's, from a fast Hopf orbit) is then not cut
        with its end extrapolated from a tail that follows no law yet; the parameter standing still ends it
        (``_parameter_converged``)."""
        if self.settings.max_period is not None or period > reach * limit or len(self.parameters) < 2:
            return False
        width = self.p_range[1] - self.p_range[0]
        last, before = abs(par - self.parameters[-1]), abs(self.parameters[-1] - self.parameters[-2])
        if last < 1e-9 * width or last < 0.5 * before:
            return False
        q = self.p.copy()
        q[self.index] = par
        end = classify_end(self.field, self.colloc.unpack(u)[0], q, self.index,
                           np.array(self.parameters[-3:] + [par]), np.array(self.periods[-3:] + [period]),
                           self.colloc.span, width)
        return end is None or end.label != "SNIC"

    def _parameter_converged(self, points: int = 6) -> bool:
        """Whether over the last ``points`` steps the period grew by a quarter and more while the parameter
        moved less than 1e-10 of its range: towards a homoclinic orbit the parameter converges
        exponentially in the period, and soon only rounding moves it."""
        if len(self.periods) < points or self.periods[-1] < 3 * self.start_period:
            return False
        pars, periods = self.parameters[-points:], self.periods[-points:]
        return (np.ptp(pars) < 1e-10 * (self.p_range[1] - self.p_range[0]) and
                periods[-1] > 1.25 * periods[0] and bool(np.all(np.diff(periods) > 0)))


def _by_variable(values: np.ndarray) -> np.ndarray:
    """States given as rows (one per time) as one contiguous row per variable: numpy reduces along a row many
    times faster than down a column of a narrow array (a twelfth of the time for 1,281 rows of 3), and a
    minimum or maximum is the same whichever way it is taken."""
    return np.ascontiguousarray(values.T)


def _amplitude(nodes: np.ndarray, span: np.ndarray) -> float:
    """The orbit's largest peak-to-peak excursion over its node values (n_nodes, dim), in the scaled states."""
    return float(np.max(np.ptp(_by_variable(nodes / span), axis=1)))


def _special(problem: CycleProblem, label: str, u: np.ndarray, variables: list[str], par_names: list[str],
             mu: np.ndarray, t: np.ndarray | None = None) -> SpecialPoint | None:
    nodes, period, par = problem.colloc.unpack(u)
    others = mu[1:]
    scale = problem.complex_part
    if label in ("LPC", "BPC") and _amplitude(nodes, problem.colloc.span) < 0.1 * max(problem.amplitudes):
        # The parameter turns where the branch passes through its Hopf point; there the multipliers
        # exp(+-i omega T) are a double 1, so the branch-point test vanishes too.
        return None
    if label == "BPC" and (t is None or abs(t[-1]) < 1e-6 * np.sqrt(np.dot(problem.colloc.weights * t, t))):
        # Where the parameter's tangent component vanishes the test p'(1) / t_p has a pole, not a root: a
        # fold whose multiplier at 1 the monodromy matrix misses by rounding (a stiff cycle), or the
        # parameter's wobbles by rounding next to an orbit of infinite period.
        return None
    if label == "BPC" and np.min(np.abs(others - 1)) > max(1e-4, 100 * abs(mu[0] - 1)):
        # Next to a branch point the bordered matrix is singular and Newton's method may fail before the
        # test's root is reached; the point kept is then short of it. A multiplier still clear of 1 by more
        # than the monodromy matrix's own error (the trivial multiplier's distance from 1) is no branch point.
        return None
    if label == "BPC" and abs(mu[0] - 1) > 1e-2:
        # A monodromy matrix whose trivial multiplier is that far from 1 (an orbit stretched by 1e15 and more)
        # says nothing of a second multiplier at 1: no branch point is claimed on it.
        return None
    if label == "PD" and not np.any((np.abs(others + 1) < 1e-2) & (np.abs(others.imag) < scale)):
        return None
    if label == "PD" and np.prod(mu).real < -1e-6:
        # The product of all multipliers is exp(int trace J dt) > 0 (Liouville): a multiplier at -1 beside one
        # at +1 and no other negative one is the monodromy matrix's rounding on a stiff orbit (a fold of
        # bursting cycles), not a period doubling. (A product of rounding size says nothing either way.)
        return None
    if label == "NS" and not np.any((np.abs(np.abs(others) - 1) < 1e-2) & (np.abs(others.imag) > scale)):
        return None
    q = problem.p.copy()
    q[problem.index] = par
    return SpecialPoint(label, dict(zip(par_names, map(float, q))), dict(zip(variables, map(float, nodes[0]))),
                        period=period, eigenvalues=mu,
                        located=LocatedOrbit(problem.colloc, u, t, problem.p.copy(), problem.index))


def _infinite_period_point(problem: CycleProblem, u: np.ndarray, pars: np.ndarray, periods: np.ndarray,
                           variables: list[str], par_names: list[str]) -> SpecialPoint | None:
    """SNIC or HOM at the end of a branch whose period diverged (None when it is neither)."""
    nodes, _, par = problem.colloc.unpack(u)
    q = problem.p.copy()
    q[problem.index] = par
    shrank = np.nonzero(np.diff(periods) <= 0)[0]  # the tail is where the period only grows
    tail = slice(max(shrank[-1] + 1 if shrank.size else 0, len(pars) - 4), None)
    end = classify_end(problem.field, nodes, q, problem.index, pars[tail], periods[tail], problem.colloc.span,
                       problem.p_range[1] - problem.p_range[0])
    if end is None:
        return None
    q[problem.index] = end.par
    # The last orbit is kept: a homoclinic curve in two parameters starts from it at its period.
    return SpecialPoint(end.label, dict(zip(par_names, map(float, q))), dict(zip(variables, map(float, end.state))),
                        period=float(periods[-1]), eigenvalues=end.eigenvalues,
                        located=LocatedOrbit(problem.colloc, u, None, problem.p.copy(), problem.index))


def _flat_planar_turns(events: list, mults: np.ndarray, amplitude: np.ndarray, reach: int = 3) -> set[int]:
    """The indices of the folds of a planar branch that are the parameter's rounding, not folds.

    In a plane the one nontrivial multiplier is ``exp(int trace J dt)``, 1 at a fold of cycles. On a family
    flat in the parameter (a canard's) the parameter wobbles by rounding and its every turn is located as a
    fold, with the multiplier far from 1. Of those, only the one nearest (within ``reach`` points) to where
    the multiplier does pass 1 is kept, for the real fold the flat parameter cannot place better."""
    log_mu = np.log(np.maximum(np.abs(mults[:, 1]), 1e-300))
    large = amplitude > 0.1 * amplitude.max()  # at a Hopf point the multiplier is 1 without a fold
    crossings = [k for k in range(len(log_mu) - 1) if large[k] and large[k + 1] and log_mu[k] * log_mu[k + 1] < 0]
    far = [e.index for e in events if e.name == "LPC" and abs(log_mu[e.index]) > 0.5]
    kept = set()
    for k in crossings:
        near = [i for i in far if min(abs(i - k), abs(i - k - 1)) <= reach]
        if near:
            kept.add(min(near, key=lambda i: (min(abs(i - k), abs(i - k - 1)), abs(log_mu[i]))))
    return set(far) - kept


def _branch(field_: VectorField, problem: CycleProblem, curve: arclength.Curve, colloc_history: list,
            par_names: list[str]) -> CycleBranch:
    variables = field_.variables
    pars, periods, mins, maxs, mults, meshes, orbits = [], [], [], [], [], [], []
    n_out = max(c.n_nodes for c in colloc_history)
    for u, colloc in zip(curve.points, colloc_history):
        problem.colloc = colloc
        nodes, period, par = colloc.unpack(u)
        fine = _by_variable(colloc.dense(nodes, 32))  # extremes from the polynomials, densely within each interval
        pars.append(par)
        periods.append(period)
        mins.append(fine.min(axis=1))
        maxs.append(fine.max(axis=1))
        mults.append(problem.multipliers(u))
        meshes.append(np.interp(np.linspace(0, 1, n_out), np.linspace(0, 1, colloc.n_nodes), colloc.mesh.nodes))
        orbits.append(colloc.evaluate(nodes, meshes[-1]))
    mults = np.array(mults)
    stable = np.all(np.abs(mults[:, 1:]) < 1 + 1e-6, axis=1) if mults.shape[1] > 1 else np.ones(len(pars), bool)
    amplitude = np.max((np.array(maxs) - np.array(mins)) / problem.colloc.span, axis=1)
    # A branch that ended at a Hopf point went through it and back along its own orbits: from the orbit of
    # least amplitude there on, a fold or branch point located is that passage, wherever the locator put it.
    window = min(4, len(amplitude))
    passage = len(amplitude) - window + int(np.argmin(amplitude[-window:])) if problem.stopped_by == "hopf" else None
    unresolved = _flat_planar_turns(curve.events, mults, amplitude) if mults.shape[1] == 2 else set()
    lo, hi = problem.p_range
    # The step that ended the branch may be out; the point located on the boundary is kept from either side of
    # it (the locator's last iterate may lie 1e-13 past it).
    edge = arclength.EDGE * (hi - lo)
    in_range = (np.array(pars) >= lo - edge) & (np.array(pars) <= hi + edge)
    special = []
    for event in curve.events:
        if passage is not None and event.name in ("LPC", "BPC") and event.index >= passage:
            continue
        if not in_range[event.index]:  # located in the step that left the range, past its end
            continue
        if event.index in unresolved:
            continue
        problem.colloc = colloc_history[event.index]
        point = _special(problem, event.name, curve.points[event.index], variables, par_names, mults[event.index],
                         curve.tangents[event.index])
        if point is not None:
            special.append(point)
    special = without_folds_as_branch_points(special, par_names[problem.index],
                                             problem.p_range[1] - problem.p_range[0])
    problem.colloc = colloc_history[-1]
    if problem.stopped_by == "period":
        end = _infinite_period_point(problem, curve.points[-1], np.array(pars), np.array(periods), variables,
                                     par_names)
        if end is not None:
            # Close to an orbit of infinite period the parameter is flat to the continuation's own error: its
            # wobbles are no folds (nor period doublings or branch points beside them).
            name = par_names[problem.index]
            special = without_unresolved_turns(special, name, np.array(pars), np.array(periods), end.par[name],
                                               1e-9 * (problem.p_range[1] - problem.p_range[0]),
                                               3 * problem.start_period)
            special.append(end)
    pars = np.array(pars)
    inside = in_range & (np.array(periods) > 0)
    # Orbits shrunk onto the equilibrium are the equilibrium, not cycles; past the Hopf point's minimum of
    # amplitude the steps are the same orbits again, shifted by half a period.
    inside &= amplitude > 1e-6 * amplitude.max()
    if passage is not None:
        inside[passage + 1:] = False
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
    at_hopf = hopf_multipliers(field_.compiled.jac1(x, q), omega) if field_.dim > 2 else None
    for step in settings.ds * 0.25 ** np.arange(6):  # cycles that grow fast in a narrow range need a small start
        found = arclength.correct(problem, u0, t0, step, settings)
        if found is None:
            if first is None and step > settings.ds * 0.25 ** 3.5:
                continue
            break
        first = found
        # A first orbit whose multipliers' tests differ from the Hopf point's stepped over a period doubling
        # or torus bifurcation, where no test looks (hopf_start.py): start closer.
        if at_hopf is None or passes_nothing(at_hopf, problem.multipliers(first)):
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
    problem, start = _settled_start(field_, times, states, p, index, p_range, var_ranges, settings, par_names)
    t0 = np.zeros(start.size)
    t0[-1] = direction
    return _trace(field_, problem, start, t0, par_names)


def cycle_at(field_: VectorField, times: np.ndarray, states: np.ndarray, p: np.ndarray, index: int, value: float,
             p_range: tuple[float, float], var_ranges: list[tuple[float, float]],
             par_names: list[str] | None = None) -> CycleBranch:
    """The periodic orbit at parameter ``value`` (a branch of one point), from an orbit of the same branch at
    ``p[index]`` nearby (sampled as for :func:`cycles_from_orbit`): Newton's method at the orbit's own
    parameter, where it is a solution, then steps in the parameter to ``value``, halved where Newton's
    method fails, each on a mesh adapted to the orbit."""
    # As many mesh intervals as the orbit comes sampled on (a branch's orbits on its adapted mesh): a bursting
    # orbit of period 900 that took 170 intervals does not settle on the default 40.
    m = CycleSettings().m
    settings = CycleSettings(max_steps=1, intervals=max(CycleSettings().intervals, (len(times) - 1) // m))
    par_names = par_names or [f"p{k}" for k in range(len(p))]
    problem, u = _settled_start(field_, times, states, p, index, p_range, var_ranges, settings, par_names)
    target = value / problem.colloc.par_span
    step = target - u[-1]
    for _ in range(30):
        if u[-1] == target:
            t0 = np.zeros(u.size)
            t0[-1] = 1.0
            return _trace(field_, problem, u, t0, par_names)
        guess = u.copy()
        guess[-1] = target if abs(target - u[-1]) <= abs(step) else u[-1] + step
        corrected = arclength.correct_holding_last(problem, guess, settings)
        corrected = problem.settle(corrected) if corrected is not None else None
        if corrected is None:
            step /= 2
            problem.set_reference(u)
        else:
            u = corrected
    raise ModelUseError(f"the cycle cannot be followed from {par_names[index]} = {p[index]:.8g} to {value:.8g}: "
                        f"Newton's method failed even on short steps. Pick the branch point nearest the value "
                        f"(index) on the same side of any fold of cycles.")


def _settled_start(field_: VectorField, times: np.ndarray, states: np.ndarray, p: np.ndarray, index: int,
                   p_range: tuple[float, float], var_ranges: list[tuple[float, float]], settings: CycleSettings,
                   par_names: list[str]) -> tuple[CycleProblem, np.ndarray]:
    """The problem and the corrected orbit sampled by ``times`` and ``states``, on a mesh adapted to it."""
    times = np.asarray(times, dtype=float)
    period = float(times[-1] - times[0])
    if not period > 0:
        raise ModelUseError("the orbit must span one period with increasing times.")
    span = np.array([hi - lo for lo, hi in var_ranges])
    q = np.array(p, dtype=float)
    tau = (times - times[0]) / period
    mesh = Mesh.along(tau, states / span, settings.intervals, settings.m)
    problem = CycleProblem(field_, q, index, p_range, span, period, settings, mesh)
    colloc = problem.colloc
    u0 = colloc.pack(colloc.sample(tau, states), period, q[index])
    problem.set_reference(u0)
    start = arclength.correct_holding_last(problem, u0, settings)
    if start is not None and settings.adapt_every:
        start = problem.settle(start)
    if start is None:
        raise ModelUseError(f"the orbit at {par_names[index]} = {q[index]:.6g} does not converge to a periodic "
                            f"orbit; give it exactly one period of a settled cycle.")
    problem.set_reference(start)
    return problem, start


def cycle_problem_on(field_: VectorField, located: LocatedOrbit, par_range: tuple[float, float], span: np.ndarray,
                     max_step: float, max_points: int) -> CycleProblem:
    """The cycle problem of a located orbit, on its own mesh and without adapting it: the base of the
    two-parameter curves (PD, NS, homoclinic) that extend the collocation system at that orbit."""
    settings = CycleSettings(adapt_every=0, ds=max_step / 4, ds_max=max_step, max_steps=max_points)
    cycles = CycleProblem(field_, located.p.copy(), 0, par_range, span, located.colloc.period_scale, settings,
                          located.colloc.mesh)
    cycles.colloc = located.colloc
    cycles.set_reference(located.u)
    return cycles
