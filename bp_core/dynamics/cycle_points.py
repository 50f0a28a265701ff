"""What a special point of a cycle branch keeps, and the branch-point test of cycles with the points it
must not report."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bp_core.dynamics.collocation import Collocation
from bp_core.dynamics.diagram import SpecialPoint

__all__ = ["LocatedOrbit", "branch_test", "without_folds_as_branch_points"]


@dataclass(frozen=True)
class LocatedOrbit:
    """A special point's orbit as the continuation holds it: the collocation (mesh), the scaled unknown
    vector, the branch's tangent there, the parameter vector and which parameter was continued."""

    colloc: Collocation
    u: np.ndarray
    tangent: np.ndarray | None
    p: np.ndarray
    index: int


def branch_test(mu: np.ndarray, turning: float) -> float:
    """The branch-point test of a cycle: ``p'(1) / t_p``, with ``p`` the characteristic polynomial of the
    monodromy matrix (multipliers ``mu``) and ``t_p`` the parameter's component of the tangent.

    ``p'(1) = sum_i prod_(j != i) (1 - mu_j)`` is the product of the nontrivial ``1 - mu_j`` while the
    trivial multiplier is 1, and stays smooth where a second multiplier meets it, so it changes sign
    wherever a multiplier crosses +1: at a fold of cycles, where ``t_p`` changes sign too, and at a branch
    point, where ``t_p`` keeps its sign. The quotient changes sign only at the branch point (as AUTO's
    determinant of the bordered collocation Jacobian, which this is up to a factor of one sign along
    the branch; it does not depend on the mesh, which adapts between steps).
    """
    one_minus = 1.0 - mu
    derivative = sum(np.prod(np.delete(one_minus, i)) for i in range(mu.size))
    return float(np.real(derivative) / turning) if turning != 0 else 0.0


def without_folds_as_branch_points(special: list[SpecialPoint], name: str, span: float) -> list[SpecialPoint]:
    """``special`` less the BPC points located on an LPC point of the same branch (parameter ``name`` within
    1e-9 of its range ``span``, period within 1e-6): there the quotient's sign change is the fold's own
    (its multiplier at 1 missed by the monodromy matrix's rounding on a stiff cycle), not a branch point."""
    folds = [(q.par[name], q.period) for q in special if q.label == "LPC"]
    return [q for q in special if q.label != "BPC" or not any(
        abs(q.par[name] - par) <= 1e-9 * span and abs(q.period - period) <= 1e-6 * period for par, period in folds)]
