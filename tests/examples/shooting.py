"""Periodic orbits by single shooting with scipy (DOP853 at 1e-13 tolerances): the independent check of
cycle points where bp_core's collocation and AUTO-07p's differ."""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp


def flow(field, x0: np.ndarray, p: np.ndarray, period: float, k: int = 0):
    """The state after ``period``, the monodromy matrix and the end state's derivative in parameter ``k``
    (variational equations; ``df/dp_k`` by central differences, whose error only slows Newton down)."""
    n = x0.size
    h = 1e-6 * max(1.0, abs(p[k]))
    up, down = p.copy(), p.copy()
    up[k] += h
    down[k] -= h

    def rhs(t, y):
        x, m, s = y[:n], y[n:n + n * n].reshape(n, n), y[n + n * n:]
        jac = field.jac1(x, p)
        fp = (field.f(x[:, None], up)[:, 0] - field.f(x[:, None], down)[:, 0]) / (2 * h)
        return np.concatenate([field.f(x[:, None], p)[:, 0], (jac @ m).ravel(), jac @ s + fp])

    y0 = np.concatenate([x0, np.eye(n).ravel(), np.zeros(n)])
    end = solve_ivp(rhs, (0, period), y0, method="DOP853", rtol=1e-13, atol=1e-13).y[:, -1]
    return end[:n], end[n:n + n * n].reshape(n, n), end[n + n * n:]


def orbit_of_period(field, x0: np.ndarray, p: np.ndarray, period: float, k: int = 0, iterations: int = 12):
    """The cycle of the given period near ``x0``, with parameter ``k`` free: Newton's method on
    ``phi_T(x0, p) = x0`` and the plane through the first guess normal to the flow there.

    Returns the parameter vector, the Floquet multipliers and the largest closing gap of the orbit."""
    x0, p = np.array(x0, dtype=float), np.array(p, dtype=float)
    ref, normal = x0.copy(), field.f(x0[:, None], p)[:, 0]
    n = x0.size
    for _ in range(iterations):
        end, monodromy, dp = flow(field, x0, p, period, k)
        system = np.zeros((n + 1, n + 1))
        system[:n, :n], system[:n, n], system[n, :n] = monodromy - np.eye(n), dp, normal
        step = np.linalg.solve(system, -np.concatenate([end - x0, [normal @ (x0 - ref)]]))
        x0, p[k] = x0 + step[:n], p[k] + step[n]
        if np.max(np.abs(step)) < 1e-12 * max(1.0, abs(p[k])):
            break
    end, monodromy, _ = flow(field, x0, p, period, k)
    return p, np.linalg.eigvals(monodromy), float(np.max(np.abs(end - x0)))
