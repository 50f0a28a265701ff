"""Cycles followed in a second parameter: what PD/NS curves and fixed-period homoclinic curves share.

Both continue an orbit's collocation unknowns with a second parameter appended to ``u`` (scaled by its
range); the cycle problem reads that parameter from its own parameter vector, so each evaluation first
writes it there.
"""

from __future__ import annotations

import numpy as np

from bp_core.dynamics.collocation import Collocation
from bp_core.dynamics.cycles import CycleProblem

__all__ = ["CyclesInSecondParameter"]

#: Step of the central difference of the cycle residual in the scaled second parameter.
PARAMETER_STEP = 1e-6


class CyclesInSecondParameter:
    """``u`` = the orbit's unknown vector, then the second parameter (index ``second`` of the cycle
    problem's parameters) divided by the span of ``second_range``, then whatever a subclass appends."""

    def __init__(self, cycles: CycleProblem, second: int, second_range: tuple[float, float]):
        self.cycles, self.second, self.second_range = cycles, second, second_range
        self.second_span = second_range[1] - second_range[0]
        self.size = cycles.colloc.size

    def context(self) -> Collocation:
        return self.cycles.colloc

    def _at(self, u: np.ndarray) -> np.ndarray:
        """The orbit's unknowns, with the cycle problem's parameters set to this point's second parameter."""
        self.cycles.p[self.second] = u[self.size] * self.second_span
        return u[:self.size]

    def parameter_column(self, u: np.ndarray) -> np.ndarray:
        """The cycle residual's derivative in the scaled second parameter at ``u`` (central difference); the
        cycle problem is left at ``u``'s parameter."""
        up, down = u.copy(), u.copy()
        up[self.size] += PARAMETER_STEP
        down[self.size] -= PARAMETER_STEP
        column = (self.cycles.residual(self._at(up)) - self.cycles.residual(self._at(down))) / (2 * PARAMETER_STEP)
        self._at(u)
        return column
