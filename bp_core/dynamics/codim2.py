"""Fold and Hopf curves in two parameters, continued by their defining systems, with the
codimension-2 points on them: cusp (CP), Bogdanov-Takens (BT), generalised Hopf (GH) and zero-Hopf (ZH).

Fold curve: ``f(x; p) = 0``, ``J v = 0``, ``c . v = 1``. Hopf curve: ``f = 0``,
``(J^2 + k I) v = 0`` with ``k = w^2``, and two normalisations ``c1 . v = 1``, ``c2 . v = 0`` that
pick one vector of the eigenvalue pair's real plane (renewed after every step, as the plane turns).
Their Jacobians are taken by central differences of the exact residuals.
"""

from __future__ import annotations

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.diagram import Codim2Curve, SpecialPoint
from bp_core.dynamics.normal_forms import first_lyapunov, fold_coefficient, hopf_test, hopf_vectors, other_eigenvalues
from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

__all__ = ["FoldCurve", "HopfCurve", "continue_codim2"]


class _Codim2Problem:
    """What fold and Hopf curves share: scaling, box, the difference Jacobian and the stop rules."""

    def __init__(self, field_: VectorField, p: np.ndarray, indices: tuple[int, int],
                 par_ranges: list[tuple[float, float]], var_ranges: list[tuple[float, float]]):
        self.field = field_.compiled
        self.n = self.field.dim
        self.p = np.array(p, dtype=float)
        self.indices = indices
        self.par_ranges = par_ranges
        self.span_x = np.array([hi - lo for lo, hi in var_ranges])
        self.span_p = np.array([hi - lo for lo, hi in par_ranges])
        self.box = [(a - 0.5 * (b - a), b + 0.5 * (b - a)) for a, b in var_ranges]

    def context(self) -> None:
        return None

    def split(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """State, full parameter vector and the extra unknowns of ``u``."""
        q = self.p.copy()
        q[list(self.indices)] = u[-2:] * self.span_p
        return u[:self.n] * self.span_x, q, u[self.n:-2]

    def jacobian(self, u: np.ndarray) -> np.ndarray:
        h = 1e-7 * np.maximum(1.0, np.abs(u))
        columns = []
        for k in range(u.size):
            e = np.zeros(u.size)
            e[k] = h[k]
            columns.append((self.residual(u + e) - self.residual(u - e)) / (2 * h[k]))
        return np.array(columns).T

    def inside(self, u: np.ndarray) -> float:
        """Positive while both parameters are inside their ranges."""
        _, q, _ = self.split(u)
        return float(min(min(q[k] - lo, hi - q[k]) for k, (lo, hi) in zip(self.indices, self.par_ranges)))

    def stop(self, u: np.ndarray, t: np.ndarray) -> str | None:
        x, q, _ = self.split(u)
        for k, (lo, hi) in zip(self.indices, self.par_ranges):
            if not lo <= q[k] <= hi:
                return "left the parameter range"
        if any(not (a <= xi <= b) for xi, (a, b) in zip(x, self.box)):
            return "left the variables' ranges"
        return None


class FoldCurve(_Codim2Problem):
    """Unknowns: scaled state, null vector ``v``, scaled parameters."""

    def __init__(self, *args, x: np.ndarray):
        super().__init__(*args)
        lam, vecs = np.linalg.eig(self.field.jac1(x, self.p))
        v = np.real(vecs[:, np.argmin(np.abs(lam))])
        self.c = v / np.dot(v, v)
        self.v0 = v
        self.weights = np.concatenate([np.ones(self.n), np.zeros(self.n), np.ones(2)])
        self.test_names = ("BT", "CP") + (("ZH",) if self.n > 2 else ())

    def start(self, x: np.ndarray) -> np.ndarray:
        return np.concatenate([x / self.span_x, self.v0, self.p[list(self.indices)] / self.span_p])

    def residual(self, u: np.ndarray) -> np.ndarray:
        x, q, v = self.split(u)
        jac = self.field.jac1(x, q)
        return np.concatenate([self.field.f1(x, q), jac @ v, [np.dot(self.c, v) - 1]])

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        x, q, v = self.split(u)
        jac = self.field.jac1(x, q)
        others = other_eigenvalues(np.linalg.eigvals(jac), 1)
        values = [np.prod(others).real if others.size else 1.0,
                  fold_coefficient(jac, self.field.second_derivative(x, q), v)]
        if self.n > 2:
            values.append(hopf_test(others))
        return np.array(values)

    def accept(self, u: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return u, t


class HopfCurve(_Codim2Problem):
    """Unknowns: scaled state, vector ``v`` of the pair's plane, ``k = w^2``, scaled parameters."""

    def __init__(self, *args, x: np.ndarray):
        super().__init__(*args)
        jac = self.field.jac1(x, self.p)
        omega, q, _ = hopf_vectors(jac)
        self._normalise(np.real(q), jac)
        self.omega0 = omega
        self.weights = np.concatenate([np.ones(self.n), np.zeros(self.n + 1), np.ones(2)])
        self.test_names = ("BT", "GH") + (("ZH",) if self.n > 2 else ())

    def _normalise(self, v: np.ndarray, jac: np.ndarray) -> None:
        v = v / np.linalg.norm(v)
        w = jac @ v
        w = w - np.dot(w, v) * v
        self.c1, self.c2 = v, w / np.linalg.norm(w)
        self.v0 = v

    def start(self, x: np.ndarray) -> np.ndarray:
        return np.concatenate([x / self.span_x, self.v0, [self.omega0 ** 2], self.p[list(self.indices)] / self.span_p])

    def residual(self, u: np.ndarray) -> np.ndarray:
        x, q, extra = self.split(u)
        v, kappa = extra[:-1], extra[-1]
        jac = self.field.jac1(x, q)
        return np.concatenate([self.field.f1(x, q), jac @ (jac @ v) + kappa * v,
                               [np.dot(self.c1, v) - 1, np.dot(self.c2, v)]])

    def tests(self, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        x, q, extra = self.split(u)
        kappa = extra[-1]
        jac = self.field.jac1(x, q)
        values = [kappa, self.lyapunov(x, q) if kappa > 0 else 0.0]
        if self.n > 2:
            values.append(np.prod(other_eigenvalues(np.linalg.eigvals(jac), 2)).real)
        return np.array(values)

    def lyapunov(self, x: np.ndarray, q: np.ndarray) -> float:
        second, third = self.field.tensors(x, q)
        return first_lyapunov(self.field.jac1(x, q), second, third)[0]

    def accept(self, u: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, q, extra = self.split(u)
        self._normalise(extra[:-1], self.field.jac1(x, q))
        u = u.copy()
        u[self.n:2 * self.n] = self.v0
        return u, t

    def stop(self, u: np.ndarray, t: np.ndarray) -> str | None:
        if u[-3] < 0:
            return "the Hopf curve ended at a Bogdanov-Takens point (beyond it: a neutral saddle)"
        return super().stop(u, t)


def continue_codim2(field_: VectorField, point: SpecialPoint, par_names: list[str], p: np.ndarray,
                    par_ranges: list[tuple[float, float]], var_ranges: list[tuple[float, float]],
                    max_step: float = 0.02, max_points: int = 2000) -> Codim2Curve:
    """The fold curve through an LP, or the Hopf curve through an H, in the first two parameters."""
    kinds = {"LP": FoldCurve, "H": HopfCurve}
    if point.label not in kinds:
        raise ModelUseError(f"a codimension-2 curve starts at a fold (LP) or Hopf point (H), not {point.label}.")
    q = np.array(p, dtype=float)
    for k, name in enumerate(par_names):
        q[k] = point.par.get(name, q[k])
    x = np.array([point.state[v] for v in field_.variables])
    problem = kinds[point.label](field_, q, (0, 1), par_ranges, var_ranges, x=x)
    u0 = problem.start(x)
    settings = arclength.Settings(ds=max_step / 4, ds_max=max_step, ds_min=1e-8, max_steps=max_points, tol=1e-10)
    halves = []
    for direction in (-1.0, 1.0):
        t0 = np.zeros(u0.size)
        t0[-1] = direction
        fresh = kinds[point.label](field_, q, (0, 1), par_ranges, var_ranges, x=x)
        halves.append((fresh, arclength.trace(fresh, u0, t0, settings)))
    values, states, special = [], [], []
    for (prob, curve), order in zip(halves, (-1, 1)):
        pts = curve.points[::order] if order < 0 else curve.points[1:]
        for u in pts:
            xs, qs, extra = prob.split(u)
            if point.label == "H" and extra[-1] < 0:
                continue  # past a Bogdanov-Takens point the system describes a neutral saddle
            values.append(qs[:2])
            states.append(xs)
        for event in curve.events:
            xs, qs, _ = prob.split(curve.points[event.index])
            lam = np.linalg.eigvals(field_.compiled.jac1(xs, qs))
            special.append(SpecialPoint(event.name, dict(zip(par_names, map(float, qs[:2]))),
                                        dict(zip(field_.variables, map(float, xs))), eigenvalues=lam))
    stopped = "; ".join(curve.stopped for _, curve in halves)
    return Codim2Curve(point.label, (par_names[0], par_names[1]), np.array(values), np.array(states), special,
                       stopped)
