"""Exact binomial draws by inversion of a cumulative table, for drives that draw one count per neuron and step.

A summed Poisson drive draws ``k ~ Binomial(N, p)`` for every neuron at every step with the same ``N`` and
``p``. A general binomial sampler (numba's, NumPy's) recomputes ``(1 - p)**N`` and its bound at each call
and walks the probabilities with a division per term, about 70 ns a draw. Here the cumulative probabilities
are computed once (the step's invariant-hoisting pass moves :func:`binomial_cdf` out of the loop over
neurons, because it is marked pure) and a draw compares one uniform number with them: the first eight
comparisons are counted without branches (a count of 0 to 7 is the usual case at small ``N p``), the rest
are a binary search.

This is the inversion method NumPy uses for ``N p <= 30`` (``random_binomial_inversion``), with the same
bound ``N p + 10 sqrt(N p (1 - p) + 1)``: a uniform number beyond the probability summed up to the bound
(less than 1e-12 of them) is drawn again, as NumPy starts its walk again. Outside that range (large ``N p``,
``p > 1/2``) the table is empty and the caller uses the generator's own binomial draw.

On the GPU (``device='gpu'``) the host computes the table, once per run, and passes it to the step kernel
(``codegen.device_host_values``); each thread inverts it with a uniform number of its own generator, by
the device form of :func:`binomial_from_cdf` (``backend.cuda.draws``).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["binomial_cdf", "binomial_from_cdf", "INVERSION_LIMIT"]

INVERSION_LIMIT = 30.
"""Largest ``N p`` drawn by inversion (NumPy's limit too): beyond it the walk gets long and ``(1 - p)**N``
comes close to underflow."""


def binomial_cdf(n: float, p: float) -> np.ndarray:
    """Cumulative probabilities ``P(K <= k)``, ``k = 0 .. bound``, of ``K ~ Binomial(n, p)``.

    Parameters
    ----------
    n : float
        Number of trials, a whole number.
    p : float
        Probability of each.

    Returns
    -------
    numpy.ndarray
        The table; empty where inversion does not apply (``n`` negative or not whole, ``p`` outside
        ``[0, 1/2]``, ``n p`` over :data:`INVERSION_LIMIT`): the caller then draws otherwise (or
        refuses the values).
    """
    if not (0. <= p <= 0.5) or not (0. <= n <= 1e15) or n != math.floor(n) or n * p > INVERSION_LIMIT:
        return np.empty(0)
    q = 1. - p
    mean = n * p
    bound = int(min(n, math.floor(mean + 10. * math.sqrt(mean * q + 1.))))
    table = np.empty(bound + 1)
    term = q ** n  # P(K = 0); n p <= 30 keeps it far from underflow
    ratio = p / q
    total = 0.
    for k in range(bound + 1):
        total += term
        table[k] = total
        term = term * (n - k) * ratio / (k + 1)
    return table


binomial_cdf.bp_pure = True  # no side effects: the hoisting pass may compute it once per step


def binomial_from_cdf(table: np.ndarray, u: float) -> int:
    """The count ``k`` with ``table[k - 1] <= u < table[k]``, or -1 where ``u`` is past the table's end.

    Parameters
    ----------
    table : numpy.ndarray
        Cumulative probabilities from :func:`binomial_cdf` (not empty).
    u : float
        A uniform number in ``[0, 1)``.

    Returns
    -------
    int
        The draw; -1 asks the caller for another uniform number (the rare tail beyond the bound).
    """
    size = table.shape[0]
    lo = 0
    if size >= 8:
        # branch-free: which of the first eight a uniform number passes is unpredictable
        for j in range(8):
            lo += u >= table[j]
        if lo < 8:
            return lo
    # the rest by bisection, as np.searchsorted(table, u, side="right") finds it: numba's searchsorted lives
    # in a module whose import brings in SciPy's linear algebra, which a new process loading a cached kernel
    # that calls it would import only for this
    hi = size
    while lo < hi:
        mid = (lo + hi) // 2
        if u < table[mid]:
            hi = mid
        else:
            lo = mid + 1
    return -1 if lo >= size else lo


# The GPU target's runtime provides the same search as a device function (the table is made on the host).
binomial_from_cdf.bp_device_form = "gpu_binomial_from_cdf"
