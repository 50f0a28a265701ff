"""Trajectories of a vector field (scipy's DOP853) and limit cycles found on them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

__all__ = ["Trajectory", "LimitCycle", "integrate_trajectory", "detect_limit_cycle"]


@dataclass
class Trajectory:
    """Times (ms) and the values of each variable along a solution."""

    ts: np.ndarray
    values: dict[str, np.ndarray]


@dataclass
class LimitCycle:
    """A periodic orbit: its period (ms), and the minimum and maximum of each variable on it."""

    period: float
    minimum: dict[str, float]
    maximum: dict[str, float]

    def amplitude(self, var: str) -> float:
        """Peak-to-peak amplitude of ``var``."""
        return self.maximum[var] - self.minimum[var]


MAX_SAMPLES = 2_000_000
"""The most time points a trajectory returns (16 MB a variable)."""
MAX_EVALUATIONS = 2_000_000
"""The most evaluations of the vector field one trajectory may take (tens of seconds)."""


class _TooLong(Exception):
    pass


def integrate_trajectory(field: VectorField, initial: dict[str, float] | np.ndarray, duration: float, p=(),
                         dt: float | None = None, rtol: float = 1e-10, atol: float = 1e-10) -> Trajectory:
    """Solve ``dx/dt = f(x)`` from ``initial`` for ``duration`` ms with an 8th-order adaptive method.

    A duration that is no positive finite number, a start that is not finite, or a trajectory that would take
    more than ``MAX_SAMPLES`` time points or ``MAX_EVALUATIONS`` evaluations of the field is refused with a
    ``ModelUseError``: 1e12 ms grew without bound until the machine ran out of memory.
    """
    # imported here: most analyses never call it, and scipy.integrate costs a new process 0.1 s to import
    from scipy.integrate import solve_ivp

    what = f"a trajectory of model {getattr(field.model, 'name', '?')!r}"
    try:
        duration = float(duration)
    except (TypeError, ValueError):
        raise ModelUseError(f"the duration of {what} must be a number of ms, got {duration!r}.") from None
    if not np.isfinite(duration) or duration <= 0:
        raise ModelUseError(f"the duration of {what} must be a positive finite number of ms, got {duration!r}.")
    try:
        x0 = np.array([initial[v] for v in field.variables] if isinstance(initial, dict) else initial, dtype=float)
    except (TypeError, ValueError):
        raise ModelUseError(f"the start of {what} must be numbers, one per variable {field.variables}, "
                            f"got {initial!r}.") from None
    if not np.all(np.isfinite(x0)):
        raise ModelUseError(f"the start of {what} must be finite numbers, got {initial!r}.")
    samples = duration / dt if dt is not None else duration * 20
    if samples > MAX_SAMPLES:
        raise ModelUseError(f"{what} over {duration:g} ms would hold {samples:.3g} time points (at most "
                            f"{MAX_SAMPLES:,}); give a shorter duration{'' if dt is None else ' or a larger dt'}.")
    evaluations = 0

    def rate(t, x):
        nonlocal evaluations
        evaluations += 1
        if evaluations > MAX_EVALUATIONS:
            raise _TooLong
        return field.f(x, p)

    t_eval = None if dt is None else np.arange(0.0, duration + dt / 2, dt)
    try:
        sol = solve_ivp(rate, (0.0, duration), x0, method="DOP853", rtol=rtol, atol=atol, t_eval=t_eval,
                        dense_output=dt is None)
    except _TooLong:
        raise ModelUseError(f"{what} over {duration:g} ms took more than {MAX_EVALUATIONS:,} evaluations of the "
                            f"vector field before its end (a stiff or fast solution); give a shorter "
                            f"duration.") from None
    if dt is None:
        ts = np.linspace(0.0, duration, max(200, int(duration * 20) + 1))
        ys = sol.sol(ts)
    else:
        ts, ys = sol.t, sol.y
    return Trajectory(ts, {v: ys[k] for k, v in enumerate(field.variables)})


def detect_limit_cycle(trajectory: Trajectory, var: str | None = None, rel_tol: float = 1e-3,
                       min_cycles: int = 3) -> LimitCycle | None:
    """Find a periodic orbit at the end of a trajectory, or return None.

    The period is the mean time between the last upward crossings of ``var``'s mid-level;
    the orbit counts as periodic when those intervals agree within ``rel_tol`` and the
    extremes of consecutive cycles agree too.
    """
    var = var or next(iter(trajectory.values))
    ts, x = trajectory.ts, trajectory.values[var]
    tail = slice(ts.size // 2, None)
    level = 0.5 * (x[tail].max() + x[tail].min())
    if x[tail].max() - x[tail].min() < 1e-6 * max(1.0, abs(level)):
        return None
    up = np.nonzero((x[:-1] < level) & (x[1:] >= level))[0]
    up = up[up >= ts.size // 2]
    if up.size < min_cycles + 1:
        return None
    crossings = ts[up] + (level - x[up]) * (ts[up + 1] - ts[up]) / (x[up + 1] - x[up])
    periods = np.diff(crossings)[-min_cycles:]
    if np.ptp(periods) > rel_tol * periods.mean() * 10 or np.std(periods) > rel_tol * periods.mean():
        return None
    last = (ts >= crossings[-2]) & (ts <= crossings[-1])
    previous = (ts >= crossings[-3]) & (ts <= crossings[-2])
    minimum = {v: float(vals[last].min()) for v, vals in trajectory.values.items()}
    maximum = {v: float(vals[last].max()) for v, vals in trajectory.values.items()}
    if abs(trajectory.values[var][previous].max() - maximum[var]) > 1e-2 * max(1.0, abs(maximum[var])):
        return None
    return LimitCycle(float(periods.mean()), minimum, maximum)
