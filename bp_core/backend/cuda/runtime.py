"""The device side of the GPU target's runtime: the kernels every network uses, and device helpers.

Generated step kernels call the device functions here (``DEVICE_FUNCTIONS``) where CPU code calls
``bp_core.backend.runtime``; the host loop launches the kernels here for inputs, monitors and checks.
Importing this module imports numba-cuda (``NUMBA_ENABLE_CUDASIM=1`` before that import runs
everything in numba-cuda's simulator).
"""

from __future__ import annotations

import math
import warnings

from numba import cuda
from numba.core.errors import NumbaWarning

from bp_core.backend.cuda.draws import DRAW_FUNCTIONS

with warnings.catch_warnings():  # numba-cuda's random module hands numba.jit options it deprecates, and warns
    warnings.simplefilter("ignore", NumbaWarning)
    from numba.cuda import random as cuda_random

__all__ = ["DEVICE_FUNCTIONS", "KERNELS", "OPS", "cuda_random", "record_events", "mark_start", "copy_row",
           "copy_selected", "apply_input", "check_finite", "queue_capture", "queue_arrival", "queue_advance",
           "checked_index"]

OPS = {"+": 0, "-": 1, "*": 2, "/": 3, "=": 4}
"""Input operator -> the code ``apply_input`` takes."""


@cuda.jit
def record_events(values, step, index, steps, kept, count):
    """Append each nonzero element of ``values`` (one thread each) with ``step``; ``count[0]`` is the record's end.

    Threads append in no fixed order; the host sorts each run's new events by step and element.
    """
    i = cuda.grid(1)
    if i < values.shape[0] and values[i] != 0:
        k = cuda.atomic.add(count, 0, 1)
        index[k] = i
        steps[k] = step
        if kept.shape[0] > 0:
            kept[k] = values[i]


@cuda.jit
def mark_start(count, start):
    """``start[0] = count[0]``: where this step's events begin (steps that follow the list read from there)."""
    if cuda.grid(1) == 0:
        start[0] = count[0]


@cuda.jit
def copy_row(record, values):
    """``record[:] = values``: one row of a dense monitor."""
    i = cuda.grid(1)
    if i < values.shape[0]:
        record[i] = values[i]


@cuda.jit
def copy_selected(record, values, selected):
    """``record[:] = values[selected]``: one row of a monitor of chosen elements."""
    i = cuda.grid(1)
    if i < selected.shape[0]:
        record[i] = values[selected[i]]


@cuda.jit
def apply_input(target, values, op):
    """``target op= values`` (a single value broadcast); ``op`` as ``OPS`` codes it."""
    i = cuda.grid(1)
    if i < target.shape[0]:
        v = values[i] if values.shape[0] > 1 else values[0]
        if op == 0:
            target[i] += v
        elif op == 1:
            target[i] -= v
        elif op == 2:
            target[i] *= v
        elif op == 3:
            target[i] /= v
        else:
            target[i] = v


@cuda.jit
def check_finite(values, flag, step):
    """Lower ``flag[0]`` to ``step`` when an element of ``values`` is NaN or infinite."""
    i = cuda.grid(1)
    if i < values.shape[0] and values[i] * 0.0 != 0.0:
        cuda.atomic.min(flag, 0, step)


@cuda.jit
def queue_capture(values, src, ev, val, n, pos, factor, scaled):
    """This step's events (nonzero ``values`` at the queue's sources ``src``) into the queue's current slot,
    each value times ``factor`` when ``scaled`` (the parameters ``QueueCapture.factors``, as they are now).

    One thread, in the order of the sources, which is the CPU kernel's: the order of a slot's events is the
    order of the arrivals, and so of the atomic adds of the delayed step.
    """
    if cuda.grid(1) != 0:
        return
    c = pos[1]
    m = 0
    for e in range(src.shape[0]):
        if values[src[e]] != 0:
            ev[c, m] = e
            val[c, m] = values[src[e]] * factor if scaled else values[src[e]]
            m += 1
    n[c] = m


@cuda.jit
def queue_arrival(ev, val, n, pos, ptr, syn, arr, na, dval, rows, scales):
    """Push the current slot into the write slot; list the synapses whose delay ends now (``codegen.queue_ops``)."""
    if cuda.grid(1) != 0:
        return
    w = pos[0]
    c = pos[1]
    n[w] = n[c]
    for e in range(n[c]):
        ev[w, e] = ev[c, e]
        val[w, e] = val[c, e]
    m = 0
    for a in range(pos[2]):
        s = (w - pos[3] - a) % c
        for e in range(n[s]):
            x = val[s, e]
            r = ev[s, e] * pos[2] + a
            for k in range(ptr[r], ptr[r + 1]):
                y = syn[k]
                arr[m] = y
                for q in range(rows.shape[0]):
                    dval[0, rows[q], y] = scales[q] * x
                m += 1
    na[0] = m


@cuda.jit
def queue_advance(pos):
    """``pos[0] = (pos[0] + 1) % pos[1]``: the queue's write slot moves on."""
    if cuda.grid(1) == 0:
        pos[0] = (pos[0] + 1) % pos[1]


KERNELS = {"queue_capture": queue_capture, "queue_arrival": queue_arrival, "queue_advance": queue_advance,
           "record_events": record_events, "mark_start": mark_start, "copy_row": copy_row,
           "copy_selected": copy_selected, "apply_input": apply_input, "check_finite": check_finite}
"""Every runtime kernel, by name (the PTX check compiles each)."""


@cuda.jit(device=True)
def exprel(z):
    """``(exp(z) - 1) / z``, 1 at ``z = 0`` (exponential Euler's factor)."""
    return 1.0 if z == 0.0 else math.expm1(z) / z


@cuda.jit(device=True)
def checked_index(index, size, bad, code):
    """``index`` if it is in range for an axis of ``size`` (negative: from the end); else 0, and ``bad[0]`` lowered
    to ``code`` (the safe mode's bounds check, see ``codegen.device_bounds``)."""
    if -size <= index < size:
        return index
    cuda.atomic.min(bad, 0, code)
    return 0


@cuda.jit(device=True)
def floor_divide(a, b):
    """``a // b`` (no exception on the device: an integer division by zero gives what the hardware gives)."""
    return a // b


@cuda.jit(device=True)
def remainder(a, b):
    """``a % b``."""
    return a % b


def _block_test(compare):
    @cuda.jit(device=True)
    def any_in_block(values, start, threshold):
        end = min(start + 64, values.shape[0])
        for k in range(start, end):
            if compare(values[k], threshold):
                return True
        return False

    return any_in_block


_COMPARE = {
    "gt": cuda.jit(device=True)(lambda a, b: a > b),
    "ge": cuda.jit(device=True)(lambda a, b: a >= b),
    "lt": cuda.jit(device=True)(lambda a, b: a < b),
    "le": cuda.jit(device=True)(lambda a, b: a <= b),
    "eq": cuda.jit(device=True)(lambda a, b: a == b),
    "ne": cuda.jit(device=True)(lambda a, b: a != b),
}

DEVICE_FUNCTIONS = {"exprel": exprel, "checked_index": checked_index,
                    "floor_divide": floor_divide, "remainder": remainder, "math": math,
                    "cuda": cuda, "xoroshiro128p_normal_float64": cuda_random.xoroshiro128p_normal_float64,
                    "xoroshiro128p_uniform_float64": cuda_random.xoroshiro128p_uniform_float64}
DEVICE_FUNCTIONS.update({f"any_in_block_{name}": _block_test(test) for name, test in _COMPARE.items()})
DEVICE_FUNCTIONS.update(DRAW_FUNCTIONS)
"""Names generated step kernels may call, as the GPU provides them (see ``grid_loop.DEVICE_HELPERS``)."""
