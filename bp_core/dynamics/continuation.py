"""Continuation of equilibria in one parameter, for any number of variables: eigenvalues along the
branch, folds (LP) located where the parameter turns, Hopf points (H) where a complex pair crosses
the imaginary axis, with their normal-form coefficients."""

from __future__ import annotations

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.diagram import Branch, SpecialPoint
from bp_core.dynamics.fixed_points import classify
from bp_core.dynamics.normal_forms import first_lyapunov, fold_coefficient, hopf_test
from bp_core.dynamics.vector_field import VectorField

__all__ = ["EquilibriumProblem", "continue_branch", "special_point"]


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
        self.test_names = ("LP", "H") if self.field.dim > 1 else ("LP",)
        self.start = start
        self.steps = 0
        self.closing_distance = np.inf

    def unscale(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """State and full parameter vector of the scaled point ``u``."""
        q = self.p.copy()
        q[self.index] = u[-1] * self.span_p
        return u[:-1] * self.span_x, q

    def context(self) -> None:
        return None

    def residual(self, u: np.ndarray) -> np.ndarray:
        return self.field.f1(*self.unscale(u))

    def jacobian(self, u: np.ndarray) -> np.ndarray:
        x, q = self.unscale(u)
        jx = self.field.jac1(x, q) * self.span_x[None, :]
        jp = self.field.dfdp1(x, q)[:, self.index:self.index + 1] * self.span_p
        return np.hstack([jx, jp])

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        lp = t[-1]
        if self.field.dim == 1:
            return np.array([lp])
        return np.array([lp, hopf_test(np.linalg.eigvals(self.field.jac1(*self.unscale(u))))])

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
        if self.start is not None and self.steps > 10 and np.linalg.norm(u - self.start) < self.closing_distance:
            return "closed on itself"
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
        second, _ = compiled.tensors(x, q)
        coefficient = fold_coefficient(jac, second)
    return SpecialPoint(label, dict(zip(par_names, map(float, q))), dict(zip(field_.variables, map(float, x))),
                        eigenvalues=lam, coefficient=coefficient)


def continue_branch(field_: VectorField, x0: np.ndarray, p: np.ndarray, index: int, p_range: tuple[float, float],
                    var_ranges: list[tuple[float, float]], max_step: float, direction: float = 1.0,
                    max_points: int = 20000, par_names: list[str] | None = None) -> Branch:
    """Follow the equilibrium ``x0`` as parameter ``index`` of ``p`` changes, by pseudo-arclength.

    Steps are measured in coordinates scaled by the ranges, at most ``max_step`` in the
    parameter's scale, so the branch passes folds and does not depend on a grid.
    """
    p = np.array(p, dtype=float)
    par_names = par_names or [f"p{k}" for k in range(p.size)]
    problem = EquilibriumProblem(field_, p, index, p_range, var_ranges)
    u0 = np.append(x0, p[index]) / problem.scale
    problem.start = u0
    h_max = max_step / problem.span_p
    problem.closing_distance = h_max / 2
    t0 = np.zeros(u0.size)
    t0[-1] = direction
    settings = arclength.Settings(ds=h_max, ds_max=h_max, ds_min=h_max * 1e-6, max_steps=max_points)
    curve = arclength.trace(problem, u0, t0, settings)
    points = np.array(curve.points) * problem.scale
    states, pars = points[:, :-1], points[:, -1]
    keep = (pars >= p_range[0] - 1e-12) & (pars <= p_range[1] + 1e-12)
    labels, eigs = [], []
    for x, par in zip(states, pars):
        q = p.copy()
        q[index] = par
        e, label = classify(field_.compiled.jac1(x, q))
        labels.append(label)
        eigs.append(e)
    special = []
    for event in curve.events:
        if keep[event.index]:
            point = special_point(field_, event.name, *problem.unscale(curve.points[event.index]), par_names)
            if point is not None:
                special.append(point)
    labels = [lab for lab, k in zip(labels, keep) if k]
    return Branch(pars[keep], states[keep], labels, np.array(eigs)[keep], special, curve.stopped)
