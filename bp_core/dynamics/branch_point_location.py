"""Where a branch of equilibria meets another: a simple branch point located by Moore's regular extended
system, from a point of the branch near it (where the continuation's own bordered system is singular)."""

from __future__ import annotations

import numpy as np

__all__ = ["locate_branch_point"]


def locate_branch_point(problem, u: np.ndarray, tol: float = 1e-12) -> np.ndarray | None:
    """The simple branch point near the scaled point ``u`` of ``problem`` (an ``EquilibriumProblem``: its
    residual and Jacobian), or None where Newton's method does not find one.

    Solves the regular extended system (Moore's) for ``(u, psi, mu)``: ``F(u) + mu psi = 0``,
    ``F_u(u)^T psi = 0``, ``<psi, psi> = 1``. At a simple branch point ``[f_x f_p]`` has a left null
    vector ``psi`` and ``mu = 0``; the system is regular there, where the continuation's own bordered
    system is singular.
    """
    n = u.size - 1
    _, _, vt = np.linalg.svd(problem.jacobian(u).T)
    psi0 = vt[-1]  # left singular vector of [f_x f_p] with the smallest singular value

    def system(z: np.ndarray) -> np.ndarray:
        v, psi, mu = z[:n + 1], z[n + 1:2 * n + 1], z[-1]
        return np.concatenate([problem.residual(v) + mu * psi, problem.jacobian(v).T @ psi, [psi @ psi - 1.0]])

    # imported here: most analyses never call it, and scipy.optimize costs a new process 0.1 s to import
    from scipy.optimize import root

    def jacobian(z: np.ndarray) -> np.ndarray:
        # Given, not left to MINPACK's forward differences: those step each unknown in proportion to its size,
        # and a coordinate that is zero up to rounding (1e-97 on an invariant plane) gets a step that changes
        # nothing, a zero column, and no progress.
        v, psi, mu = z[:n + 1], z[n + 1:2 * n + 1], z[-1]
        fu = problem.jacobian(v)
        out = np.zeros((2 * n + 2, 2 * n + 2))
        out[:n, :n + 1], out[:n, n + 1:2 * n + 1], out[:n, -1] = fu, mu * np.eye(n), psi
        h = 1e-6
        for k in range(n + 1):  # d(F_u^T psi)/dv by central differences of the exact F_u
            step = np.zeros(n + 1)
            step[k] = h
            out[n:2 * n + 1, k] = (problem.jacobian(v + step).T @ psi - problem.jacobian(v - step).T @ psi) / (2 * h)
        out[n:2 * n + 1, n + 1:2 * n + 1] = fu.T
        out[-1, n + 1:2 * n + 1] = 2 * psi
        return out

    solution = root(system, np.concatenate([u, psi0, [0.0]]), jac=jacobian, method="hybr", tol=tol)
    z = solution.x
    if not solution.success or np.max(np.abs(system(z))) > 1e-9 or abs(z[-1]) > 1e-8:
        return None
    if np.linalg.norm(z[:n + 1] - u) > 0.05:  # converged to another point far along the branch
        return None
    return z[:n + 1]
