"""Input currents as arrays with one value per time step.

Times map to steps as the network's clock maps them (``bp_core.simulation.clock``): a current of ``duration`` ms
has as many values as ``net.run(duration)`` takes steps, and a piece, pulse or ramp covers the steps from the one
of its start to the one of its end, a time between two steps meaning the later one.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from bp_core import profile
from bp_core.errors import ModelUseError
from bp_core.simulation.clock import grid_step

__all__ = ["constant_current", "spike_current", "ramp_current"]


def _dt(dt: float | None) -> float:
    dt = profile.get_dt() if dt is None else float(dt)
    if not dt > 0:
        raise ModelUseError(f"dt must be positive, got {dt!r}.")
    return dt


def _duration(name: str, value: Any) -> float:
    if not np.isscalar(value) or not np.isfinite(value) or value < 0:
        raise ModelUseError(f"{name} must be a non-negative duration in ms, got {value!r}.")
    return float(value)


def _amplitudes(name: str, values: Any) -> np.ndarray:
    """``values`` as a float array, or raise naming them when they are not finite numbers (a NaN amplitude made a
    current of NaN that only the run refused)."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ModelUseError(f"{name} must be numbers, got {values!r}.") from None
    if not np.isfinite(array).all():
        raise ModelUseError(f"{name} must be finite numbers, got {values!r}.")
    return array


def constant_current(Iext: Sequence[tuple[Any, float]], dt: float | None = None) -> tuple[np.ndarray, float]:
    """Piecewise-constant current from ``(size, duration)`` pairs.

    Parameters
    ----------
    Iext : list of (size, duration)
        ``size`` is a number or an array (one value per neuron); ``duration`` in ms.
    dt : float, optional
        Time step; default ``profile.get_dt()``.

    Returns
    -------
    current : ndarray
        Shape ``(n_steps,)`` or ``(n_steps, *size.shape)``.
    duration : float
        Total duration in ms.

    Examples
    --------
    >>> current, duration = constant_current([(0, 100), (1, 300), (0, 100)], 0.1)
    """
    dt = _dt(dt)
    if not isinstance(Iext, (list, tuple)) or not Iext:
        raise ModelUseError("constant_current needs a non-empty list of (size, duration) pairs.")
    sizes = [_amplitudes("each size of constant_current", size) for size, _ in Iext]
    shape = np.broadcast_shapes(*[s.shape for s in sizes])
    pieces = []
    total = 0.0
    for size, (_, duration) in zip(sizes, Iext):
        duration = _duration("each duration of constant_current", duration)
        # from the step of the piece's start to the step of its end: the pieces add up to a run of the total
        steps = grid_step(total + duration, dt) - grid_step(total, dt)
        pieces.append(np.broadcast_to(size, (steps,) + shape))
        total += duration
    return np.concatenate(pieces, axis=0).copy(), total


def spike_current(points: Sequence[float], lengths: Any, sizes: Any, duration: float,
                  dt: float | None = None) -> np.ndarray:
    """A current of short pulses starting at ``points`` (ms).

    Parameters
    ----------
    points : list of float
        Pulse start times.
    lengths : float or list of float
        Pulse durations (one for all, or one per point).
    sizes : float or list of float
        Pulse amplitudes (one for all, or one per point).
    duration : float
        Total duration (ms).
    dt : float, optional

    Returns
    -------
    ndarray
        One value per time step.
    """
    dt = _dt(dt)
    duration = _duration("duration", duration)
    current = np.zeros(grid_step(duration, dt))
    points = list(points)
    lengths = list(lengths) if np.ndim(lengths) else [lengths] * len(points)
    sizes = list(sizes) if np.ndim(sizes) else [sizes] * len(points)
    if not len(points) == len(lengths) == len(sizes):
        raise ModelUseError(f"spike_current got {len(points)} points, {len(lengths)} lengths and {len(sizes)} sizes.")
    for point, length, size in zip(points, lengths, sizes):
        if _duration("each point", point) >= duration:
            raise ModelUseError(f"spike_current's pulse at {point} ms starts at or after the current's end "
                                f"({duration} ms); give a longer duration or leave the pulse out.")
        size = _amplitudes("each size of spike_current", size)
        start = grid_step(point, dt)
        stop = grid_step(point + _duration("each length", length), dt)
        current[start:stop] = size
    return current


def ramp_current(c_start: float, c_end: float, duration: float, t_start: float = 0.0, t_end: float | None = None,
                 dt: float | None = None) -> np.ndarray:
    """A current rising (or falling) linearly from ``c_start`` to ``c_end`` between ``t_start`` and ``t_end``.

    Zero outside ``[t_start, t_end)``; ``t_end`` defaults to ``duration``.

    Returns
    -------
    ndarray
        One value per time step.
    """
    dt = _dt(dt)
    c_start, c_end = (float(_amplitudes(f"ramp_current's {name}", value))
                      for name, value in (("c_start", c_start), ("c_end", c_end)))
    duration = _duration("duration", duration)
    t_end = duration if t_end is None else _duration("t_end", t_end)
    t_start = _duration("t_start", t_start)
    if t_end < t_start or t_end > duration:
        raise ModelUseError(f"ramp_current needs t_start <= t_end <= duration, got {t_start}, {t_end}, {duration}.")
    current = np.zeros(grid_step(duration, dt))
    p1, p2 = grid_step(t_start, dt), grid_step(t_end, dt)
    current[p1:p2] = np.linspace(c_start, c_end, p2 - p1)
    return current
