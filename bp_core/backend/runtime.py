"""Helpers that generated code calls, in their plain NumPy form, each registered once (``helpers.helper``).

Targets register their own implementations of the same helpers (numba's in
``targets/numba_helpers.py``), so one generated source runs on every target.
"""

from __future__ import annotations

import math

import numpy as np

from bp_core.backend import cache
from bp_core.backend.exponentials import OVERFLOW, simd_expm1
from bp_core.backend.helpers import helper, runtime_scope

__all__ = ["exprel", "normal_like", "generator_random", "generator_binomial",
           "generator_geometric", "first_nonfinite_row", "any_nonfinite", "any_in_block",
           "index_update", "fresh_copy", "input_row", "decay_powers", "DECAY_POWERS", "floor_divide", "remainder", "record_events", "add_sums",
           "record_row", "record_selected", "prange", "RUNTIME_SCOPE", "GENERATOR_DRAWS"]


@helper
def exprel(z):
    """Return ``(exp(z) - 1) / z``, equal to 1 at ``z = 0``; scalars or arrays.

    Exponential Euler uses ``dt * exprel(dt * A)``, which stays finite when the linear coefficient ``A``
    vanishes. ``exp(z) - 1`` is :func:`~bp_core.backend.exponentials.simd_expm1`, which compiled loops run on
    SIMD lanes (within 2 ulp of ``scipy.special.exprel``).
    """
    if type(z) in (float, np.float64):  # one element of a scalar-mode step: Python's arithmetic, as fast as scipy's
        if z > OVERFLOW:
            return np.float64(math.inf)
        return np.float64(1.0) if abs(z) < 1e-16 else np.float64(simd_expm1(float(z)) / z)
    values = np.asarray(z)
    wide = values.astype(np.float64)
    # above OVERFLOW the ratio is infinite: computed at OVERFLOW there, which makes no inf / inf
    bounded = np.minimum(wide, OVERFLOW)
    ratio = np.asarray(simd_expm1(bounded)) / np.where(bounded != 0.0, bounded, 1.0)
    out = np.where(wide > OVERFLOW, np.inf, ratio)
    out = np.where(np.abs(wide) < 1e-16, 1.0, out)
    out = out.astype(np.float32) if values.dtype == np.float32 else out
    return out[()] if values.ndim == 0 else out


@helper
def normal_like(rng, x):
    """Draw standard normal numbers from ``rng`` shaped like ``x`` (a float for a scalar)."""
    shape = np.shape(x)
    return rng.standard_normal(shape) if shape else rng.standard_normal()


GENERATOR_DRAWS = {("random", 0): "generator_random", ("binomial", 2): "generator_binomial",
                   ("geometric", 1): "generator_geometric"}
"""(Generator method, positional arguments) of one draw in a step -> the runtime helper it becomes, called with the
generator first (``np.random.binomial(n, p)`` is ``generator_binomial(rng, n, p)``)."""


@helper
def generator_random(rng):
    """One uniform number in [0, 1) from the generator ``rng`` (what ``np.random.random()`` in a step becomes).

    The same draw as ``rng.random()``, compiled once into numba's cache (see :func:`generator_binomial`).
    """
    return rng.random()


@helper
def generator_binomial(rng, n, p):
    """One draw of ``Binomial(n, p)`` from the generator ``rng`` (what ``np.random.binomial(n, p)`` in a step becomes).

    The same draw as ``rng.binomial(n, p)``: compiled, it is numba's implementation of that method, compiled
    once into numba's cache instead of into every kernel that draws.
    """
    return rng.binomial(n, p)


@helper
def generator_geometric(rng, p):
    """One draw of ``Geometric(p)`` from the generator ``rng`` (what ``np.random.geometric(p)`` in a step becomes).

    The number of Bernoulli(``p``) trials up to and including the first success, 1 or more: the same draw as
    ``rng.geometric(p)``, which refuses ``p`` outside ``(0, 1]`` (numba's implementation divides by zero at
    ``p = 0``). Compiled once into numba's cache, as :func:`generator_binomial`.
    """
    return rng.geometric(p)


@helper
def first_nonfinite_row(data):
    """Return the first row of ``data`` holding a NaN or an infinity, or -1."""
    bad = ~np.isfinite(data.reshape(data.shape[0], -1)).all(axis=1)
    return int(np.argmax(bad)) if bad.any() else -1


_COMPARE = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal, "==": np.equal,
            "!=": np.not_equal}


@helper
def any_in_block(values, start, op, threshold):
    """Return True if some of the 64 elements of ``values`` from ``start`` compare ``op`` to ``threshold``.

    Event scans test blocks with it before looking at single elements (see ``sparse_scan``).
    """
    return bool(_COMPARE[op](values[start:start + 64], threshold).any())


@helper
def any_nonfinite(values):
    """Return True if the array ``values`` holds a NaN or an infinity."""
    return not np.isfinite(values).all()


@helper
def record_events(values, step, index, steps, kept, count):
    """Append the nonzero elements of ``values`` at ``step`` to an event record; return the new count.

    ``index`` and ``steps`` receive the element and the step of each event, ``kept`` its value
    (unless it is empty: values known to be 1 are not stored). The caller guarantees room for
    ``values.size`` more events.
    """
    hits = np.flatnonzero(values)
    end = count + hits.size
    index[count:end] = hits
    steps[count:end] = step
    if kept.shape[0]:
        kept[count:end] = values[hits]
    return end


_UPDATES = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


@helper
def fresh_copy(value):
    """``value`` itself if it is a number, a copy if it is an array.

    Generated code reads through it the right side of an in-place update that may overlap its target
    (``passes.overlapping_updates``): compiled, ``a += a[::-1]`` reads elements the update already changed.
    """
    return value.copy() if isinstance(value, np.ndarray) else value


@helper
def index_update(target, index, value, op):
    """``target[index] op= value`` (``op`` one of ``+ - * /``, or ``=`` for assignment).

    Generated code calls it for fancy-indexed updates of index-list rows (see ``idioms``); compiled, it
    is one loop over ``index`` with no temporary array. Returns True if a value it stored is NaN or
    infinite (the safe mode's check, see ``finite_folding``).
    """
    if op == "=":
        target[index] = value
    else:
        target[index] = _UPDATES[op](target[index], value)
    return not np.isfinite(target[index]).all()


@helper
def input_row(row, value, op):
    """``row op= value`` (``op`` one of ``+ - * /``, or ``=``): an input applied to a field's row.

    ``value`` is one number or one per element of ``row``. Compiled, it is one loop over the row (a slice
    update in a kernel is a broadcast over an array view, which costs a small group more than its step).
    """
    if op == "=":
        row[...] = value
    else:
        _UPDATES[op](row, value, out=row)


@helper
def floor_divide(a, b):
    """``a // b``, raising ZeroDivisionError for an integer divisor of 0 (compiled code too)."""
    if isinstance(b, (int, np.integer)) and not isinstance(b, bool) and b == 0 and \
            isinstance(a, (int, np.integer)):
        raise ZeroDivisionError("integer division by zero in a step function")
    return a // b


DECAY_POWERS = 4096
"""How many powers of a trace's per-step factor ``decay_powers`` tabulates (32 KB: steps between two visits of a
synapse in 0.4 s at dt 0.1 ms, most of them at the rates of the plasticity models)."""


@helper
def decay_powers(log_factor):
    """``exp(log_factor * k)`` for ``k`` from 0 to ``DECAY_POWERS - 1``: a trace's per-step factor to the power of
    the steps between two visits of its synapse (``codegen.passes.decay_at_events``), computed once per run."""
    return np.exp(log_factor * np.arange(DECAY_POWERS, dtype=np.float64))


@helper
def remainder(a, b):
    """``a % b``, raising ZeroDivisionError for an integer divisor of 0 (compiled code too)."""
    if isinstance(b, (int, np.integer)) and not isinstance(b, bool) and b == 0 and \
            isinstance(a, (int, np.integer)):
        raise ZeroDivisionError("integer modulo by zero in a step function")
    return a % b


@helper
def add_sums(field, index, values):
    """Add each ``values[s]`` to ``field[index[s]]`` (a summed variable: the sum of a synapse field per neuron)."""
    field += np.bincount(index, weights=values, minlength=field.shape[0])


@helper
def record_row(record, row, values):
    """Store ``values`` as row ``row`` of a monitor record."""
    record[row] = values


@helper
def record_selected(record, row, values, selection):
    """Store the elements ``selection`` of ``values`` as row ``row`` of a monitor record."""
    record[row] = values[selection]


prange = range
"""``numba.prange`` in compiled code: element loops that may run on all cores."""

RUNTIME_SCOPE = runtime_scope({"np": np, "prange": prange})
"""Names every generated source may use besides the user's own."""

cache.add_engine_file(__file__)
