"""Where a run starts and ends on the time grid: the clock counts whole steps of ``dt`` from 0 ms.

A run of ``(start, end)`` takes the steps of the grid ``0, dt, 2 dt, ...`` from ``start`` up to ``end`` (the
spec's ``np.arange(start, end, dt)`` when ``start`` is on the grid), where a time between two steps means the
later one. Computed in floating point, a time a hair above a step would mean the next one (``10.3 / 0.1`` is
``103.00000000000001``), so, as Brian2's clock does (``Clock._calc_timestep``), a time within ``EPSILON_DT``
steps of a step is that step. Runs that continue one another from the times the user asked for (Brian2's
``run(duration)`` keeps the time asked, not the step reached) then take the steps Brian2's take, and a run
from a step of the grid whose length is a whole number of steps takes that number.
"""

from __future__ import annotations

import math

__all__ = ["EPSILON_DT", "grid_step", "run_steps", "grid_start"]

EPSILON_DT = 1e-4
"""How far from a step of the grid (as a fraction of ``dt``) a time still counts as that step (Brian2's value)."""


def grid_step(t: float, dt: float) -> int:
    """The step of the grid ``0, dt, 2 dt, ...`` at which a run that must reach time ``t`` ends.

    Parameters
    ----------
    t : float
        A time (ms) since the grid's origin.
    dt : float
        The time step (ms).

    Returns
    -------
    int
        The nearest step when ``t`` is within ``EPSILON_DT * dt`` of it, else the first step after ``t``.
    """
    nearest = _step_at(t, dt)
    return nearest if nearest is not None else int(math.ceil(t / dt))


def _step_at(t: float, dt: float) -> int | None:
    """The step ``t`` counts as (within ``EPSILON_DT`` steps of it), or None when it lies between two."""
    nearest = round(t / dt)
    if nearest * dt == t or abs(nearest * dt - t) / dt <= EPSILON_DT:
        return int(nearest)
    return None


def run_steps(start: float, end: float, dt: float) -> int:
    """How many steps a run from time ``start`` to time ``end`` (ms) takes: the grid's steps between them."""
    return grid_step(end, dt) - grid_step(start, dt)


def grid_start(start: float, dt: float) -> float:
    """The time of a run's first step: ``start`` itself on the grid (as given), else the next step of the grid."""
    # a start that is its step's time but for rounding keeps its value (0.3, not 3 * 0.1); one grid_step only
    # counts as a step (within EPSILON_DT of it) or after a step is moved onto it, as Brian2's clock takes it
    step = grid_step(start, dt)
    return start if math.isclose(step * dt, start, rel_tol=1e-12, abs_tol=1e-12 * dt) else step * dt
