"""Starting points of homoclinic curves: an orbit of large, fixed period near a homoclinic orbit, found
from a sampled guess (a simulation, an analytic loop, a data file) or taken from a computed cycle.

A cycle branch approaching a homoclinic orbit does not always end in a labelled HOM point: where the
saddle's unstable eigenvalue ``lambda_u`` is small the parameter converges like ``exp(-lambda_u T)`` and
stands still to rounding while the period grows, and the branch may turn there (a fold of cycles at
rounding level) and go on elsewhere. Holding the period fixed instead and freeing the parameter (as
AUTO-07p's large-period approach does) is well posed at any period: the orbit of period ``T`` lies within
``O(exp(-lambda_u T))`` of the homoclinic orbit, and its parameter as close to the homoclinic one.
"""

from __future__ import annotations

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.collocation import Mesh
from bp_core.dynamics.cycle_points import LocatedOrbit
from bp_core.dynamics.cycles import CycleProblem, CycleSettings
from bp_core.dynamics.diagram import SpecialPoint
from bp_core.dynamics.homoclinic_curves import slow_equilibrium
from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

__all__ = ["homoclinic_point", "large_period_orbit"]


def homoclinic_point(field_: VectorField, located: LocatedOrbit, par_names: list[str]) -> SpecialPoint:
    """The HOM point of a computed orbit of large period (``located``, for example the orbit of a fold of
    cycles where a branch turned by rounding next to a homoclinic orbit): the start of a homoclinic curve.

    Raises ModelUseError where the orbit's slowest point is near no hyperbolic saddle.
    """
    colloc = located.colloc
    nodes, period, par = colloc.unpack(located.u)
    q = np.array(located.p, dtype=float)
    q[located.index] = par
    saddle = slow_equilibrium(field_, nodes, q, colloc.span)
    if saddle is None:
        raise ModelUseError(f"the orbit at {par_names[located.index]} = {par:.8g} (period {period:.6g}) slows "
                            f"down near no hyperbolic saddle, so it approximates no saddle homoclinic orbit; "
                            f"start from an orbit of larger period closer to the homoclinic one.")
    x, lam = saddle
    return SpecialPoint("HOM", dict(zip(par_names, map(float, q))), dict(zip(field_.variables, map(float, x))),
                        period=period, eigenvalues=lam, located=LocatedOrbit(colloc, located.u, None, q, located.index))


def large_period_orbit(field_: VectorField, times: np.ndarray, states: np.ndarray, p: np.ndarray, index: int,
                       p_range: tuple[float, float], var_ranges: list[tuple[float, float]], par_names: list[str],
                       intervals: int = 80) -> SpecialPoint:
    """The orbit of period ``times[-1] - times[0]`` through the sampled guess ``states`` (rows of states at
    ``times``, starting and ending near the saddle), with the parameter ``p[index]`` free: Newton's method
    on the collocation equations with the period held. Returned as the HOM point a homoclinic curve starts
    from (:func:`homoclinic_point`).

    Raises ModelUseError where Newton's method does not converge or the orbit passes no saddle.
    """
    times = np.asarray(times, dtype=float)
    states = np.asarray(states, dtype=float)
    period = float(times[-1] - times[0])
    if not period > 0 or states.shape != (times.size, len(field_.variables)):
        raise ModelUseError(f"a large-period orbit needs increasing times and states of shape (len(times), "
                            f"{len(field_.variables)}); got times over {period:.4g} and states {states.shape}.")
    span = np.array([hi - lo for lo, hi in var_ranges])
    settings = CycleSettings(intervals=intervals, adapt_every=0, max_newton=20)
    tau = (times - times[0]) / period
    q = np.array(p, dtype=float)
    problem = CycleProblem(field_, q, index, p_range, span, period, settings, Mesh.along(tau, states / span,
                                                                                          intervals, settings.m))
    colloc = problem.colloc
    u0 = colloc.pack(colloc.sample(tau, states), period, q[index])
    problem.set_reference(u0)
    held = np.zeros(u0.size)
    held[-2] = 1.0  # the log of the period: held, so the parameter is the free unknown
    u = arclength.correct(problem, u0, held, 0.0, settings)
    if u is None:
        raise ModelUseError(f"the orbit of period {period:.6g} does not converge with {par_names[index]} free "
                            f"(from {q[index]:.6g}); give a closer guess: one passage of the loop, from the "
                            f"saddle back to it.")
    return homoclinic_point(field_, LocatedOrbit(colloc, u, None, q, index), par_names)
