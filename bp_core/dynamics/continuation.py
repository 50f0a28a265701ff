"""Continuation of equilibria in one parameter, for any number of variables: eigenvalues along the
branch, folds (LP) located where the parameter turns, branch points (BP) where another branch of
equilibria crosses, Hopf points (H) where a complex pair crosses the imaginary axis, with their
normal-form coefficients; and branch switching at a branch point."""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.branch_point_location import locate_branch_point
from bp_core.dynamics.diagram import Branch, SpecialPoint, polyline_distance
from bp_core.dynamics.fixed_points import classify_many
from bp_core.dynamics.normal_forms import first_lyapunov, fold_coefficient, hopf_test
from bp_core.dynamics.vector_field import VectorField

__all__ = ["EquilibriumProblem", "continue_branch", "locate_branch_point", "special_point", "switch_branch",
           "MAX_STEP", "CLOSED", "JOINED"]

#: The longest step of an equilibrium branch, in coordinates scaled by the ranges: where the branch is
#: straight and Newton converges at once, steps grow to this (twenty to the parameter's range).
MAX_STEP = 0.05
#: The finest resolution the tests are checked at along a step, as a fraction of the parameter's range: a
#: smaller ``par_resolution`` is taken as this one (special points closer together may be missed).
FINEST = 1e-4
#: Why a branch ended: it came back to its start, or it reached a branch already computed.
CLOSED, JOINED = "closed on itself", "joins a branch already computed"
#: How far (scaled) a switched branch goes from its branch point before it is compared with known branches.
JOINS_AFTER = 0.1


class EquilibriumProblem:
    """``f(x; p) = 0`` in coordinates scaled by the variables' and the parameter's ranges."""

    def __init__(self, field_: VectorField, p: np.ndarray, index: int, p_range: tuple[float, float],
                 var_ranges: list[tuple[float, float]], start: np.ndarray | None = None):
        self.field = field_.compiled
        self.p = np.array(p, dtype=float)
        self.index = index
        self.span_x = np.array([hi - lo for lo, hi in var_ranges])
        self.span_p = p_range[1] - p_range[0]
        self.scale = np.append(self.span_x, self.span_p)
        self.p_range = p_range
        self.box = [(a - 0.5 * (b - a), b + 0.5 * (b - a)) for a, b in var_ranges]
        self.weights = np.ones(self.field.dim + 1)
        self.test_names = ("LP", "BP", "H") if self.field.dim > 1 else ("LP", "BP")
        self.refined = ("BP",)  # located by locate_branch_point, where the driver's Newton steps fail
        self.start = start
        self.steps = 0
        self.closing_distance = np.inf
        self._previous: np.ndarray | None = None  # the point accepted before the last one
        # ``joins(x, p)``: whether the point lies on a branch already computed; asked when the branch is first
        # ``joins_after`` (scaled) from its start, so a branch known already is not traced again.
        self.joins: Callable[[np.ndarray, float], bool] | None = None
        self.joins_after = np.inf
        self._last_jacobians: tuple[bytes, np.ndarray, np.ndarray] | None = None

    def unscale(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """State and full parameter vector of the scaled point ``u``."""
        q = self.p.copy()
        q[self.index] = u[-1] * self.span_p
        return u[:-1] * self.span_x, q

    def context(self) -> None:
        return None

    def residual(self, u: np.ndarray) -> np.ndarray:
        return self.field.f1(*self.unscale(u))

    def _jacobians(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``f_x`` and the scaled ``[f_x f_p]`` at ``u``. The last point's are kept: each accepted step asks
        for them three times at its end point (the tangent and both tests)."""
        key = u.tobytes()
        if self._last_jacobians is None or self._last_jacobians[0] != key:
            x, q = self.unscale(u)
            jac, dfdp = self.field.jac_dfdp1(x, q)
            jp = dfdp[:, self.index:self.index + 1] * self.span_p
            self._last_jacobians = (key, jac, np.hstack([jac * self.span_x[None, :], jp]))
        return self._last_jacobians[1], self._last_jacobians[2]

    def jacobian(self, u: np.ndarray) -> np.ndarray:
        return self._jacobians(u)[1]

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        # LP: the parameter's component of the tangent, which turns sign where the parameter turns.
        # BP: the determinant of the augmented Jacobian [f_x f_p; t^T]. It vanishes where [f_x f_p] loses
        # rank, and changes sign at a simple branch point (the tangent passes straight through); at a fold
        # [f_x f_p] keeps full rank and the determinant keeps its sign, while the LP test changes sign.
        jac, scaled = self._jacobians(u)
        bp = float(np.linalg.det(np.vstack([scaled, t[None, :]])))
        if self.field.dim == 1:
            return np.array([t[-1], bp])
        return np.array([t[-1], bp, hopf_test(np.linalg.eigvals(jac))])

    def test_value(self, k: int, u: np.ndarray, t: np.ndarray) -> float:
        """Test ``k`` of :meth:`tests` alone, for the locator: a fold's needs no determinant or eigenvalues."""
        if k == 0:
            return float(t[-1])
        jac, scaled = self._jacobians(u)
        if k == 1:
            return float(np.linalg.det(np.vstack([scaled, t[None, :]])))
        return hopf_test(np.linalg.eigvals(jac))

    def tests_at(self, points: np.ndarray, directions: np.ndarray) -> np.ndarray:
        """The tests at many points (rows) at once: the determinants and eigenvalues of all of them in one
        call each (``step_control`` checks the inside of long steps with them)."""
        m, n = points.shape[0], self.field.dim
        augmented = np.empty((m, n + 1, n + 1))
        augmented[:, n, :] = directions
        q = self.p.copy()
        x = points[:, :-1] * self.span_x
        for k in range(m):
            q[self.index] = points[k, -1] * self.span_p
            jac, dfdp = self.field.jac_dfdp1(x[k], q)
            augmented[k, :n, :n] = jac
            augmented[k, :n, n] = dfdp[:, self.index]
        jacs = augmented[:, :n, :n].copy()
        augmented[:, :n, :n] *= self.span_x[None, None, :]
        augmented[:, :n, n] *= self.span_p
        bp = np.linalg.det(augmented)
        if n == 1:
            return np.column_stack([directions[:, -1], bp])
        lam = np.linalg.eigvals(jacs)
        i, j = _pairs(n)
        return np.column_stack([directions[:, -1], bp, np.prod(lam[:, i] + lam[:, j], axis=1).real])

    def accept(self, u: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.steps += 1
        return u, t

    def inside(self, u: np.ndarray) -> float:
        """Positive while the parameter is inside its range."""
        par = u[-1] * self.span_p
        return float(min(par - self.p_range[0], self.p_range[1] - par))

    def stop(self, u: np.ndarray, t: np.ndarray) -> str | None:
        x, q = self.unscale(u)
        par = q[self.index]
        if par < self.p_range[0] or par > self.p_range[1]:
            return "left the parameter range"
        if any(not (a <= xi <= b) for xi, (a, b) in zip(x, self.box)):
            return "left the variables' ranges"
        previous, self._previous = self._previous, u
        if self.start is not None and self.steps > 10 and previous is not None:
            # The last step's chord passes the start (steps grow: the start may lie between two points).
            reach = max(self.closing_distance, 0.05 * float(np.linalg.norm(u - previous)))
            if polyline_distance(np.array([previous, u]), self.start) < reach:
                return CLOSED
        if self.joins is not None and np.linalg.norm(u - self.start) > self.joins_after:
            # Asked twice, the second time twice as far: a branch that only crosses a known one there (at
            # another branch point) is not taken for it.
            if not self.joins(x, par):
                self.joins = None
            elif self.joins_after > 1.5 * JOINS_AFTER:
                return JOINED
            self.joins_after *= 2
        return None


def special_point(field_: VectorField, label: str, x: np.ndarray, q: np.ndarray,
                  par_names: list[str]) -> SpecialPoint | None:
    """The special point ``label`` at ``(x, q)`` with its eigenvalues and normal-form coefficient;
    None for a sign change that is not one (a neutral saddle has l + l' = 0 with real l)."""
    compiled = field_.compiled
    jac = compiled.jac1(x, q)
    lam = np.linalg.eigvals(jac)
    scale = max(1.0, float(np.max(np.abs(lam))))
    coefficient = float("nan")
    if label == "H":
        pairs = [v for v in lam if v.imag > 1e-8 * scale and abs(v.real) < 1e-5 * scale]
        if not pairs:
            return None
        second, third = compiled.tensors(x, q)
        coefficient = first_lyapunov(jac, second, third)[0]
    elif label == "LP":
        second = compiled.second_derivative(x, q)
        coefficient = fold_coefficient(jac, second)
    return SpecialPoint(label, dict(zip(par_names, map(float, q))), dict(zip(field_.variables, map(float, x))),
                        eigenvalues=lam, coefficient=coefficient)


def continue_branch(field_: VectorField, x0: np.ndarray, p: np.ndarray, index: int, p_range: tuple[float, float],
                    var_ranges: list[tuple[float, float]], max_step: float, direction: float = 1.0,
                    max_points: int = 20000, par_names: list[str] | None = None) -> Branch:
    """Follow the equilibrium ``x0`` as parameter ``index`` of ``p`` changes, by pseudo-arclength.

    Steps are measured in coordinates scaled by the ranges. They grow where Newton's method converges
    at once and the branch is straight (up to ``MAX_STEP``), and shrink where it turns or converges slowly
    (``step_control``); ``max_step`` (in the parameter's units) is the resolution: special points are located
    as with steps of ``max_step``, and a step longer than it is checked for sign changes of the tests at
    points ``max_step`` apart, so it misses no more than a step of ``max_step`` would.
    """
    p = np.array(p, dtype=float)
    problem = EquilibriumProblem(field_, p, index, p_range, var_ranges)
    u0 = np.append(x0, p[index]) / problem.scale
    t0 = np.zeros(u0.size)
    t0[-1] = direction
    return _trace_branch(field_, problem, u0, t0, max_step, max_points, par_names)


def switch_branch(field_: VectorField, point: SpecialPoint, along: np.ndarray, p: np.ndarray, index: int,
                  p_range: tuple[float, float], var_ranges: list[tuple[float, float]], max_step: float,
                  max_points: int = 20000, par_names: list[str] | None = None,
                  known: Callable[[np.ndarray, float], bool] | None = None) -> Branch | None:
    """The other branch of equilibria through the branch point ``point``, followed both ways from it.

    ``along`` is the direction ``(dx, dp)`` of the known branch at the point. At a simple branch point
    the null space of ``[f_x f_p]`` is two-dimensional; its direction orthogonal to the known branch
    starts the other one (AUTO's ISW = -1): a pseudo-arclength step along it cannot converge back onto
    the known branch, which runs parallel to the step's hyperplane. None where the point is not a
    simple branch point or no step off it converges, and where ``known(x, p)`` says the point of
    either half farthest from the branch point lies on a branch already computed.
    """
    p = np.array(p, dtype=float)
    par_names = par_names or [f"p{k}" for k in range(p.size)]
    problem = EquilibriumProblem(field_, p, index, p_range, var_ranges)
    x = np.array([point.state[v] for v in field_.variables])
    u_bp = np.append(x, point.par[par_names[index]]) / problem.scale
    _, sigma, vt = np.linalg.svd(problem.jacobian(u_bp))
    h_max = max_step / problem.span_p
    direction = np.asarray(along, dtype=float) / problem.scale
    # The rank is judged against the Jacobian's size a step away along the known branch as well: with one
    # variable, [f_x f_p] is a single row that vanishes altogether at a branch point (to 1e-29, say), and its
    # own largest singular value is no scale for its smallest.
    size = max(sigma[0], float(np.linalg.norm(problem.jacobian(u_bp + h_max * direction / np.linalg.norm(direction)))))
    if sigma[-1] > 1e-5 * max(size, 1e-300):
        return None  # [f_x f_p] has full rank: one branch passes here, there is nothing to switch to
    null = vt[-2:]
    c = null @ direction
    other = -c[1] * null[0] + c[0] * null[1]
    other /= np.linalg.norm(other)
    settings = arclength.Settings(ds=h_max, ds_max=h_max, ds_min=h_max * 1e-6)
    halves = []
    for sign in (-1.0, 1.0):
        start = None
        for s in (0.5 * h_max, 0.1 * h_max, 0.02 * h_max):
            start = arclength.correct(problem, u_bp, sign * other, s, settings)
            if start is not None:
                break
        if start is None:
            return None
        other_half = EquilibriumProblem(field_, p, index, p_range, var_ranges)
        # Judged far from the branch point, where the branch it came from is no longer near; a branch known
        # already is given up there, not traced to its end first.
        other_half.joins, other_half.joins_after = known, JOINS_AFTER
        half = _trace_branch(field_, other_half, start, start - u_bp, max_step, max_points, par_names, first=u_bp)
        if half.stopped == JOINED:
            return None
        if known is not None and len(half.par) > 1:
            far = int(np.argmax(np.linalg.norm(np.column_stack([half.states, half.par]) / problem.scale - u_bp,
                                               axis=1)))
            if known(half.states[far], float(half.par[far])):
                return None
        halves.append(half)
        if half.stopped == CLOSED:  # a closed curve through the branch point: the other way round is the same
            half.special.insert(0, point)
            return half
    backward, forward = halves
    joined = join_halves(backward, forward)
    joined.special.insert(len(backward.special), point)
    return joined


def join_halves(backward: Branch, forward: Branch) -> Branch:
    """One branch from the two halves continued from the same start."""
    return Branch(np.concatenate([backward.par[::-1], forward.par[1:]]),
                  np.concatenate([backward.states[::-1], forward.states[1:]]),
                  backward.stability[::-1] + forward.stability[1:],
                  np.concatenate([backward.eigenvalues[::-1], forward.eigenvalues[1:]]),
                  backward.special[::-1] + forward.special, f"{backward.stopped}; {forward.stopped}")


def _trace_branch(field_: VectorField, problem: EquilibriumProblem, u0: np.ndarray, t0: np.ndarray,
                  max_step: float, max_points: int, par_names: list[str] | None,
                  first: np.ndarray | None = None) -> Branch:
    """The branch traced from the scaled point ``u0`` along ``t0``, preceded by the point ``first`` if given."""
    p, index, p_range = problem.p, problem.index, problem.p_range
    par_names = par_names or [f"p{k}" for k in range(p.size)]
    problem.start = u0
    # A finer resolution than FINEST would have each long step checked at up to 0.05 / resolution points (a
    # par_resolution of 1e-9 on a range of 7: 3.5e8 per step, minutes of work for one step).
    resolution = max(max_step / problem.span_p, FINEST)
    problem.closing_distance = resolution / 2
    settings = arclength.Settings(ds=resolution, ds_max=max(MAX_STEP, resolution), ds_min=resolution * 1e-6,
                                  max_steps=max_points, adapt=True, resolution=resolution)
    curve = arclength.trace(problem, u0, _start_direction(problem, u0, t0), settings)
    scaled = ([first] if first is not None else []) + list(curve.points)
    shift = 0 if first is None else 1
    points = np.array(scaled) * problem.scale
    states, pars = points[:, :-1], points[:, -1]
    # The point located on the range's boundary is kept from either side of it: dropped (Sel'kov's end 2.1e-11
    # past it), the branch stopped a step short, and a seed at the boundary started the same branch again.
    edge = arclength.EDGE * (p_range[1] - p_range[0])
    keep = (pars >= p_range[0] - edge) & (pars <= p_range[1] + edge)
    jacobians = np.empty((len(pars), states.shape[1], states.shape[1]))
    q = p.copy()
    for k, (x, par) in enumerate(zip(states, pars)):
        q[index] = par
        jacobians[k] = field_.compiled.jac1(x, q)
    eigs, labels = classify_many(jacobians)  # every point's eigenvalues in one call
    special = []
    for event in _distinct_events(curve):
        if keep[event.index + shift]:
            u = curve.points[event.index]
            if event.name == "BP":
                located = locate_branch_point(problem, u)
                u = u if located is None else located
            point = special_point(field_, event.name, *problem.unscale(u), par_names)
            if point is not None:
                special.append(point)
    labels = [lab for lab, k in zip(labels, keep) if k]
    return Branch(pars[keep], states[keep], labels, np.array(eigs)[keep], special, curve.stopped)


def _start_direction(problem: EquilibriumProblem, u0: np.ndarray, t0: np.ndarray) -> np.ndarray:
    """``t0``, or where ``t0`` is orthogonal to the branch (a seed exactly at a fold, where the branch is
    vertical) the null vector of ``F_u`` at ``u0``, oriented by its largest component and the sign of
    ``t0``'s components, so the first tangent is well posed."""
    _, _, vt = np.linalg.svd(problem.jacobian(u0))
    v = vt[-1]
    along = float(np.dot(v, t0))
    if abs(along) < 1e-6 * np.linalg.norm(t0):
        k = int(np.argmax(np.abs(v)))
        return v * np.sign(v[k]) * np.sign(np.sum(t0))
    return t0


def _distinct_events(curve: arclength.Curve) -> list[arclength.Event]:
    """The curve's events less the LPs found in the same step as a BP: where a branch turns at the point
    it crosses another (the nontrivial branch of a pitchfork), the parameter's tangent component changes
    sign too, but the point is a branch point, not a fold. (Points located in one step are consecutive
    in the curve, with no step's own end point between them.) Less, too, the LPs of a vertical branch."""
    located = {e.index for e in curve.events}
    steps = [e.index for e in curve.events if e.name == "BP"]

    def beside_bp(index: int) -> bool:
        return any(all(k in located for k in range(min(index, b), max(index, b) + 1)) or
                   abs(index - b) <= 1 for b in steps)

    def vertical(index: int) -> bool:
        # The parameter's tangent component is rounding on both sides of the step: a branch at one
        # parameter value (a line of equilibria), whose sign changes are noise, not turns.
        before, after = index, index
        while before > 0 and before in located:
            before -= 1
        while after < len(curve.points) - 1 and after in located:
            after += 1
        return max(abs(curve.tests[before][0]), abs(curve.tests[after][0])) < 1e-9

    return [e for e in curve.events if e.name != "LP" or not (beside_bp(e.index) or vertical(e.index))]


@lru_cache(maxsize=None)
def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The index pairs ``i < j`` of ``n`` eigenvalues (``numpy.triu_indices``, which costs more than the tests
    it serves on a small system, made once per dimension)."""
    i, j = np.triu_indices(n, 1)
    i.flags.writeable = j.flags.writeable = False
    return i, j
