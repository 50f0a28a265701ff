"""Normal-form coefficients of equilibria: the fold's quadratic coefficient and the first Lyapunov
coefficient of a Hopf point (Kuznetsov, *Elements of Applied Bifurcation Theory*, 3rd ed., §3.5 and §5.4).

Both are computed from the exact second and third derivatives of the field, with eigenvectors
normalised as Kuznetsov does: ``A q = i w q``, ``A^T p = -i w p``, ``<p, q> = conj(p) . q = 1``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["hopf_vectors", "first_lyapunov", "fold_coefficient", "hopf_test", "other_eigenvalues"]


def _apply2(b: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.einsum("ijk,j,k->i", b, u, v)


def _apply3(c: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.einsum("ijkl,j,k,l->i", c, u, v, w)


def hopf_test(eigenvalues: np.ndarray) -> float:
    """Product of ``l_i + l_j`` over pairs: real, and zero when a pair ``+-iw`` (or ``+-r``) is on the axis."""
    lam = np.asarray(eigenvalues)
    n = lam.size
    product = 1.0 + 0j
    for i in range(n):
        for j in range(i + 1, n):
            product *= lam[i] + lam[j]
    return float(product.real)


def hopf_vectors(jac: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """``w`` and the normalised ``q``, ``p`` of the eigenvalue pair closest to the imaginary axis."""
    lam, right = np.linalg.eig(jac)
    candidates = [k for k in range(lam.size) if lam[k].imag > 0]
    if not candidates:
        raise ValueError("no complex eigenvalue pair: not a Hopf point")
    k = min(candidates, key=lambda k: abs(lam[k].real))
    omega = float(lam[k].imag)
    q = right[:, k]
    q = q / np.linalg.norm(q)
    lam_t, left = np.linalg.eig(jac.T)
    p = left[:, np.argmin(np.abs(lam_t - (-1j * omega)))]
    p = p / np.conj(np.vdot(p, q))
    return omega, q, p


def first_lyapunov(jac: np.ndarray, second: np.ndarray, third: np.ndarray) -> tuple[float, float]:
    """The first Lyapunov coefficient ``l1`` (negative: supercritical) and ``w`` at a Hopf point."""
    omega, q, p = hopf_vectors(jac)
    n = jac.shape[0]
    qb = np.conj(q)
    b_qq = _apply2(second, q, q)
    b_qqb = _apply2(second, q, qb)
    r = np.linalg.solve(jac, b_qqb)
    s = np.linalg.solve(2j * omega * np.eye(n) - jac, b_qq)
    value = (np.vdot(p, _apply3(third, q, q, qb)) - 2 * np.vdot(p, _apply2(second, q, r)) +
             np.vdot(p, _apply2(second, qb, s)))
    return float(value.real / (2 * omega)), omega


def fold_coefficient(jac: np.ndarray, second: np.ndarray, q: np.ndarray | None = None) -> float:
    """``a = <p, B(q, q)> / 2`` at a fold, with ``A q = 0``, ``A^T p = 0``, ``<p, q> = 1``; its sign
    changes at a cusp point. The sign follows the orientation of ``q``: pass the null vector carried
    along a curve to compare signs between its points."""
    if q is None:
        lam, right = np.linalg.eig(jac)
        q = np.real(right[:, np.argmin(np.abs(lam))])
    lam_t, left = np.linalg.eig(jac.T)
    p = np.real(left[:, np.argmin(np.abs(lam_t))])
    q = q / np.linalg.norm(q)
    p = p / np.dot(p, q)
    return float(0.5 * np.dot(p, _apply2(second, q, q)))


def other_eigenvalues(eigenvalues: np.ndarray, drop: int) -> np.ndarray:
    """The eigenvalues left after removing the ``drop`` closest to the imaginary axis (by |Re|, then |l|)."""
    lam = np.asarray(eigenvalues)
    order = np.argsort(np.abs(lam.real) + 1e-3 * np.abs(lam))
    return lam[np.sort(order[drop:])]
