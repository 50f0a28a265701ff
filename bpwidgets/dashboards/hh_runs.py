"""The one kind of Hodgkin-Huxley run the HH dashboards make, so that they compile one kernel between them.

A protocol's single neuron, the F-I curve's row of neurons and a neuron started on a picked point of the
bifurcation diagram are the same structure here: the model library's HH neurons, all four variables monitored,
under a time-varying input current with one column per neuron. The element count and the run's length are not
structure, so each of these runs loads the kernel the first one compiled (on a fresh install the first open of
either dashboard compiles it, once, and the other finds it in the cache). Separate forms (a single neuron with
its gates monitored, a constant current per neuron, a scalar current) were three kernels.
"""

from __future__ import annotations

import numpy as np

import bp_core as bp

__all__ = ["MONITORS", "run_hh", "constant_columns"]

MONITORS = ("V", "m", "h", "n")


def run_hh(current: np.ndarray, duration: float, dt: float, state: dict[str, float] | None = None) -> bp.NeuGroup:
    """Run HH neurons, one per column of ``current`` (uA/cm2, one row per time step), for ``duration`` ms at
    step ``dt`` from ``state`` (initial values by variable name; the model's rest by default).

    Returns
    -------
    bp.NeuGroup
        The group run, with V, m, h and n monitored.
    """
    current = np.asarray(current, dtype=float)
    if current.ndim != 2:
        raise bp.errors.ModelUseError(f"run_hh: current must have one row per step and one column per neuron, got "
                                      f"shape {current.shape}; give current[:, None] for one neuron.")
    group = bp.NeuGroup(bp.models.get_HH(), current.shape[1], monitors=list(MONITORS))
    for name, value in (state or {}).items():
        group.ST[name] = value
    with bp.profile.override(dt=dt):  # the global profile stays as it is
        group.run(duration, inputs=('input', current))
    return group


def constant_columns(currents: np.ndarray | float, duration: float, dt: float) -> np.ndarray:
    """Constant currents as :func:`run_hh` takes them: one column per current, one (shared) row per step."""
    currents = np.atleast_1d(np.asarray(currents, dtype=float))
    return np.broadcast_to(currents, (int(round(duration / dt)), currents.size))
