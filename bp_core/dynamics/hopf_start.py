"""The first step of a cycle branch from a Hopf point, checked against the Hopf point itself.

A branch born at a Hopf point starts with one Newton-corrected orbit a step away; special points are
then found between consecutive orbits of the branch. Between the Hopf point and that first orbit nothing
is looked at, and on a branch whose parameter moves fast with the amplitude one step can carry a
multiplier through -1 (AUTO-07p's ``fhh`` demo: a period doubling 0.018 in the parameter from the Hopf
point, passed by the first orbit). The zero-amplitude orbit at the Hopf point has known multipliers,
``exp(2 pi lambda / omega)`` of the equilibrium's eigenvalues (the critical pair giving two at 1), so the
first orbit's period-doubling and torus tests can be compared with theirs: a sign that differs means the
step passed a special point, and the start is taken again with a shorter step.
"""

from __future__ import annotations

import numpy as np


def multiplier_tests(others: np.ndarray) -> np.ndarray:
    """Signs of the period-doubling test ``prod(mu + 1)`` and the torus test ``prod(mu_i mu_j - 1)``
    over the nontrivial multipliers ``others`` (the tests a cycle branch follows)."""
    pd = np.prod(others + 1).real
    ns = 1.0 + 0j
    for i in range(others.size):
        for j in range(i + 1, others.size):
            ns *= others[i] * others[j] - 1
    return np.sign([pd, ns.real])


def hopf_multipliers(jacobian: np.ndarray, omega: float) -> np.ndarray:
    """The nontrivial multipliers of the zero-amplitude orbit at a Hopf point of frequency ``omega``: one at
    1 (the critical pair's second) and ``exp(2 pi lambda / omega)`` of every other eigenvalue."""
    lam = np.linalg.eigvals(jacobian)
    critical = np.argsort(np.abs(np.abs(lam.imag) - omega) + np.abs(lam.real))[:2]
    rest = np.delete(lam, critical)
    return np.concatenate([[1.0 + 0j], np.exp(2 * np.pi * rest / omega)])


def passes_nothing(hopf_others: np.ndarray, first_multipliers: np.ndarray, inaccurate: float = 5e-2) -> bool:
    """Whether the first orbit's tests have the Hopf point's signs (``first_multipliers``: the trivial one
    first). Where the trivial multiplier is off by more than ``inaccurate`` the multipliers say nothing
    (their tests are not followed there either), and the step is kept."""
    if abs(first_multipliers[0] - 1) > inaccurate or hopf_others.size < 2:
        return True
    return bool(np.array_equal(multiplier_tests(hopf_others), multiplier_tests(first_multipliers[1:])))
