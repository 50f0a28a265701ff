"""Whole-number draws on the device: binomial (inversion of a cumulative table, and an exact sampler for any
``n`` and ``p``) and geometric.

``gpu_binomial_from_cdf`` is ``bp_core.inputs.sampling.binomial_from_cdf`` for a GPU thread: the host
computes the table of cumulative probabilities once per run, each thread compares its own uniform
number with it (the first eight entries one by one, the rest by bisection, as NumPy's ``searchsorted``).

``binomial_draw`` draws ``Binomial(n, p)`` from a thread's xoroshiro128+ generator by inversion from the
mode: the uniform number is spent on the probabilities of the mode, then of the counts below and above
it in turn, until it is used up. Each count is reached with its own probability (any order of the counts
inverts the distribution exactly), and a walk that starts at the mode takes about ``sqrt(n p (1 - p))``
steps, whatever ``n``; ``p > 1/2`` draws ``n - Binomial(n, 1 - p)``. A number left over after every count
with a probability that is not zero in floating point (rounding, less than 1e-15) is drawn again, as NumPy
redraws past its bound.

``geometric_draw`` draws ``Geometric(p)``, the number of Bernoulli(``p``) trials up to the first success, by
inversion of its distribution function: ``1 + floor(log(1 - u) / log(1 - p))`` for one uniform ``u``.
"""

from __future__ import annotations

import math
import warnings

from numba import cuda
from numba.core.errors import NumbaWarning

with warnings.catch_warnings():  # numba-cuda's random module hands numba.jit options it deprecates, and warns
    warnings.simplefilter("ignore", NumbaWarning)
    from numba.cuda.random import xoroshiro128p_uniform_float64

__all__ = ["gpu_binomial_from_cdf", "binomial_draw", "geometric_draw", "NEVER", "DRAW_FUNCTIONS"]

NEVER = 2 ** 62
"""What ``geometric_draw`` gives where no success comes in an int64's range (``p`` 0, NaN or below 1e-17)."""


@cuda.jit(device=True)
def gpu_binomial_from_cdf(table, u):
    """The count ``k`` with ``table[k - 1] <= u < table[k]``; -1 past the table's end (draw again)."""
    size = table.shape[0]
    if size >= 8:
        k = 0
        for j in range(8):
            if u >= table[j]:
                k += 1
        if k < 8:
            return k
    lo = 0
    hi = size
    while lo < hi:
        mid = (lo + hi) // 2
        if table[mid] <= u:
            lo = mid + 1
        else:
            hi = mid
    return -1 if lo >= size else lo


@cuda.jit(device=True)
def binomial_draw(states, thread, n, p):
    """One draw of ``Binomial(n, p)`` (``n`` whole, ``0 <= p <= 1``) from generator ``thread`` of ``states``."""
    trials = int(n)
    if trials <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return trials
    flip = p > 0.5
    if flip:
        p = 1.0 - p
    ratio = p / (1.0 - p)
    mode = min(int((trials + 1) * p), trials)
    at_mode = math.exp(math.lgamma(trials + 1.0) - math.lgamma(mode + 1.0) - math.lgamma(trials - mode + 1.0)
                       + mode * math.log(p) + (trials - mode) * math.log1p(-p))
    while True:
        u = xoroshiro128p_uniform_float64(states, thread) - at_mode
        k = mode if u < 0.0 else -1
        lo = mode
        hi = mode
        below = at_mode
        above = at_mode
        while k < 0 and (below > 0.0 or above > 0.0) and (lo > 0 or hi < trials):
            if lo > 0:
                below *= lo / ((trials - lo + 1) * ratio)  # P(lo - 1) from P(lo)
                lo -= 1
                u -= below
                if u < 0.0:
                    k = lo
                    break
            if hi < trials:
                above *= (trials - hi) * ratio / (hi + 1)  # P(hi + 1) from P(hi)
                hi += 1
                u -= above
                if u < 0.0:
                    k = hi
                    break
        if k >= 0:
            return trials - k if flip else k


@cuda.jit(device=True)
def geometric_draw(states, thread, p):
    """One draw of ``Geometric(p)`` (1 or more) from generator ``thread`` of ``states``; ``p >= 1`` gives 1.

    NumPy refuses ``p`` outside ``(0, 1]``; a thread cannot raise, so ``p <= 0`` (and NaN) give
    :data:`NEVER`, the count of a success that does not come, as does a count past it.
    """
    if p >= 1.0:
        return 1
    if not p > 0.0:
        return NEVER
    u = xoroshiro128p_uniform_float64(states, thread)
    count = math.floor(math.log1p(-u) / math.log1p(-p)) + 1.0
    return int(count) if count < NEVER else NEVER


DRAW_FUNCTIONS = {"gpu_binomial_from_cdf": gpu_binomial_from_cdf, "binomial_draw": binomial_draw,
                  "geometric_draw": geometric_draw}
"""The device functions generated step kernels call for whole-number draws (``codegen.device_forms`` names them)."""
