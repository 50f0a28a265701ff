"""Pseudo-arclength continuation of the solution curve of ``F(u) = 0``, ``F: R^N -> R^(N-1)``.

One driver serves every curve bp_core follows (equilibria, periodic orbits, fold and
Hopf curves): a problem gives its residual, Jacobian (dense or sparse), the inner
product the step is measured in, and test functions whose sign changes mark special
points. Each special point is located by the Illinois variant of regula falsi on the
step length and inserted into the curve, so the curve passes through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from bp_core.dynamics import time_budget
from bp_core.dynamics.step_control import first_change, next_step

__all__ = ["ContinuationProblem", "Settings", "Curve", "Event", "trace", "correct", "correct_holding_last",
           "EDGE"]

#: The point a curve ends on where it leaves its parameter range is located to the locator's precision, and may lie
#: this fraction of the range past the boundary: a curve's points within it of the range are inside.
EDGE = 1e-10


class ContinuationProblem(Protocol):
    """What the driver needs of a curve's defining system."""

    weights: np.ndarray           # inner product <a, b> = sum(weights * a * b)
    test_names: tuple[str, ...]   # one name per test function

    def residual(self, u: np.ndarray) -> np.ndarray: ...

    def jacobian(self, u: np.ndarray): ...

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray: ...

    def accept(self, u: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def stop(self, u: np.ndarray, t: np.ndarray) -> str | None: ...

    def context(self) -> object: ...

    # Optional: ``step_limit(u)``, the longest next step from ``u``; ``bordered(u, row)``, the bordered
    # Jacobian as a sparse CSC matrix (factorised in a fill-reducing order; where the problem has ``factor``,
    # anything whose ``@`` multiplies a vector, for the tangent's refinement); ``factor(u, row)``, a solve
    # function of that bordered Jacobian (used instead of a sparse LU of it); ``test_value(k, u, t)``, test ``k``
    # alone (for the locator, where one test costs less than all); ``inside(u)``, positive
    # inside the region the curve is followed in (the parameter range), so its end is located on the boundary;
    # ``refined``, names of tests whose point the problem locates itself afterwards, so a sign change is
    # recorded at the end of its step when the driver cannot locate it; ``tests_at(points, directions)``, the
    # tests at many points at once (rows), for the checks inside long steps (``Settings.resolution``);
    # ``locatable(k, u, z)``, False where a sign change of test ``k`` between the points ``u`` and ``z`` marks no
    # special point (it is then neither located nor recorded).


@dataclass
class Settings:
    """Step control: step lengths in the problem's inner product, Newton's tolerance and budget."""

    ds: float = 0.01
    ds_min: float = 1e-7
    ds_max: float = 0.05
    max_steps: int = 2000
    tol: float = 1e-10
    max_newton: int = 8
    locate: bool = True
    # Growing steps (``step_control``): with ``adapt`` the step follows Newton's convergence and the curve's
    # turning (about ``max_turn`` radians per step) up to ``ds_max``; with ``resolution`` > 0, steps longer than
    # it are checked for sign changes of the tests at points ``resolution`` apart and retraced in steps of
    # ``resolution`` where one is seen. Off by default: a curve steps at ``ds`` growing by 30 % to ``ds_max``.
    adapt: bool = False
    resolution: float = 0.0
    max_turn: float = 0.1


@dataclass
class Event:
    """A special point found on the curve: the test that changed sign and the index of the point."""

    name: str
    index: int


@dataclass
class Curve:
    """The points of a traced curve, their tangents and test values, its events and why it ended."""

    points: list[np.ndarray]
    tangents: list[np.ndarray]
    tests: np.ndarray
    events: list[Event] = field(default_factory=list)
    stopped: str = ""
    contexts: list = field(default_factory=list)


class _Solver:
    """Newton's method on the bordered system [F(z); <t, z - z0> - s] = 0."""

    def __init__(self, problem: ContinuationProblem, settings: Settings):
        self.problem, self.settings = problem, settings
        self.last_solve = None  # the factorisation of Newton's last iteration
        self.last_iterations = 0  # how many iterations Newton's last successful correction took

    def _factor(self, z: np.ndarray, row: np.ndarray):
        factor = getattr(self.problem, "factor", None)
        if factor is not None:  # the problem factorises its bordered Jacobian itself (a structured solve)
            return factor(z, row)
        bordered = getattr(self.problem, "bordered", None)
        if bordered is not None:
            # The problem builds the bordered sparse matrix itself, in CSC order. Collocation's is
            # block-banded with a few dense borders; in its natural order partial pivoting pulls rows across
            # the band and fills the factors up to ten times over; a minimum-degree order of A^T + A keeps
            # the fill near the matrix's own size on every mesh.
            from scipy.sparse.linalg import splu

            return splu(bordered(z, row), permc_spec="MMD_AT_PLUS_A").solve
        jac = self.problem.jacobian(z)
        if hasattr(jac, "tocsc"):  # a scipy sparse matrix (told apart without importing scipy)
            # imported here: equilibria and cycles condensed interval by interval never build a sparse matrix, and
            # a new process then spares scipy's import (a quarter of a second)
            from scipy import sparse
            from scipy.sparse.linalg import splu

            lu = splu(sparse.vstack([jac, sparse.csr_matrix(row[None, :])]).tocsc())
            return lu.solve
        matrix = np.vstack([jac, row[None, :]])
        return lambda rhs: np.linalg.solve(matrix, rhs)

    def correct(self, u0: np.ndarray, t0: np.ndarray, s: float) -> np.ndarray | None:
        """The point of the curve at arclength ``s`` from ``u0`` along ``t0`` (None if Newton fails).

        Chord iterations (one factorisation, renewed when an iteration contracts by less than a quarter);
        where they run out while still contracting, full Newton iterations from their last iterate finish
        the step. On long, sharply turning branches (bursting cycles) the chord contracts steadily but too
        slowly to reach the tolerance in the iterations allowed; without the second phase the step would
        be halved although the iteration converges. The second phase starts where the chord has led and
        only when it was converging, so it reaches the point the chord was approaching, never another
        branch; a step the chord settles on its own is unchanged.
        """
        w = self.problem.weights
        row = w * t0
        z = u0 + s * t0
        solve, last, contracting = None, np.inf, 0
        for iteration in range(2 * self.settings.max_newton):
            chord = iteration < self.settings.max_newton
            if not chord and contracting < 2:  # the chord ran out without converging steadily: give up
                return None
            rhs = np.append(self.problem.residual(z), np.dot(row, z - u0) - s)
            if not np.all(np.isfinite(rhs)):
                return None
            try:
                solve = solve if chord and solve is not None else self._factor(z, row)
                delta = solve(rhs)
                size = np.max(np.abs(delta))
                if chord and size > 0.25 * last:  # the chord step converges too slowly: factor afresh
                    solve = self._factor(z, row)
                    delta = solve(rhs)
                    size = np.max(np.abs(delta))
            except (np.linalg.LinAlgError, RuntimeError):
                return None
            contracting = contracting + 1 if size <= 0.25 * last else 0
            last = size
            z = z - delta
            if size <= self.settings.tol * (1.0 + np.max(np.abs(z))):  # size: the largest |delta|
                if np.max(np.abs(self.problem.residual(z))) < 1e-6:
                    self.last_solve = solve
                    self.last_iterations = iteration + 1
                    return z
        return None

    def tangent(self, u: np.ndarray, previous: np.ndarray, solve=None) -> np.ndarray:
        """Unit tangent at ``u``, oriented along ``previous``.

        ``solve`` is a factorisation of the bordered Jacobian at a point near ``u`` (Newton's last);
        two steps of iterative refinement against the exact matrix at ``u`` then make the tangent as
        accurate as a new factorisation would, at the cost of two products with that matrix.
        """
        w = self.problem.weights
        row = w * previous
        rhs = np.zeros(u.size)
        rhs[-1] = 1.0
        bordered = getattr(self.problem, "bordered", None)
        if solve is None or bordered is None:
            t = self._factor(u, row)(rhs)
        else:
            matrix = bordered(u, row)
            t = solve(rhs)
            for _ in range(2):
                t = t + solve(rhs - matrix @ t)
        t /= np.sqrt(np.dot(w * t, t))
        return t if np.dot(w * t, previous) >= 0 else -t


def trace(problem: ContinuationProblem, u0: np.ndarray, t0: np.ndarray, settings: Settings) -> Curve:
    """Follow the curve from ``u0`` in direction ``t0`` until the problem says stop or steps run out.

    ``u0`` must satisfy ``F(u0) = 0``; ``t0`` is a first guess of the tangent there.
    """
    solver = _Solver(problem, settings)
    t0 = t0 / np.sqrt(np.dot(problem.weights * t0, t0))
    t = solver.tangent(u0, t0)
    u = u0
    points, tangents, tests, contexts = [u], [t], [problem.tests(u, t)], [problem.context()]
    events: list[Event] = []
    # The locator evaluates one test at a time: the problem's ``test_value(k, u, t)`` where it has one (a test that
    # is cheap alone, such as a fold's, need not wait for the others).
    one_test = getattr(problem, "test_value", None) or (lambda k, z, tz: problem.tests(z, tz)[k])
    # A sign change the problem knows to mark no special point (``locatable(k, u, z)``) is not located.
    worth = getattr(problem, "locatable", None) or (lambda k, a, b: True)
    h = settings.ds
    fine = 0.0  # arclength still to go in steps of ``settings.resolution`` (a sign change was seen ahead)
    stopped = "the step budget ran out"
    while len(points) < settings.max_steps:
        if time_budget.expired():  # the call following this curve is out of time: it ends where it has got to
            stopped = time_budget.reason()
            break
        z = solver.correct(u, t, h)
        tz = solver.tangent(z, t, solver.last_solve) if z is not None else None
        # A sharp turn may be a jump to another curve (the weights: the mesh in force may have changed size).
        if z is None or np.dot(problem.weights * tz, t) < 0.8:
            h /= 2
            if h < settings.ds_min:
                stopped = "no convergence even with the smallest step"
                break
            continue
        iterations, cos_turn = solver.last_iterations, float(np.dot(problem.weights * tz, t))
        value = problem.tests(z, tz)
        if settings.resolution > 0 and fine <= 0:
            back = first_change(problem, u, t, z, tz, h, settings.resolution, tests[-1], value)
            if back is not None:  # a sign change inside a long step: approach it in steps of the resolution
                fine = h - back + settings.resolution
                h = max(settings.resolution, back)
                continue
        changed = np.nonzero(np.sign(value) * np.sign(tests[-1]) < 0)[0]
        at_end = []
        for k in sorted(changed, key=lambda k: _root_fraction(tests[-1][k], value[k])):
            located = _locate(solver, lambda z, tz, k=k: one_test(k, z, tz), u, t, h, tests[-1][k],
                              value[k]) if settings.locate and worth(k, u, z) else None
            if located is not None:
                points.append(located[0])
                tangents.append(located[1])
                tests.append(problem.tests(*located))
                contexts.append(problem.context())
                events.append(Event(problem.test_names[k], len(points) - 1))
            elif problem.test_names[k] in getattr(problem, "refined", ()):
                # Newton may fail right at the point (a branch point makes the bordered matrix singular);
                # the problem locates such a point itself, from the end of the step.
                at_end.append(problem.test_names[k])
        inside = getattr(problem, "inside", None)
        if inside is not None and inside(z) < 0 <= inside(u):
            # The curve leaves the region: end it on the boundary, not a step short of it or beyond.
            end = _locate(solver, lambda y, ty: inside(y), u, t, h, inside(u), inside(z))
            if end is not None:
                points.append(end[0])
                tangents.append(end[1])
                tests.append(problem.tests(*end))
                contexts.append(problem.context())
                stopped = "reached the end of the parameter range"
                break
        z, tz = problem.accept(z, tz)
        u, t = z, tz
        points.append(u)
        tangents.append(t)
        tests.append(value)
        contexts.append(problem.context())
        events += [Event(name, len(points) - 1) for name in at_end]
        reason = problem.stop(u, t)
        if reason:
            stopped = reason
            break
        if fine > 0:
            fine = 0.0 if len(changed) else fine - h
        grown = next_step(h, iterations, cos_turn, settings.max_turn) if settings.adapt else h * 1.3
        if fine > 0:
            grown = min(grown, settings.resolution)
        h = min(grown, settings.ds_max, getattr(problem, "step_limit", lambda u: np.inf)(u))
    return Curve(points, tangents, np.array(tests), events, stopped, contexts)


def correct(problem: ContinuationProblem, u0: np.ndarray, t0: np.ndarray, s: float,
            settings: Settings) -> np.ndarray | None:
    """One Newton correction: the solution with ``<t0, u - u0> = s`` (None if Newton fails)."""
    return _Solver(problem, settings).correct(u0, t0, s)


def correct_holding_last(problem: ContinuationProblem, u0: np.ndarray, settings: Settings) -> np.ndarray | None:
    """Newton's method from ``u0`` with the last unknown (a parameter) held at its value."""
    held = np.zeros(u0.size)
    held[-1] = 1.0
    return correct(problem, u0, held, 0.0, settings)


def _root_fraction(a: float, b: float) -> float:
    return a / (a - b)


def _locate(solver: _Solver, test, u: np.ndarray, t: np.ndarray, h: float,
            ga: float, gb: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Where ``test(z, tz)`` vanishes between ``u`` (step 0) and the point at step ``h``.

    Where corrections factorise a large system (cycles), a bracketing secant (Dekker's safeguard): each
    estimate is the secant through the last two iterates where it falls inside the bracket, else the Illinois
    variant of regula falsi on the bracket's ends (elsewhere, Illinois alone). Regula falsi keeps one of the
    step's ends in every secant and, on a convex test, closes in from one side; the secant through the two
    latest iterates converges superlinearly, and each iteration saved is a Newton solve of the large system.

    On a smooth test the smallest value met falls at least twofold within every three iterations. Where it
    does not, the test has reached the level of its own rounding (a product of Floquet multipliers of 1e20
    and more near a homoclinic orbit, where its sign is noise): further iterations only wander inside the
    bracket, so the search ends there, as AUTO-07p's ends after ITMX iterations.
    """
    a, b = 0.0, h
    side = 0
    best = None
    previous = np.inf
    last: tuple[float, float] | None = None  # the iterate before the latest, (s, g)
    latest: tuple[float, float] | None = None
    smallest, stalled = np.inf, 0
    # Where a correction costs a factorisation of a large system (a problem that factorises its own Jacobian,
    # such as cycles condensed interval by interval), the search ends when the secant's next estimate is within
    # the tolerance of the point just found, which is then the answer, instead of correcting that estimate too;
    # equilibria's corrections cost little, and they keep the last correction.
    early = getattr(solver.problem, "factor", None) is not None
    # The secant through the last two iterates serves those problems too: equilibria keep regula falsi, so their
    # special points (the Hopf points cycle branches start from, and so the whole of those branches: chu's snake
    # follows rounding) are bitwise as before.
    for _ in range(30):
        s = b - gb * (b - a) / (gb - ga)
        if early and latest is not None and last is not None and latest[1] != last[1]:
            secant = latest[0] - latest[1] * (latest[0] - last[0]) / (latest[1] - last[1])
            if min(a, b) < secant < max(a, b):
                s = secant
        if early and best is not None and abs(s - previous) < 1e-10:
            break
        z = solver.correct(u, t, s)
        if z is None and early and best is not None:
            # Newton's method can fail within 1e-8 of a branch point of cycles, where the bordered Jacobian is
            # singular (tor's at T = 19.6); a tenth of the way back to the last point that converged it does not.
            s = s + 0.1 * (previous - s)
            z = solver.correct(u, t, s)
        if z is None:
            return best
        try:
            tz = solver.tangent(z, t, solver.last_solve)
        except (np.linalg.LinAlgError, RuntimeError):  # landed on a branch point, where the tangent is not unique
            return best
        g = test(z, tz)
        best = (z, tz)
        if abs(b - a) < 1e-12 * h or g == 0.0:
            break
        if not early and abs(s - previous) < 1e-10:  # scaled units: far below the accuracy asked of a special point
            break
        stalled = stalled + 1 if abs(g) > 0.5 * smallest else 0
        smallest = min(smallest, abs(g))
        if stalled == 3:
            break
        previous = s
        last, latest = latest, (s, g)
        if np.sign(g) == np.sign(gb):
            b, gb = s, g
            if side == -1:
                ga /= 2
            side = -1
        else:
            a, ga = s, g
            if side == 1:
                gb /= 2
            side = 1
        if abs(b - a) < 1e-10 * max(h, 1e-300):
            break
    return best
