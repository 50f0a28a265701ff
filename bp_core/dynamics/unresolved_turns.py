"""Special points of a cycle branch that lie closer to the branch's orbit of infinite period than the
branch itself can tell apart from it.

Towards a homoclinic orbit of a saddle-focus (a Shilnikov snake) the branch turns at a fold of cycles every
``pi / omega`` in the period (``-rho +- i omega`` the saddle's leading stable eigenvalues), with a period
doubling beside each fold, and the parameter's excursions shrink like ``exp(-rho T)``. Past some period the
continuation's own error in the parameter (the collocation's, on a mesh adapted at every step, and Newton's
tolerance) is larger than those excursions: the parameter then wobbles by that error, and each wobble is a
sign change of the fold test (and, with multipliers of 1e5 and more, of the period-doubling and branch-point
tests). Such points are rounding, not bifurcations.

The size of that error is read off the branch itself: over its last stretch, where the period is at least
half its last value, as the largest distance of a point's parameter from the median of its five
neighbours. A resolved curve (a monotone approach, a snake's turns sampled by several steps, a branch
stopped at a chosen period long before its end) stays close to that median; wobbles from one step to the
next do not. A point whose parameter is within that distance of the end's is not resolved.
"""

from __future__ import annotations

import numpy as np

from bp_core.dynamics.diagram import SpecialPoint

__all__ = ["end_noise", "without_unresolved_turns"]

#: The labels whose test functions change sign at every wobble of the parameter near the end.
TURN_LABELS = ("LPC", "BPC", "PD")


def end_noise(pars: np.ndarray, periods: np.ndarray) -> float:
    """How far the parameter wobbles over the branch's last stretch (the points whose period is at least half
    the last one): the largest distance of a point's parameter from the median of the five around it.

    Parameters
    ----------
    pars, periods : numpy.ndarray
        The branch's parameter values and periods, in the order computed.
    """
    pars, periods = np.asarray(pars, float), np.asarray(periods, float)
    tail = pars[np.nonzero(periods >= 0.5 * periods[-1])[0][0]:]
    if tail.size < 5:
        return 0.0
    windows = np.lib.stride_tricks.sliding_window_view(tail, 5)
    return float(np.max(np.abs(windows[:, 2] - np.median(windows, axis=1))))


def without_unresolved_turns(special: list[SpecialPoint], name: str, pars: np.ndarray, periods: np.ndarray,
                             end_par: float, floor: float, after_period: float) -> list[SpecialPoint]:
    """``special`` less the folds, branch points and period doublings (of periods above ``after_period``)
    whose parameter ``name`` lies within :func:`end_noise` (and at least ``floor``) of ``end_par``.

    Parameters
    ----------
    special : list of SpecialPoint
        The branch's special points.
    name : str
        The continued parameter.
    pars, periods : numpy.ndarray
        The branch's parameter values and periods, in the order computed.
    end_par : float
        The parameter of the orbit of infinite period the branch ends at.
    floor : float
        The least distance counted as unresolved (rounding of the parameter).
    after_period : float
        Points of shorter period are kept whatever their parameter (they are far from the end).
    """
    noise = max(end_noise(pars, periods), floor)
    return [p for p in special if not (p.label in TURN_LABELS and p.period > after_period and
                                       abs(p.par[name] - end_par) <= noise)]
