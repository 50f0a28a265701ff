"""Helpers that generated code calls, in their plain NumPy form.

``bp_core.codegen.compile`` registers numba implementations of the same
functions, so one generated source runs under both backends.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["exprel", "RUNTIME_SCOPE"]


def exprel(z):
    """Return ``(exp(z) - 1) / z``, equal to 1 at ``z = 0``; scalars or arrays.

    Exponential Euler uses ``dt * exprel(dt * A)``, which stays finite when the
    linear coefficient ``A`` vanishes.
    """
    return special.exprel(z)


RUNTIME_SCOPE = {"np": np, "exprel": exprel}
"""Names every generated source may use besides the user's own."""
