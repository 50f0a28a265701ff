"""The end of a cycle branch whose period grows without bound: a saddle-node on an invariant circle
(SNIC) or a saddle homoclinic orbit (HOM), told apart and located.

Near a SNIC the orbit slows at the ghost of a saddle-node equilibrium: the equilibrium branch has a
fold at the limiting parameter ``p_c`` and the period grows like ``C / sqrt|p - p_c|``. Near a saddle
homoclinic orbit it slows at a hyperbolic saddle and grows like ``-log|p - p_c| / lambda_u``
(``lambda_u`` the saddle's unstable eigenvalue). So the end is found from the slowest point of the
last orbit: a fold of the equilibria there, solved for exactly, whose parameter the period law confirms,
makes a SNIC at the fold; otherwise a saddle there makes a HOM, at the parameter the logarithmic law
extrapolates to. Neither, and no end is claimed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bp_core.dynamics.compiled_field import CompiledField

__all__ = ["InfinitePeriodEnd", "classify_end", "locate_fold"]

#: Scaled distance within which the slowest point of an orbit counts as passing an equilibrium.
NEAR = 0.1


@dataclass
class InfinitePeriodEnd:
    """What the end of a branch is: ``label`` (``"SNIC"`` or ``"HOM"``), the limiting parameter, the
    equilibrium the orbit approaches and its eigenvalues, and the period law's constant (``C^2`` of
    ``T = C / sqrt|p - p_c|``, or ``1 / lambda_u``)."""

    label: str
    par: float
    state: np.ndarray
    eigenvalues: np.ndarray
    constant: float


def locate_fold(field: CompiledField, x: np.ndarray, q: np.ndarray, index: int,
                iterations: int = 40) -> tuple[np.ndarray, float] | None:
    """A fold of the equilibria (``f = 0`` with a singular Jacobian) near ``(x, q[index])``, by Newton's
    method on ``f(x, p) = 0``, ``J v = 0``, ``<c, v> = 1``; None if it does not converge."""
    q = np.array(q, dtype=float)
    x = np.array(x, dtype=float)
    n = x.size
    _, _, vt = np.linalg.svd(field.jac1(x, q))
    c = vt[-1]
    v = c.copy()
    scale = 1.0 + np.max(np.abs(x))
    for _ in range(iterations):
        jac = field.jac1(x, q)
        h = 1e-7 * max(1.0, abs(q[index]))
        up, down = q.copy(), q.copy()
        up[index] += h
        down[index] -= h
        jp_v = (field.jac1(x, up) - field.jac1(x, down)) @ v / (2 * h)
        second = field.second_derivative(x, q)
        system = np.zeros((2 * n + 1, 2 * n + 1))
        system[:n, :n] = jac
        system[:n, n] = field.dfdp1(x, q)[:, index]
        system[n:2 * n, :n] = np.einsum("ijk,j->ik", second, v)
        system[n:2 * n, n] = jp_v
        system[n:2 * n, n + 1:] = jac
        system[2 * n, n + 1:] = c
        rhs = np.concatenate([field.f1(x, q), jac @ v, [c @ v - 1.0]])
        try:
            delta = np.linalg.solve(system, rhs)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(delta)):
            return None
        x, v = x - delta[:n], v - delta[n + 1:]
        q[index] -= delta[n]
        if np.max(np.abs(delta[:n + 1])) < 1e-12 * (scale + abs(q[index])):
            return x, float(q[index])
    return None


def _snic(field: CompiledField, slow: np.ndarray, q: np.ndarray, index: int, pars: np.ndarray,
          periods: np.ndarray, span: np.ndarray, par_span: float) -> InfinitePeriodEnd | None:
    """A SNIC when a fold lies at the slowest point and the period obeys ``T^2 |p - p_c| = const`` there."""
    fold = locate_fold(field, slow, q, index)
    if fold is None:
        return None
    x, p_c = fold
    if np.max(np.abs(x - slow) / span) > NEAR or abs(p_c - pars[-1]) > 0.05 * par_span:
        return None
    constants = periods ** 2 * np.abs(pars - p_c)
    # Towards a fold elsewhere (a homoclinic orbit at another parameter) the product would keep growing.
    logs = np.log(np.maximum(constants, 1e-300))
    if not np.all(np.abs(np.diff(logs)) < np.log(1.5)):
        return None
    # Nor may it grow with the period as T^2 does: over the tail |p - p_c| must shrink, not stand at a
    # distance (a saddle's homoclinic orbit far from the fold, which periods growing by a few per cent a
    # step would otherwise pass as a constant).
    if abs(logs[-1] - logs[0]) > np.log(periods[-1] / periods[0]):
        return None
    qc = np.array(q, dtype=float)
    qc[index] = p_c
    return InfinitePeriodEnd("SNIC", p_c, x, np.linalg.eigvals(field.jac1(x, qc)), float(constants[-1]))


def _homoclinic(field: CompiledField, slow: np.ndarray, q: np.ndarray, index: int, pars: np.ndarray,
                periods: np.ndarray, span: np.ndarray) -> InfinitePeriodEnd | None:
    """A HOM when a hyperbolic saddle lies at the slowest point; ``p_c`` from ``p = p_c + A exp(-lambda_u T)``."""
    x = field.newton(slow, q)
    if not np.all(np.isfinite(x)) or np.max(np.abs(field.f1(x, q))) > 1e-8 * (1 + np.max(np.abs(x))):
        return None
    if np.max(np.abs(x - slow) / span) > NEAR:
        return None
    lam = np.linalg.eigvals(field.jac1(x, q))
    size = max(1.0, float(np.max(np.abs(lam))))
    if not (np.any(lam.real > 1e-6 * size) and np.any(lam.real < -1e-6 * size)):
        return None
    unstable = float(np.max(lam.real))
    p_c = float(pars[-1])
    tail = slice(-3, None)
    spread = unstable * (periods[tail][-1] - periods[tail][0])
    if pars.size >= 3 and 1e-3 < spread < 50:
        # p = p_c + A exp(-lambda_u T) is linear in exp(-lambda_u T): fitted on the last three points,
        # relative to the last one's so that nothing overflows.
        decay = np.exp(-unstable * (periods[tail] - periods[-1]))
        slope, limit = np.polyfit(decay, pars[tail], 1)
        if np.isfinite(limit) and abs(limit - pars[-1]) <= abs(pars[tail][0] - pars[-1]):
            p_c = float(limit)
    return InfinitePeriodEnd("HOM", p_c, x, lam, 1.0 / unstable)


def classify_end(field: CompiledField, orbit: np.ndarray, q: np.ndarray, index: int, pars: np.ndarray,
                 periods: np.ndarray, span: np.ndarray, par_span: float) -> InfinitePeriodEnd | None:
    """SNIC or HOM at the end of a branch, from its last ``orbit`` (nodes, rows of states) at parameters
    ``q`` and the tail of the branch (``pars`` and ``periods`` of its last points, growing periods).

    None when the slowest point of the orbit is near neither a fold nor a saddle: no end is claimed.
    """
    speed = np.linalg.norm(field.f(orbit.T, q).T / span, axis=1)
    slow = orbit[int(np.argmin(speed))]
    pars, periods = np.asarray(pars, dtype=float), np.asarray(periods, dtype=float)
    return (_snic(field, slow, q, index, pars, periods, span, par_span) or
            _homoclinic(field, slow, q, index, pars, periods, span))
