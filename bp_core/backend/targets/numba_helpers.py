"""numba's implementations of the runtime helpers (one per helper, registered on its ``helpers`` entry).

``numba_cpu`` turns each into a ``numba.extending.overload`` of the helper's Python function when it loads.
"""

from __future__ import annotations

import math
from typing import Callable

import numba
import numpy as np
from numba import types as nb_types
from llvmlite import ir
from numba.extending import intrinsic, overload

from bp_core.backend import cache, exponentials, runtime
from bp_core.backend.helpers import HELPERS

__all__ = ["TARGET"]

TARGET = "numba_cpu"


def _implements(name: str, **options):
    return HELPERS[name].implement(TARGET, **options)


# A helper that is not inlined is compiled once per signature into numba's cache beside this file and loaded
# from it by every kernel after the first, in any process: a new network then compiles only its own code.
# Only helpers whose implementations close over nothing are cached: numba keys the cache on the closure's
# pickled contents, and those of the others (compiled lambdas) are not stable across processes.
_CACHED = {"jit_options": {"cache": True}}


# The exponentials as arithmetic (bp_core/backend/exponentials.py): the same operations in the same order as the
# NumPy forms there, so both targets give the same bits. Each is one intrinsic that emits its LLVM instructions
# into the caller: LLVM vectorises the loop around them and hoists what does not change in it, and numba types one
# call (inlined numba functions were typed again at every call: a HH network compiled 2.3x slower).
def _constant(value: float) -> ir.Constant:
    return ir.Constant(ir.DoubleType(), value)


def _float_intrinsic(builder: ir.IRBuilder, name: str, value: ir.Value) -> ir.Value:
    function = builder.module.declare_intrinsic(name, [ir.DoubleType()])
    return builder.call(function, [value])


def _power_of_two(builder: ir.IRBuilder, k: ir.Value) -> ir.Value:
    bits = builder.shl(builder.add(k, ir.Constant(ir.IntType(64), 1023)), ir.Constant(ir.IntType(64), 52))
    return builder.bitcast(bits, ir.DoubleType())


def _reduction(builder: ir.IRBuilder, x: ir.Value) -> tuple[ir.Value, ir.Value]:
    """``(e^r - 1, k)`` with ``x = k ln 2 + r`` (``exponentials._reduced``)."""
    inside = builder.and_(builder.fcmp_ordered(">", x, _constant(-exponentials.REDUCIBLE)),
                          builder.fcmp_ordered("<=", x, _constant(exponentials.OVERFLOW)))
    reduced = builder.select(inside, x, _constant(0.0))
    k = _float_intrinsic(builder, "llvm.floor",
                         builder.fadd(builder.fmul(reduced, _constant(exponentials.LOG2E)), _constant(0.5)))
    r = builder.fsub(builder.fsub(reduced, builder.fmul(k, _constant(exponentials.LN2_HI))),
                     builder.fmul(k, _constant(exponentials.LN2_LO)))
    series = exponentials.series([_constant(c) for c in exponentials.EXPM1_COEFFICIENTS], r, builder.fadd,
                                 builder.fmul)
    return builder.fmul(r, series), builder.fptosi(k, ir.IntType(64))


def _scaled(builder: ir.IRBuilder, em1: ir.Value, whole: ir.Value) -> ir.Value:
    half = builder.ashr(whole, ir.Constant(ir.IntType(64), 1))
    rest = builder.sub(whole, half)
    return builder.fmul(builder.fmul(builder.fadd(em1, _constant(1.0)), _power_of_two(builder, half)),
                        _power_of_two(builder, rest))


def _nan_passes(builder: ir.IRBuilder, x: ir.Value, value: ir.Value) -> ir.Value:
    return builder.select(builder.fcmp_unordered("!=", x, x), x, value)


def _emit_exp(builder: ir.IRBuilder, x: ir.Value) -> ir.Value:
    em1, whole = _reduction(builder, x)
    finite = builder.select(builder.fcmp_ordered("<", x, _constant(exponentials.UNDERFLOW)), _constant(0.0),
                            _scaled(builder, em1, whole))
    bounded = builder.select(builder.fcmp_ordered(">", x, _constant(exponentials.OVERFLOW)), _constant(math.inf),
                             finite)
    return _nan_passes(builder, x, bounded)


def _emit_expm1(builder: ir.IRBuilder, x: ir.Value) -> ir.Value:
    em1, whole = _reduction(builder, x)
    i64 = ir.IntType(64)
    low, high = ir.Constant(i64, -exponentials.NEAR), ir.Constant(i64, exponentials.NEAR)
    clipped = builder.select(builder.icmp_signed("<", whole, low), low,
                             builder.select(builder.icmp_signed(">", whole, high), high, whole))
    t = _power_of_two(builder, clipped)
    shifted = builder.fadd(builder.fmul(em1, t), builder.fsub(t, _constant(1.0)))
    near = builder.select(builder.icmp_signed("==", whole, ir.Constant(i64, 0)), em1, shifted)
    finite = builder.select(builder.icmp_signed(">", whole, ir.Constant(i64, exponentials.SHIFTED)),
                            _scaled(builder, em1, whole), near)
    bounded = builder.select(builder.fcmp_ordered("<=", x, _constant(-exponentials.REDUCIBLE)), _constant(-1.0),
                             builder.select(builder.fcmp_ordered(">", x, _constant(exponentials.OVERFLOW)),
                                            _constant(math.inf), finite))
    return _nan_passes(builder, x, bounded)


def _emit_exprel(builder: ir.IRBuilder, z: ir.Value) -> ir.Value:
    denominator = builder.select(builder.fcmp_unordered("!=", z, _constant(0.0)), z, _constant(1.0))
    ratio = builder.fdiv(_emit_expm1(builder, z), denominator)
    bounded = builder.select(builder.fcmp_ordered(">", z, _constant(exponentials.OVERFLOW)), _constant(math.inf),
                             ratio)
    tiny = builder.fcmp_ordered("<", _float_intrinsic(builder, "llvm.fabs", z), _constant(1e-16))
    return builder.select(tiny, _constant(1.0), bounded)


def _float_function(emit: Callable) -> Callable:
    @intrinsic
    def function(typingctx, x):
        def codegen(context, builder, signature, args):
            return emit(builder, args[0])
        return nb_types.float64(nb_types.float64), codegen
    return function


_exp64 = _float_function(_emit_exp)
_expm1_64 = _float_function(_emit_expm1)
_exprel64 = _float_function(_emit_exprel)


def _elementwise(scalar: Callable, fallback: Callable | None) -> Callable:
    """The typer of a helper computing ``scalar`` (float64 -> float64) of a number or of each element of an array."""
    def typer(x):
        if isinstance(x, nb_types.Array) and isinstance(x.dtype, (nb_types.Float, nb_types.Integer)):
            narrow = isinstance(x.dtype, nb_types.Float) and x.dtype.bitwidth == 32
            def impl_array(x):
                flat = x.ravel()
                out = np.empty(flat.size, dtype=np.float32 if narrow else np.float64)
                for i in range(flat.size):
                    out[i] = scalar(np.float64(flat[i]))
                return out.reshape(x.shape)
            return impl_array
        if isinstance(x, nb_types.Float) and x.bitwidth == 32:
            # float32 in, float32 out: float32 models keep their arithmetic in float32
            return lambda x: np.float32(scalar(np.float64(x)))
        if isinstance(x, (nb_types.Float, nb_types.Integer, nb_types.Boolean)):
            return lambda x: scalar(np.float64(x))
        if fallback is None:
            return None
        return lambda x: fallback(x)  # complex: NumPy's own
    return typer


_implements("simd_exp", inline="always")(_elementwise(_exp64, np.exp))
_implements("simd_expm1", inline="always")(_elementwise(_expm1_64, np.expm1))
_implements("exprel", inline="always")(_elementwise(_exprel64, None))


@overload(np.clip)
def _clip_scalar_overload(a, a_min, a_max, out=None):
    # numba implements np.clip for arrays only; scalar-mode models clip scalars (not a helper: user code
    # calls np.clip itself)
    scalars = (nb_types.Float, nb_types.Integer)
    if isinstance(a, scalars) and isinstance(a_min, scalars) and isinstance(a_max, scalars) \
            and (out is None or isinstance(out, nb_types.NoneType) or isinstance(out, nb_types.Omitted)):
        def impl(a, a_min, a_max, out=None):
            if a < a_min:
                return a_min
            if a > a_max:
                return a_max
            return a  # NaN falls through, as in NumPy
        return impl
    return None


@_implements("normal_like")
def _normal_like(rng, x):
    if isinstance(x, nb_types.Array):
        return lambda rng, x: rng.standard_normal(x.shape)
    return lambda rng, x: rng.standard_normal()


@_implements("generator_random", **_CACHED)
def _generator_random(rng):
    if not isinstance(rng, nb_types.NumPyRandomGeneratorType):
        return None
    def impl(rng):
        # numba's Generator.random, compiled once into numba's cache (small: LLVM inlines it into the kernel's loops)
        return rng.random()
    return impl


@_implements("generator_binomial", **_CACHED)
def _generator_binomial(rng, n, p):
    if not isinstance(rng, nb_types.NumPyRandomGeneratorType):
        return None
    def impl(rng, n, p):
        # numba's Generator.binomial, typed and compiled here once per signature and loaded from numba's cache by
        # every kernel after the first (compiled inside each kernel, it was a fifth of a drive's compile)
        return rng.binomial(n, p)
    return impl


@_implements("generator_geometric", **_CACHED)
def _generator_geometric(rng, p):
    if not isinstance(rng, nb_types.NumPyRandomGeneratorType):
        return None
    def impl(rng, p):
        # numba's Generator.geometric: the same algorithm as NumPy's, so jit on and off draw the same numbers
        return rng.geometric(p)
    return impl


@_implements("first_nonfinite_row", **_CACHED)
def _first_nonfinite(data):
    def impl(data):
        rows = data.shape[0]
        flat = data.reshape(rows, -1)
        for r in range(rows):
            if runtime.any_nonfinite(flat[r]):
                return r
        return -1
    return impl


@_implements("any_nonfinite", **_CACHED)
def _any_nonfinite(values):
    def impl(values):
        # x - x is 0 for finite x and NaN otherwise; an OR without early exit lets LLVM vectorize the
        # scan, which runs every step of a safe run (4x faster than np.isfinite with a branch per value)
        flat = values.reshape(values.size)
        bad = False
        for i in range(flat.shape[0]):
            bad |= (flat[i] - flat[i]) != 0.0
        return bad
    return impl


def _block_test(compare: Callable) -> Callable:
    def impl(values, start, op, threshold):
        # a fixed trip count over a slice: LLVM vectorizes it, also inside bounds-checked callers
        block = values[start:start + 64]
        hits = 0
        for j in range(64):
            if compare(block[j], threshold):
                hits += 1
        return hits > 0
    return impl


_BLOCK_TESTS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
                "<=": lambda a, b: a <= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


@_implements("any_in_block")
def _any_in_block(values, start, op, threshold):
    if not isinstance(op, nb_types.StringLiteral) or op.literal_value not in _BLOCK_TESTS:
        return None
    return _block_test(numba.njit(inline="always")(_BLOCK_TESTS[op.literal_value]))


_UPDATE_OPS = {"=": lambda old, new: new, "+": lambda old, new: old + new, "-": lambda old, new: old - new,
               "*": lambda old, new: old * new, "/": lambda old, new: old / new}


@_implements("index_update")
def _index_update(target, index, value, op):
    if not isinstance(op, nb_types.StringLiteral) or op.literal_value not in _UPDATE_OPS:
        return None
    apply = numba.njit(inline="always")(_UPDATE_OPS[op.literal_value])
    per_index = isinstance(value, nb_types.Array)  # one value per index, or one for all
    item = numba.njit(inline="always")((lambda v, k: v[k]) if per_index else (lambda v, k: v))

    def impl(target, index, value, op):
        if per_index and value.shape[0] != index.shape[0]:
            raise IndexError("index_update: value and index differ in length")
        n = target.shape[0]
        bad = False
        for k in range(index.shape[0]):
            j = index[k]
            if j < 0:
                j += n
            if j < 0 or j >= n:
                raise IndexError("index out of range")
            stored = apply(target[j], item(value, k))
            target[j] = stored
            bad |= (target[j] - target[j]) != 0.0
        return bad
    return impl


@_implements("input_row")  # not inline="always": numba's inliner loses a variable of the loop (a typing error)
def _input_row(row, value, op):
    if not isinstance(op, nb_types.StringLiteral) or op.literal_value not in _UPDATE_OPS \
            or not isinstance(row, nb_types.Array) or row.ndim != 1:
        return None
    apply = numba.njit(inline="always")(_UPDATE_OPS[op.literal_value])
    if isinstance(value, (nb_types.Float, nb_types.Integer)):
        def one(row, value, op):
            for j in range(row.shape[0]):
                row[j] = apply(row[j], value)
        return one
    if isinstance(value, nb_types.Array) and value.ndim == 1:
        def each(row, value, op):
            n = row.shape[0]
            if value.shape[0] != n and value.shape[0] != 1:
                raise ValueError("input_row: the value has neither one element nor one per element of the row")
            step = 1 if value.shape[0] == n else 0  # one value broadcast, as NumPy does
            for j in range(n):
                row[j] = apply(row[j], value[j * step])
        return each
    return None


@numba.njit(inline="always")
def _block_has_event(values, start, width):
    hits = 0
    for j in range(width):  # a fixed trip count without early exit: LLVM vectorizes it
        hits += values[start + j] != 0.0
    return hits > 0


@numba.njit(inline="always")
def _append_events(values, lo, hi, step, index, steps, kept, count):
    for j in range(lo, hi):
        if values[j] != 0.0:
            index[count] = j
            steps[count] = step
            if kept.shape[0] > 0:
                kept[count] = values[j]
            count += 1
    return count


@_implements("record_events", **_CACHED)
def _record_events(values, step, index, steps, kept, count):
    def impl(values, step, index, steps, kept, count):
        # events are rare: test 64 elements at a time and look closer only at blocks holding one (8 at a
        # time, then one by one), so the cost is a fraction of a pass over the field plus the events
        n = values.shape[0]
        full = n // 64 * 64
        for b in range(0, full, 64):
            if _block_has_event(values, b, 64):
                for s in range(b, b + 64, 8):
                    if _block_has_event(values, s, 8):
                        count = _append_events(values, s, s + 8, step, index, steps, kept, count)
        return _append_events(values, full, n, step, index, steps, kept, count)
    return impl


def _integer_division(operation: Callable, what: str) -> Callable:
    def typer(a, b):
        if isinstance(a, nb_types.Integer) and isinstance(b, nb_types.Integer):
            def impl(a, b):
                if b == 0:
                    raise ZeroDivisionError(what)
                return operation(a, b)
            return impl
        return lambda a, b: operation(a, b)
    return typer


@_implements("decay_powers", **_CACHED)
def _decay_powers(log_factor):
    def impl(log_factor):
        out = np.empty(runtime.DECAY_POWERS)
        for k in range(out.shape[0]):
            out[k] = np.exp(log_factor * k)  # as a visit beyond the table computes it: the same numbers
        return out
    return impl


_implements("floor_divide")(_integer_division(numba.njit(lambda a, b: a // b), "integer division by zero"))
_implements("remainder")(_integer_division(numba.njit(lambda a, b: a % b), "integer modulo by zero"))


@overload(abs)
def _abs_of_an_array(x):
    # Python's abs() of an array is NumPy's abs, as it is with jit=False; numba types abs() of numbers only,
    # so a vector-mode step or derivative writing abs(V) failed to compile
    if isinstance(x, nb_types.Array):
        return lambda x: np.abs(x)
    return None


@_implements("fresh_copy", inline="always")
def _fresh_copy(value):
    if isinstance(value, nb_types.Array):
        return lambda value: value.copy()
    return lambda value: value


@_implements("add_sums", **_CACHED)
def _add_sums(field, index, values):
    def impl(field, index, values):
        # a scatter loop: np.bincount allocates a field-sized array and runs several times slower
        for s in range(index.shape[0]):
            field[index[s]] += values[s]
    return impl


@_implements("record_row", **_CACHED)
def _record_row(record, row, values):
    def impl(record, row, values):
        # an explicit loop over flat views: numba's slice assignment goes through generic broadcasting
        out = record[row].reshape(values.size)
        flat = values.reshape(values.size)
        for j in range(flat.shape[0]):
            out[j] = flat[j]
    return impl


@_implements("record_selected", **_CACHED)
def _record_selected(record, row, values, selection):
    def impl(record, row, values, selection):
        for m in range(selection.shape[0]):
            record[row, m] = values[selection[m]]
    return impl


cache.add_engine_file(__file__)
