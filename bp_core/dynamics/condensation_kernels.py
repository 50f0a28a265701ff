"""Compiled loops of the condensation: each mesh interval's Gaussian elimination, the elimination of the
boundary nodes one interval after another, and their right-hand sides.

Imported on the first factorisation, so ``import bp_core`` does not import numba, and an analysis that
continues equilibria only never compiles them. Every loop is over small dense blocks (``m dim`` rows), where
numpy's per-call overhead would exceed the arithmetic.

How they compile is chosen for a new installation's first diagram, where compiling them is most of the wait:
each kernel called from Python declares its one signature (C-contiguous float64 and int64 arrays), so
:func:`load` compiles it once, or loads it from numba's on-disk cache, and an array of another layout or type is
refused instead of compiling a second specialization. The helpers they share (one interval's elimination, its
forward and back substitution, a right-hand side's two reductions) are called from compiled code only: they
have no Python wrapper and no cache entry of their own (each kernel's cache entry holds the code it calls), so
a process that loads the kernels compiles nothing, and loads them without numba's compiler set-up
(``backend.targets.numba_cache``). Importing this module compiles nothing: :func:`cached` tells whether
:func:`load` would only read the cache (``condensation_start`` compiles them in a background process on a new
installation).
"""

from __future__ import annotations

import numba
import numpy as np
from numba import boolean, float64, int64, void

from bp_core.backend.targets.numba_cache import cached_njit, has_cache_entries

__all__ = ["eliminate", "fold", "solve", "interval_blocks", "arrange", "KERNELS", "cached", "load"]

_F1, _F2, _F3 = float64[::1], float64[:, ::1], float64[:, :, ::1]
_I1, _I2 = int64[::1], int64[:, ::1]
# compiled when a kernel is, for the layouts the kernel hands them; never called from Python
_HELPER = dict(nogil=True, no_cpython_wrapper=True, no_cfunc_wrapper=True)


#: Each kernel's one signature, compiled (or loaded from the cache) by :func:`load`.
_SIGNATURES: dict = {}


def _kernel(signature):
    """``numba.njit(signature, nogil=True, cache=True)``, compiled by :func:`load` rather than when decorated;
    its cache hit loaded without the compiler set-up."""

    def declare(func):
        dispatcher = cached_njit(func, nogil=True)
        _SIGNATURES[dispatcher] = signature
        return dispatcher

    return declare


@numba.njit(**_HELPER)
def _eliminate_one(g: np.ndarray, inner: int, pivots: np.ndarray) -> bool:
    """Gaussian elimination with partial pivoting of the first ``inner`` columns of ``g`` (R, W), in place:
    the triangular factor on top, the multipliers below it, the rest of each row transformed. False where a
    pivot is zero. Rows are swapped from the pivot's column on only: earlier multipliers stay where they were
    made, so :func:`_forward` applies each swap in turn."""
    n_rows, width = g.shape
    for c in range(inner):
        p = c
        big = abs(g[c, c])
        for r in range(c + 1, n_rows):
            v = abs(g[r, c])
            if v > big:
                big = v
                p = r
        if big == 0.0:
            return False
        pivots[c] = p
        if p != c:
            for k in range(c, width):
                g[c, k], g[p, k] = g[p, k], g[c, k]
        pivot = g[c, c]
        for r in range(c + 1, n_rows):
            f = g[r, c] / pivot
            g[r, c] = f
            if f != 0.0:
                for k in range(c + 1, width):
                    g[r, k] -= f * g[c, k]
    return True


@numba.njit(**_HELPER)
def _forward(g: np.ndarray, inner: int, pivots: np.ndarray, r: np.ndarray) -> None:
    """:func:`_eliminate_one`'s swaps and eliminations applied to the right-hand side ``r``, in place."""
    for c in range(inner):
        p = pivots[c]
        if p != c:
            r[c], r[p] = r[p], r[c]
        for i in range(c + 1, r.size):
            r[i] -= g[i, c] * r[c]


@numba.njit(**_HELPER)
def _back(g: np.ndarray, inner: int, r: np.ndarray, out: np.ndarray) -> None:
    """``out`` solving the triangular ``g[:inner, :inner] out = r[:inner]``."""
    for i in range(inner - 1, -1, -1):
        s = r[i]
        for j in range(i + 1, inner):
            s -= g[i, j] * out[j]
        out[i] = s / g[i, i]


@_kernel(boolean(_F3, int64, _I2, _F3))
def eliminate(a: np.ndarray, inner: int, pivots: np.ndarray, interior: np.ndarray) -> bool:
    """Each interval's block of ``a`` (N, R, W), interior columns first, eliminated in those columns in place:
    rows ``inner:`` become the condensed rows; ``pivots`` (N, inner); ``interior`` (N, inner, W - inner) the
    triangular factor's inverse times the top rows' other columns. False where a pivot is zero."""
    n_int, _, width = a.shape
    column = np.empty(inner)
    out = np.empty(inner)
    for n in range(n_int):
        if not _eliminate_one(a[n], inner, pivots[n]):
            return False
        for k in range(width - inner):
            for i in range(inner):
                column[i] = a[n, i, inner + k]
            _back(a[n], inner, column, out)
            for i in range(inner):
                interior[n, i, k] = out[i]
    return True


@numba.njit(**_HELPER)
def _reduce_rhs(a: np.ndarray, inner: int, pivots: np.ndarray, rhs: np.ndarray, top: np.ndarray,
               bottom: np.ndarray) -> None:
    """One right-hand side (N, R) through :func:`eliminate`'s factors: ``bottom`` (N, R - inner) the condensed
    rows' right-hand sides, ``top`` (N, inner) the interior unknowns when all others are zero."""
    n_int, n_rows, _ = a.shape
    r = np.empty(n_rows)
    out = np.empty(inner)
    for n in range(n_int):
        for i in range(n_rows):
            r[i] = rhs[n, i]
        _forward(a[n], inner, pivots[n], r)
        for i in range(n_rows - inner):
            bottom[n, i] = r[inner + i]
        _back(a[n], inner, r, out)
        for i in range(inner):
            top[n, i] = out[i]


@_kernel(boolean(_F3, _F2, _F3, _I2, _F3, _F2, _I1))
def fold(cond: np.ndarray, dense: np.ndarray, steps: np.ndarray, pivots: np.ndarray, through: np.ndarray,
         last: np.ndarray, last_pivots: np.ndarray) -> bool:
    """Eliminate the boundary nodes ``x_1 .. x_(N-1)`` from the condensed rows, one interval after another.

    ``cond`` (N, d, 2 d + 2): interval j's rows in ``x_j``, ``x_(j+1)``, period and parameter. Rows carried in
    ``x_0``, ``x_j``, period, parameter meet interval j's rows; ``x_j`` is eliminated from those 2 d rows with
    partial pivoting (``steps`` (N, 2 d, 3 d + 2), columns ``x_j``, ``x_0``, ``x_(j+1)``, period, parameter),
    and the d rows left are carried on. ``dense`` (2, (N + 1) d + 2), the phase and step rows, has each
    eliminated node substituted (``through`` (N, 2, d) their coefficients times the triangular factor's
    inverse); it is modified. ``last`` (2 d + 2, 2 d + 2), the carried rows, periodicity and the two
    dense rows in ``x_0``, ``x_N``, period and parameter, is factorised. False where a pivot is zero.
    """
    n_int, d, _ = cond.shape
    tp = (n_int + 1) * d
    carried = cond[0].copy()                                   # columns x_0, x_current, period, parameter
    for j in range(1, n_int):
        g = steps[j]
        for a in range(d):
            for c in range(d):
                g[a, c] = carried[a, d + c]
                g[a, d + c] = carried[a, c]
                g[a, 2 * d + c] = 0.0
                g[d + a, c] = cond[j, a, c]
                g[d + a, d + c] = 0.0
                g[d + a, 2 * d + c] = cond[j, a, d + c]
            for c in range(2):
                g[a, 3 * d + c] = carried[a, 2 * d + c]
                g[d + a, 3 * d + c] = cond[j, a, 2 * d + c]
        if not _eliminate_one(g, d, pivots[j]):
            return False
        # through = dense's x_j columns times U^-1 (a row solve with the upper triangular U).
        for r in range(2):
            for c in range(d):
                s = dense[r, j * d + c]
                for k in range(c):
                    s -= through[j, r, k] * g[k, c]
                through[j, r, c] = s / g[c, c]
            for k in range(d):
                w = through[j, r, k]
                for c in range(d):
                    dense[r, c] -= w * g[k, d + c]
                    dense[r, (j + 1) * d + c] -= w * g[k, 2 * d + c]
                    dense[r, j * d + c] = 0.0
                dense[r, tp] -= w * g[k, 3 * d]
                dense[r, tp + 1] -= w * g[k, 3 * d + 1]
        for a in range(d):
            for c in range(2 * d + 2):
                carried[a, c] = g[d + a, d + c]
    size = 2 * d + 2
    for a in range(size):
        for c in range(size):
            last[a, c] = 0.0
    for a in range(d):
        for c in range(size):
            last[a, c] = carried[a, c]
        last[d + a, a] = 1.0
        last[d + a, d + a] = -1.0
    for r in range(2):
        for c in range(d):
            last[2 * d + r, c] = dense[r, c]
            last[2 * d + r, d + c] = dense[r, n_int * d + c]
        last[2 * d + r, 2 * d] = dense[r, tp]
        last[2 * d + r, 2 * d + 1] = dense[r, tp + 1]
    return _eliminate_one(last, 2 * d + 2, last_pivots)


@numba.njit(**_HELPER)
def _fold_rhs(steps: np.ndarray, pivots: np.ndarray, through: np.ndarray, last: np.ndarray,
             last_pivots: np.ndarray, cond_rhs: np.ndarray, periodic: np.ndarray, dense_rhs: np.ndarray,
             boundary: np.ndarray, tail: np.ndarray) -> None:
    """Solve the reduced system factorised by :func:`fold`: ``cond_rhs`` (N, d), ``periodic`` (d) and
    ``dense_rhs`` (2) in; the boundary nodes ``boundary`` (N + 1, d) and period and parameter ``tail`` (2) out."""
    n_int, d = cond_rhs.shape
    tops = np.empty((n_int, d))
    r = np.empty(2 * d)
    carried = cond_rhs[0].copy()
    rd = dense_rhs.copy()
    for j in range(1, n_int):
        for i in range(d):
            r[i] = carried[i]
            r[d + i] = cond_rhs[j, i]
        _forward(steps[j], d, pivots[j], r)
        for i in range(d):
            tops[j, i] = r[i]
            carried[i] = r[d + i]
        for k in range(d):
            rd[0] -= through[j, 0, k] * r[k]
            rd[1] -= through[j, 1, k] * r[k]
    final = np.empty(2 * d + 2)
    for i in range(d):
        final[i] = carried[i]
        final[d + i] = periodic[i]
    final[2 * d] = rd[0]
    final[2 * d + 1] = rd[1]
    _forward(last, 2 * d + 2, last_pivots, final)
    solution = np.empty(2 * d + 2)
    _back(last, 2 * d + 2, final, solution)
    for i in range(d):
        boundary[0, i] = solution[i]
        boundary[n_int, i] = solution[d + i]
    tail[0] = solution[2 * d]
    tail[1] = solution[2 * d + 1]
    rest = np.empty(d)
    out = np.empty(d)
    for j in range(n_int - 1, 0, -1):
        g = steps[j]
        for i in range(d):
            s = tops[j, i]
            for c in range(d):
                s -= g[i, d + c] * boundary[0, c] + g[i, 2 * d + c] * boundary[j + 1, c]
            s -= g[i, 3 * d] * tail[0] + g[i, 3 * d + 1] * tail[1]
            rest[i] = s
        _back(g, d, rest, out)
        for i in range(d):
            boundary[j, i] = out[i]


@_kernel(void(_F3, _I2, _F3, _F3, _F3, _I2, _F3, _F2, _I1, _F1, _F1))
def solve(eliminated: np.ndarray, pivots: np.ndarray, interior: np.ndarray, row_interior: np.ndarray,
          steps: np.ndarray, pivots_b: np.ndarray, through_b: np.ndarray, last: np.ndarray, last_pivots: np.ndarray,
          rhs: np.ndarray, out: np.ndarray) -> None:
    """``out`` solving the bordered collocation system that :func:`eliminate` (``eliminated`` (N, m d, W),
    ``pivots``, ``interior``) and :func:`fold` (``steps`` to ``last_pivots``) factorised, for ``rhs``
    (collocation rows, periodicity, phase, step); ``row_interior`` (2, N, (m-1) d) the two dense rows'
    coefficients of the interior nodes. The whole solve in one call (a Newton iteration's or a tangent's):
    the intervals' right-hand sides reduced, the boundary nodes, period and parameter solved, the interior
    nodes recovered from them."""
    n_int, md, _ = eliminated.shape
    d = steps.shape[1] // 2
    inner = md - d
    m = inner // d + 1
    n_colloc = n_int * md
    particular = np.empty((n_int, inner))
    condensed = np.empty((n_int, d))
    _reduce_rhs(eliminated, inner, pivots, rhs[:n_colloc].reshape((n_int, md)), particular, condensed)
    dense = np.empty(2)
    for r in range(2):
        v = rhs[n_colloc + d + r]
        for n in range(n_int):
            for k in range(inner):
                v -= row_interior[r, n, k] * particular[n, k]
        dense[r] = v
    boundary = np.empty((n_int + 1, d))
    tail = np.empty(2)
    periodic = np.empty(d)
    for c in range(d):
        periodic[c] = rhs[n_colloc + c]
    _fold_rhs(steps, pivots_b, through_b, last, last_pivots, condensed, periodic, dense, boundary, tail)
    for n in range(n_int):
        first = n * m * d
        for c in range(d):
            out[first + c] = boundary[n, c]
        for i in range(inner):
            v = particular[n, i]
            for c in range(d):
                v -= interior[n, i, c] * boundary[n, c] + interior[n, i, d + c] * boundary[n + 1, c]
            v -= interior[n, i, 2 * d] * tail[0] + interior[n, i, 2 * d + 1] * tail[1]
            out[first + d + i] = v
    for c in range(d):
        out[n_int * m * d + c] = boundary[n_int, c]
    out[out.size - 2] = tail[0]
    out[out.size - 1] = tail[1]


@_kernel(void(_F2, _F2, _F1, float64, _F3, _F1, _F1, float64[:, :, :, :, ::1]))
def interval_blocks(basis: np.ndarray, slopes: np.ndarray, widths: np.ndarray, period: float, jac: np.ndarray,
                    row_scale: np.ndarray, column_scale: np.ndarray, out: np.ndarray) -> None:
    """The collocation equations' derivative blocks ``out`` (N, m, m+1, d, d): at point k of interval j, by
    node i, ``slopes[k, i] / h_j I - T basis[k, i] J``, with ``J`` = ``jac[:, :, j m + k]``; each entry times
    ``column_scale`` of its column and divided by ``row_scale`` of its row (the scaled unknowns)."""
    n_int, m, nodes, d, _ = out.shape
    for j in range(n_int):
        inverse_width = 1.0 / widths[j]
        for k in range(m):
            point = j * m + k
            for i in range(nodes):
                slope = slopes[k, i] * inverse_width
                weight = period * basis[k, i]
                for a in range(d):
                    for c in range(d):
                        value = -weight * jac[a, c, point]
                        if a == c:
                            value += slope
                        out[j, k, i, a, c] = value * column_scale[c] / row_scale[a]


@_kernel(void(float64[:, :, :, :, ::1], _F3, _F3))
def arrange(blocks: np.ndarray, border: np.ndarray, out: np.ndarray) -> None:
    """``out`` (N, m d, (m+1) d + B): each interval's rows of ``blocks`` (N, m, m+1, d, d) in the column order
    :func:`eliminate` takes, the interior nodes' columns first, then the first node's, the last node's and
    the ``border`` (N, m d, B) columns. A copy, in one pass."""
    n_int, m, _, d, _ = blocks.shape
    inner = (m - 1) * d
    extra = border.shape[2]
    for j in range(n_int):
        for k in range(m):
            for a in range(d):
                row = k * d + a
                for i in range(1, m):
                    for c in range(d):
                        out[j, row, (i - 1) * d + c] = blocks[j, k, i, a, c]
                for c in range(d):
                    out[j, row, inner + c] = blocks[j, k, 0, a, c]
                    out[j, row, inner + d + c] = blocks[j, k, m, a, c]
                for r in range(extra):
                    out[j, row, inner + 2 * d + r] = border[j, row, r]


#: The kernels called from Python, each with its one compiled signature.
KERNELS = (eliminate, fold, solve, interval_blocks, arrange)


def cached() -> bool:
    """Whether numba's on-disk cache holds every kernel for this source (so :func:`load` compiles nothing)."""
    return all(has_cache_entries(kernel) for kernel in KERNELS)


def load() -> None:
    """Each kernel compiled for its one signature, or loaded from numba's cache; then no other is compiled.
    Called before a kernel is used; once done, later calls return at once."""
    for kernel in KERNELS:
        if not kernel.signatures:
            # what numba.njit(signature) does, with the cache that cached_njit gives the dispatcher
            kernel.compile(_SIGNATURES[kernel])
            kernel.disable_compile()
