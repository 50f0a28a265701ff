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


def multiple_shooting(field, phases: np.ndarray, states: np.ndarray, p: np.ndarray, period: float, k: int = 0,
                      segments: int = 20, iterations: int = 12, rtol: float = 1e-12):
    """The cycle of the given period near the orbit ``states`` (rows, at ``phases`` in [0, 1]), with
    parameter ``k`` free, by multiple shooting over ``segments`` equal parts of the period: Newton's method on
    the segments' ends meeting the next segments' starts and the first start on the plane through the first
    guess normal to the flow. For orbits whose multipliers (1e10 and more near a homoclinic orbit) defeat
    single shooting.

    Returns the parameter vector, ``dp_k / dT`` along the family of cycles (from the same Jacobian: zero at
    a fold of cycles), the Floquet multipliers (eigenvalues of the segments' product) and the largest gap."""
    n, p = states.shape[1], np.array(p, dtype=float)
    grid = np.arange(segments) / segments
    x = np.column_stack([np.interp(grid, phases, states[:, j]) for j in range(n)])
    ref, normal = x[0].copy(), field.f(x[0][:, None], p)[:, 0]
    size = segments * n + 1

    def system(x, p):
        jac, res, by_period = np.zeros((size, size)), np.zeros(size), np.zeros(size)
        monodromy = np.eye(n)
        for i in range(segments):
            end, m, s = flow_segment(field, x[i], p, period / segments, k, rtol)
            rows, nxt = slice(i * n, (i + 1) * n), (i + 1) % segments
            res[rows] = end - x[nxt]
            jac[rows, i * n:(i + 1) * n] = m
            jac[rows, nxt * n:(nxt + 1) * n] -= np.eye(n)
            jac[rows, -1] = s
            by_period[rows] = field.f(end[:, None], p)[:, 0] / segments
            monodromy = m @ monodromy
        jac[-1, :n] = normal
        res[-1] = normal @ (x[0] - ref)
        return jac, res, by_period, monodromy

    for _ in range(iterations):
        jac, res, _, _ = system(x, p)
        step = np.linalg.solve(jac, -res)
        x = x + step[:-1].reshape(segments, n)
        p[k] += step[-1]
        if np.max(np.abs(step)) < 1e-11 * max(1.0, abs(p[k])):
            break
    jac, res, by_period, monodromy = system(x, p)
    slope = np.linalg.solve(jac, -by_period)[-1]
    return p, float(slope), np.linalg.eigvals(monodromy), float(np.max(np.abs(res)))


def flow_segment(field, x0: np.ndarray, p: np.ndarray, duration: float, k: int, rtol: float):
    """:func:`flow` over ``duration`` at the given tolerance, with the model's own ``df/dp``."""
    n = x0.size

    def rhs(t, y):
        x, m, s = y[:n], y[n:n + n * n].reshape(n, n), y[n + n * n:]
        jac = field.jac1(x, p)
        return np.concatenate([field.f(x[:, None], p)[:, 0], (jac @ m).ravel(), jac @ s + field.dfdp1(x, p)[:, k]])

    y0 = np.concatenate([x0, np.eye(n).ravel(), np.zeros(n)])
    end = solve_ivp(rhs, (0, duration), y0, method="DOP853", rtol=rtol, atol=rtol).y[:, -1]
    return end[:n], end[n:n + n * n].reshape(n, n), end[n + n * n:]
