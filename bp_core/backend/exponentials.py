"""``exp``, ``expm1`` and exponential Euler's ``exprel`` as arithmetic that runs on SIMD lanes.

A step's ``np.exp(x)`` compiled by numba is a call into the C library, one element at a time: the call keeps
LLVM from vectorising the element loop around it, and a Hodgkin-Huxley neuron step (eight ``exp`` and four
``expm1`` an element) spent most of its time in those calls. Written here as a polynomial and a scaling by a
power of two (multiplications, additions, one integer shift: nothing LLVM cannot put on vector lanes), the
same loop runs four elements at a time (``passes.simd_math`` rewrites the calls; ``targets/numba_helpers.py``
emits the same operations in the same order as LLVM instructions).

Both take Cody and Waite's reduction ``x = k ln 2 + r`` (``|r| <= ln 2 / 2``, ``ln 2`` in two parts) and
``e^r - 1`` by its Taylor series (:func:`series`); ``2^k`` is built from its exponent bits. ``simd_exp`` is
``2^k (1 + (e^r - 1))``; ``simd_expm1`` is ``2^k (e^r - 1) + (2^k - 1)``, and ``e^r - 1`` itself for ``k = 0``,
which keeps the digits and the sign of 0 near 0. Over the double range ``simd_exp`` is within 1 ulp of the C
library's ``exp``, ``simd_expm1`` within 2 of its ``expm1`` and ``exprel`` within 3 of scipy's, with the same
special values (NaN, infinities, overflow to ``inf`` above 709.78, underflow to 0 below -745.13;
``tests/bp_core/backend/test_exponentials.py``). They are not bit for bit the C library's, so a run's last bits
differ from what ``np.exp`` would give; the plain NumPy target runs these same forms, so jit on and off agree
bit for bit.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from bp_core.backend import cache
from bp_core.backend.helpers import helper

__all__ = ["simd_exp", "simd_expm1", "series", "HORNER", "EXPM1_COEFFICIENTS", "LOG2E", "LN2_HI", "LN2_LO", "OVERFLOW", "UNDERFLOW",
           "REDUCIBLE", "SHIFTED", "NEAR"]

LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01
"""``ln 2`` rounded to 32 bits: ``k * LN2_HI`` is exact for every ``k`` the reduction meets."""
LN2_LO = 1.90821492927058770002e-10
"""``ln 2 - LN2_HI``."""
EXPM1_COEFFICIENTS = tuple(1.0 / math.factorial(k) for k in range(1, 16))
"""``expm1(r) / r`` for ``|r| <= ln 2 / 2``: Taylor coefficients of degree 0 to 14, lowest first (truncation
below 1e-20)."""
OVERFLOW = 709.782712893384
"""Above this ``exp`` is infinite (``log`` of the largest double)."""
UNDERFLOW = -745.1332191019412
"""Below this ``exp`` rounds to 0 (``log`` of half the smallest subnormal)."""
REDUCIBLE = 746.0
"""Arguments at or below ``-REDUCIBLE``, above ``OVERFLOW`` and NaN skip the reduction (their result is a special
value): the power of two stays an integer and nothing overflows on the way."""
SHIFTED = 56
"""From ``2^k`` above ``2^SHIFTED`` on, ``expm1`` is ``exp``: the 1 is below half an ulp."""
NEAR = 60
"""``expm1``'s ``2^k (e^r - 1) + 2^k - 1`` takes ``k`` clipped to ``[-NEAR, NEAR]`` (beyond, ``-1`` or unused)."""


def series(coefficients: tuple[float, ...], x, add=None, multiply=None):
    """``sum(c_i x^i)``: Horner's rule on the first ``HORNER`` terms around Estrin's scheme for the rest (pairs
    ``c_2i + c_2i+1 x``, then pairs of those with ``x^2``, ``x^4``, ...).

    Horner's rule alone is a chain of 28 dependent operations for degree 14, which keeps the processor from
    overlapping a step's independent exponentials (a COBA-HH neuron step 80 -> 53 ns a neuron); Estrin's alone
    rounds the low-order terms early (``expm1`` 4 ulp off instead of 2). The mix is 12 deep and rounds as Horner's
    (the Estrin part is scaled by ``x^HORNER``). ``add`` and ``multiply``
    default to ``+`` and ``*``; the compiled form passes LLVM instructions, in the same order.
    """
    add = add or (lambda a, b: a + b)
    multiply = multiply or (lambda a, b: a * b)
    terms = list(coefficients[HORNER:])
    power = x
    while len(terms) > 1:
        if len(terms) % 2:
            terms.append(None)
        terms = [low if high is None else add(low, multiply(high, power)) for low, high in zip(terms[::2], terms[1::2])]
        if len(terms) > 1:
            power = multiply(power, power)
    total = terms[0]
    for c in coefficients[HORNER - 1::-1]:
        total = add(c, multiply(x, total))
    return total


HORNER = 2
"""How many low-order terms :func:`series` takes by Horner's rule."""


def _power_of_two(k):
    bits = (np.asarray(k, dtype=np.int64) + 1023) << 52
    return bits.view(np.float64)


def _reduced(wide: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(e^r - 1, k)`` with ``x = k ln 2 + r``, ``|r| <= ln 2 / 2``."""
    reduced = np.where((wide > -REDUCIBLE) & (wide <= OVERFLOW), wide, 0.0)
    k = np.floor(reduced * LOG2E + 0.5)
    r = (reduced - k * LN2_HI) - k * LN2_LO
    return r * series(EXPM1_COEFFICIENTS, r), k.astype(np.int64)


def _scaled(em1: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """``2^k e^r``, the power of two as two factors (exact for subnormal results and ``k = 1024``)."""
    half = whole >> 1
    return (em1 + 1.0) * _power_of_two(half) * _power_of_two(whole - half)


def _elementwise(x, one_float: Callable, arrays: Callable, complex_form: Callable):
    """``one_float`` of a Python float, ``complex_form`` of complex values, else ``arrays`` of the values in float64
    (float32 values rounded back)."""
    if type(x) in (float, np.float64):
        return one_float(float(x))
    values = np.asarray(x)
    if values.dtype.kind == "c":
        return complex_form(x)
    return _like(arrays(values.astype(np.float64)), values)


def _exp_arrays(wide: np.ndarray) -> np.ndarray:
    out = _scaled(*_reduced(wide))
    out = np.where(wide > OVERFLOW, np.inf, out)
    out = np.where(wide < UNDERFLOW, 0.0, out)
    return np.where(wide != wide, wide, out)


def _expm1_arrays(wide: np.ndarray) -> np.ndarray:
    em1, whole = _reduced(wide)
    t = _power_of_two(np.clip(whole, -NEAR, NEAR))
    out = np.where(whole > SHIFTED, _scaled(em1, whole), np.where(whole == 0, em1, em1 * t + (t - 1.0)))
    out = np.where(wide > OVERFLOW, np.inf, out)
    out = np.where(wide <= -REDUCIBLE, -1.0, out)
    return np.where(wide != wide, wide, out)


@helper
def simd_exp(x):
    """``exp(x)`` for a number or an array of floats, within 1 ulp (see the module's docstring).

    Complex values take NumPy's ``exp``; float32 values are computed in float64 and rounded back.
    """
    return _elementwise(x, _exp_float, _exp_arrays, np.exp)


@helper
def simd_expm1(x):
    """``exp(x) - 1`` for a number or an array of floats, within 2 ulp of ``np.expm1``, exact near 0."""
    return _elementwise(x, _expm1_float, _expm1_arrays, np.expm1)


def _exp_parts(x: float) -> tuple[float, int]:
    """``_reduced`` of one Python float, in Python's arithmetic (the same IEEE operations, 20x faster than
    NumPy's on a 0-d array: the plain NumPy target calls these once per element of a scalar-mode step)."""
    k = math.floor(x * LOG2E + 0.5)
    r = (x - k * LN2_HI) - k * LN2_LO
    return r * series(EXPM1_COEFFICIENTS, r), k


def _exp_float(x: float) -> np.float64:
    if x != x:
        return np.float64(x)
    if x > OVERFLOW:
        return np.float64(math.inf)
    if x < UNDERFLOW:
        return np.float64(0.0)
    em1, k = _exp_parts(x)
    half = k >> 1
    return np.float64((em1 + 1.0) * math.ldexp(1.0, half) * math.ldexp(1.0, k - half))


def _expm1_float(x: float) -> np.float64:
    if x != x:
        return np.float64(x)
    if x > OVERFLOW:
        return np.float64(math.inf)
    if x <= -REDUCIBLE:
        return np.float64(-1.0)
    em1, k = _exp_parts(x)
    if k == 0:
        return np.float64(em1)
    if k > SHIFTED:
        half = k >> 1
        return np.float64((em1 + 1.0) * math.ldexp(1.0, half) * math.ldexp(1.0, k - half))
    t = math.ldexp(1.0, min(max(k, -NEAR), NEAR))
    return np.float64(em1 * t + (t - 1.0))



def _like(out: np.ndarray, values: np.ndarray):
    out = out.astype(np.float32) if values.dtype == np.float32 else out
    return out[()] if values.ndim == 0 else out


cache.add_engine_file(__file__)
