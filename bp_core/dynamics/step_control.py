"""Adaptive step length of pseudo-arclength continuation, and the checks that let a step grow past the
resolution at which special points must be found.

The step follows Newton's convergence as AUTO-07p's does (it doubles when the corrector converges in few
iterations, is kept when it needs many, is halved when it fails), and the turning of the curve, so that a
drawn branch stays smooth: the angle between consecutive tangents is held near ``Settings.max_turn``. A step
longer than ``Settings.resolution`` could carry two sign changes of one test function (two Hopf points, two
folds) and show none at its ends. So the tests are also evaluated at points spaced ``resolution`` apart along
the step, on the cubic Hermite interpolant of its two ends and their tangents (an O(h^4) approximation of the
curve, far closer than the sign of a test function needs); a sign change there sends the continuation back
to steps of ``resolution`` until the change is passed and located as before. What a step can miss is then
what a step of ``resolution`` could miss.
"""

from __future__ import annotations

import numpy as np

__all__ = ["next_step", "hermite", "first_change"]


def next_step(h: float, iterations: int, cos_turn: float, max_turn: float) -> float:
    """The next step length after a step of length ``h`` that Newton's method settled in ``iterations``
    iterations and that turned the tangent by ``arccos(cos_turn)``.

    Two iterations or fewer (the predictor was already close) double the step, up to four grow it by 30 %,
    more keep it. The factor is then limited so that the next turn stays near ``max_turn`` radians: the
    turning angle grows in proportion to the step on a curve of given curvature.
    """
    factor = 2.0 if iterations <= 2 else (1.3 if iterations <= 4 else 1.0)
    turn = float(np.arccos(np.clip(cos_turn, -1.0, 1.0)))
    if turn > 0.0:
        factor = min(factor, max(max_turn / turn, 0.5))
    return h * factor


def hermite(u: np.ndarray, t: np.ndarray, z: np.ndarray, tz: np.ndarray, h: float,
            s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points and unit directions at arclengths ``s`` (0 < s < h) of the cubic Hermite interpolant from ``u``
    (tangent ``t``) to ``z`` (tangent ``tz``) over a step of length ``h``; shapes (len(s), len(u))."""
    x = (np.asarray(s, dtype=float) / h)[:, None]
    h00, h10, h01, h11 = 2 * x ** 3 - 3 * x ** 2 + 1, x ** 3 - 2 * x ** 2 + x, -2 * x ** 3 + 3 * x ** 2, x ** 3 - x ** 2
    points = h00 * u + h10 * h * t + h01 * z + h11 * h * tz
    d00, d10, d01, d11 = 6 * x ** 2 - 6 * x, 3 * x ** 2 - 4 * x + 1, -6 * x ** 2 + 6 * x, 3 * x ** 2 - 2 * x
    directions = d00 * u / h + d10 * t + d01 * z / h + d11 * tz
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return points, directions


def first_change(problem, u: np.ndarray, t: np.ndarray, z: np.ndarray, tz: np.ndarray, h: float,
                 resolution: float, before: np.ndarray, after: np.ndarray) -> float | None:
    """The arclength of the last point spaced ``resolution`` along the step from ``u`` to ``z`` before the
    first sign change of a test function, or None where the tests keep their signs at all those points and
    at the step's end (``before`` and ``after``: the tests at its two ends).

    A change at the end alone is returned too when the step is longer than ``resolution``: the change is
    then approached in steps of ``resolution``, as it would have been without growing steps, so two
    special points a step apart are located each in a step of its own.
    """
    if h <= resolution:
        return None
    count = int(np.ceil(h / resolution)) - 1
    s = resolution * np.arange(1, count + 1)
    if count:
        points, directions = hermite(u, t, z, tz, h, s)
        batch = getattr(problem, "tests_at", None)
        values = batch(points, directions) if batch is not None else np.array(
            [problem.tests(p, d) for p, d in zip(points, directions)])
        values = np.vstack([values, after])
    else:
        values = after[None, :]
    changed = np.nonzero(np.any(np.sign(values) * np.sign(before)[None, :] < 0, axis=1))[0]
    if changed.size == 0:
        return None
    return float(resolution * changed[0])
