"""Non-central saddle-node homoclinic points (NCH) of planar systems, located by shooting along the fold curve.

On the fold curve the saddle-node's centre manifold has an unstable half; where an orbit leaves along it and
comes back along the centre manifold's stable half, the fold point is a saddle-node on an invariant circle
(SNIC, a central homoclinic orbit). Where the orbit comes back along the strong stable manifold instead, it
is a non-central saddle-node homoclinic orbit: a codimension-2 point where a curve of saddle homoclinic
orbits meets the fold curve (NCH). In the plane the returning orbit and the strong stable manifold are two
curves; their signed distance on a section across the strong stable manifold changes sign at the NCH
point, and the root is found in the fold curve's second parameter (Brent's method).

A curve of orbits of one fixed period cannot place the point (it is exponentially close to the homoclinic
curve only while ``lambda_u T`` is large, and ``lambda_u`` vanishes at the fold); the fixed-period curve's
estimate only brackets the search.
"""

from __future__ import annotations

import numpy as np

from bp_core.dynamics.compiled_field import CompiledField
from bp_core.dynamics.infinite_period import locate_fold

__all__ = ["nch_gap", "locate_nch"]

#: Scaled distance from the saddle-node of the section across its strong stable manifold.
SECTION = 0.05
#: Scaled distance from the saddle-node along the centre manifold where the leaving orbit starts, on the
#: manifold's quadratic approximation (so off it by the cube of this).
START = 1e-3


def _fold(field: CompiledField, x: np.ndarray, q: np.ndarray, second: float) -> tuple[np.ndarray, np.ndarray] | None:
    """The fold of the equilibria near ``x`` with the second parameter at ``second`` (the first one solved)."""
    q = np.array(q, dtype=float)
    q[1] = second
    found = locate_fold(field, x, q, 0)
    if found is None:
        return None
    q[0] = found[1]
    return found[0], q


def nch_gap(field: CompiledField, x0: np.ndarray, q: np.ndarray, span: np.ndarray) -> float:
    """At the fold point ``(x0, q)`` of a planar system: the signed distance (scaled) between the orbit that
    leaves along the centre manifold and the strong stable manifold, on a section across the latter
    ``SECTION`` from the saddle-node; NaN where the orbit does not come back."""
    # imported here: most analyses never call it, and scipy.integrate costs a new process 0.1 s to import
    from scipy.integrate import solve_ivp

    rhs = lambda t, x: field.f(x[:, None], q)[:, 0]  # noqa: E731
    jac = field.jac1(x0, q)
    lam, vectors = np.linalg.eig(jac)
    centre, strong = int(np.argmin(np.abs(lam))), int(np.argmax(np.abs(lam)))
    if not lam[strong].real < 0:
        return np.nan
    v_c, v_s = vectors[:, centre].real, vectors[:, strong].real
    left_lam, left = np.linalg.eig(jac.T)
    w = left[:, int(np.argmin(np.abs(left_lam)))].real
    v_c = v_c / np.linalg.norm(v_c / span)
    w = w / (w @ v_c)
    second = field.second_derivative(x0, q)
    a = float(w @ np.einsum("ijk,j,k->i", second, v_c, v_c))  # the centre dynamics: xi' = a/2 xi^2
    if a == 0.0:
        return np.nan
    # The centre manifold x0 + xi v_c + xi^2 h (w.h = 0) to second order: J h = a/2 v_c - B(v_c, v_c) / 2.
    h = np.linalg.lstsq(jac, 0.5 * a * v_c - 0.5 * np.einsum("ijk,j,k->i", second, v_c, v_c), rcond=None)[0]
    h = h - (w @ h) * v_c
    v_s = v_s / np.linalg.norm(v_s / span)
    sections = []
    for side in (1.0, -1.0):  # both halves of the strong stable manifold, backwards to the section's distance
        out = lambda t, x: np.linalg.norm((x - x0) / span) - SECTION  # noqa: E731
        out.terminal = True
        back = solve_ivp(rhs, (0, -1e4), x0 + 1e-8 * side * v_s, rtol=1e-11, atol=1e-13 * np.min(span), events=out)
        if back.t_events[0].size:
            sections.append(back.y_events[0][0])
    if not sections:
        return np.nan
    back_in = lambda t, x: np.linalg.norm((x - x0) / span) - SECTION / 2  # noqa: E731
    back_in.terminal, back_in.direction = True, -1
    crossings = [lambda t, x, p=p: ((x - p) / span) @ (rhs(0, p) / span) for p in sections]
    escape = 2.0 / (abs(a) * START)
    forward = solve_ivp(rhs, (0, 20 * escape + 1e4), x0 + np.sign(a) * START * v_c + START ** 2 * h,
                        method="DOP853", rtol=1e-11,
                        atol=1e-13 * np.min(span), events=[back_in, *crossings])
    if not forward.t_events[0].size:
        return np.nan
    best = np.nan
    for p, hits in zip(sections, forward.y_events[1:]):
        flow = rhs(0, p) / span
        normal = np.array([-flow[1], flow[0]]) / np.linalg.norm(flow)
        for hit in hits:
            if np.linalg.norm((hit - p) / span) < SECTION and not abs(best) <= abs((hit - p) / span @ normal):
                best = float((hit - p) / span @ normal)
    return best


def locate_nch(field: CompiledField, x: np.ndarray, q: np.ndarray, span: np.ndarray,
               second_range: tuple[float, float], scan: float = 0.02,
               gaps: dict | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """The NCH point of a planar system nearest the estimate ``(x, q)`` (a point near the fold curve): the
    fold point where :func:`nch_gap` vanishes, bracketed on a grid of ``scan`` times the second parameter's
    range outwards from the estimate. ``gaps`` (a dict) keeps the values on the grid between calls, so
    estimates of the same point share them. Returns the saddle-node and the parameters, or None."""
    if x.size != 2:
        return None
    # imported here: most analyses never call it, and scipy.optimize costs a new process 0.1 s to import
    from scipy.optimize import brentq

    lo, hi = second_range
    step = scan * (hi - lo)
    gaps = {} if gaps is None else gaps

    def gap(s: float) -> float:
        if s not in gaps:
            found = _fold(field, x, q, s)
            gaps[s] = np.nan if found is None else nch_gap(field, found[0], found[1], span)
        return gaps[s]

    grid = lambda j: lo + j * step  # noqa: E731
    centre = int(round((float(q[1]) - lo) / step))
    for k in range(1, 26):
        for a, b in ((centre - k, centre - k + 1), (centre + k - 1, centre + k)):
            if not (lo <= grid(a) and grid(b) <= hi):
                continue
            ga, gb = gap(grid(a)), gap(grid(b))
            if np.isfinite(ga) and np.isfinite(gb) and ga * gb < 0:
                root = brentq(gap, grid(a), grid(b), xtol=1e-10 * max(1.0, abs(grid(a))))
                return _fold(field, x, q, root)
    return None
