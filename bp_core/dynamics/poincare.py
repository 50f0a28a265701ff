"""A periodic orbit found by simulation: integrate until the returns to a Poincare section repeat.

The section is the mid-level of the variable that swings most (scaled by its range), crossed upward;
its crossings are located on the integrator's dense output. The orbit has settled when, for some
number ``k`` of crossings per period (one for a tonic spike, several for a burst), the state at
each crossing comes back to the state ``k`` crossings earlier, and the last periods agree. The
simulation runs in chunks and stops as soon as that holds, or when its time or wall-clock budget ends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from bp_core.dynamics.compiled_field import CompiledField

__all__ = ["SettledOrbit", "settle_on_cycle"]


@dataclass
class SettledOrbit:
    """The outcome of :func:`settle_on_cycle`: one period of the orbit (``times`` from its start, ``states``
    rows), or, when none was found, ``why`` (``"equilibrium"``, ``"irregular"``, ``"wall-clock"``)."""

    times: np.ndarray | None
    states: np.ndarray | None
    simulated: float
    why: str = ""


def _crossings(sol, t0: float, t1: float, k: int, level: float, samples: int) -> list[float]:
    """Times of upward crossings of ``x_k = level`` in [t0, t1], by bisection on the dense output."""
    ts = np.linspace(t0, t1, samples)
    xs = sol.sol(ts)[k] - level
    found = []
    for i in np.nonzero((xs[:-1] < 0) & (xs[1:] >= 0))[0]:
        a, b = ts[i], ts[i + 1]
        for _ in range(60):
            mid = 0.5 * (a + b)
            if sol.sol(mid)[k] - level < 0:
                a = mid
            else:
                b = mid
        found.append(0.5 * (a + b))
    return found


def _period(returns: np.ndarray, times: np.ndarray, span: np.ndarray, tol: float) -> tuple[int, float] | None:
    """The number of crossings per period and the period, if the last returns repeat; None if not (yet)."""
    for k in range(1, min(20, (len(times) - 1) // 3) + 1):
        gaps = [np.max(np.abs(returns[-1 - j] - returns[-1 - j - k]) / span) for j in range(k + 1)]
        periods = times[-1 - np.arange(3)] - times[-1 - k - np.arange(3)]
        if max(gaps) < tol and np.ptp(periods) < tol * periods.mean():
            return k, float(times[-1] - times[-1 - k])
    return None


def settle_on_cycle(field: CompiledField, x0: np.ndarray, p: np.ndarray, span: np.ndarray, duration: float,
                    wall_clock: float = 20.0, tol: float = 1e-5) -> SettledOrbit:
    """Simulate ``dx/dt = f(x; p)`` from ``x0`` for at most ``duration`` time units (and ``wall_clock``
    seconds) and return the periodic orbit it settles on (see the module's description)."""
    # imported here: most analyses never call it, and scipy.integrate costs a new process 0.1 s to import
    from scipy.integrate import solve_ivp

    deadline = time.perf_counter() + wall_clock

    noticed: list[float] = []   # the time the integration had reached when the deadline passed

    def out_of_time(t: float, y: np.ndarray) -> float:
        # A function of t alone once the deadline has passed, so the event can be located like any other.
        if not noticed:
            if time.perf_counter() < deadline:
                return 1.0
            noticed.append(t)
        return noticed[0] - t

    out_of_time.terminal = True  # a chunk stops within one step of the deadline, however long it is
    x = np.array(x0, dtype=float)
    now, chunk = 0.0, duration / 20
    chunks: list = []                 # the dense outputs since the section was chosen
    times: list[float] = []           # crossing times, and the states there
    returns: list[np.ndarray] = []
    section = None
    while now < duration:
        if time.perf_counter() > deadline:
            return SettledOrbit(None, None, now, "wall-clock")
        # LSODA with the exact Jacobian: relaxation and bursting cycles are stiff on their slow stretches.
        sol = solve_ivp(lambda t, y: field.f1(y, p), (now, now + chunk), x, method="LSODA", rtol=1e-8,
                        atol=1e-10 * float(np.min(span)), dense_output=True,
                        jac=lambda t, y: field.jac1(y, p), events=out_of_time)
        if sol.status == 1:
            return SettledOrbit(None, None, float(sol.t[-1]), "wall-clock")
        if not sol.success or not np.all(np.isfinite(sol.y[:, -1])):
            return SettledOrbit(None, None, now, "diverged")
        if section is None and now > 0:   # the first chunk is left to the transient
            ys = sol.sol(np.linspace(now, now + chunk, 4001))
            swing = np.ptp(ys, axis=1) / span
            if np.max(swing) > 1e-7:
                k = int(np.argmax(swing))
                section = (k, float(0.5 * (ys[k].max() + ys[k].min())))
        if section is not None:
            chunks.append(sol)
            for c in _crossings(sol, now, now + chunk, *section, max(4001, 20 * sol.t.size)):
                times.append(c)
                returns.append(sol.sol(c))
            found = _period(np.array(returns), np.array(times), span, tol) if len(times) > 4 else None
            if found is not None:
                orbit_times = np.linspace(times[-1 - found[0]], times[-1], 4001)
                states = np.vstack([_dense(chunks, t) for t in orbit_times])
                return SettledOrbit(orbit_times - orbit_times[0], states, now + chunk)
        now, x = now + chunk, sol.y[:, -1]
    return SettledOrbit(None, None, now, "irregular" if len(times) > 4 else "equilibrium")


def _dense(chunks: list, t: float) -> np.ndarray:
    """The state at time ``t`` from the dense output of the chunk that covers it."""
    for sol in reversed(chunks):
        if sol.t[0] <= t <= sol.t[-1]:
            return sol.sol(t)
    return chunks[-1].sol(t)
