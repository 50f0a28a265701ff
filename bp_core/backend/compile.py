"""Compilation of generated source: the only module of bp_core that imports numba.

Generated source is written to a file in the on-disk cache, named by the hash of
its text and of the names it uses, and imported as a real module. Tracebacks and
``pdb`` therefore show the generated lines, and numba's own cache (which needs a
source file and an importable module) makes a second process start warm.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import math
import os
import re
import sys
import tempfile
import types
from pathlib import Path
from typing import Any, Callable

import numba
import numpy as np
from numba import types as nb_types
from numba.extending import overload

from bp_core import profile
from bp_core.backend import runtime
from bp_core.errors import CodeError
from bp_core.tools.logger import show_code_scope

__all__ = ["CompiledFunction", "compile_source", "cache_dir", "jit_function", "seed_compiled_random"]

_MODULE_PREFIX = "bp_core_generated"
# Cached machine code also depends on the helpers compiled into it: a change to them (a new release)
# must not reuse kernels built with the old ones.
_ENGINE_FINGERPRINT = hashlib.sha1(
    (Path(__file__).read_text() + Path(runtime.__file__).read_text()).encode()).hexdigest()


def cache_dir() -> Path:
    """Return the directory holding generated sources and numba's cache.

    ``BP_CORE_CACHE_DIR`` overrides the default ``~/.cache/bp_core``.
    """
    root = os.environ.get("BP_CORE_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "bp_core")
    path = Path(root) / "generated"
    path.mkdir(parents=True, exist_ok=True)
    return path


class CompiledFunction:
    """A generated function, compiled by numba or kept as Python.

    Parameters
    ----------
    func : callable
        The numba dispatcher, or the Python function when ``jit`` is False.
    source, path : str
        The source text and the file it was written to.
    jit : bool
        Whether ``func`` is compiled by numba.
    """

    def __init__(self, func: Callable, source: str, path: str, jit: bool):
        self._call = func
        self.py_func = getattr(func, "py_func", func)
        self.source = source
        self.path = path
        self.jit = jit

    @property
    def dispatcher(self) -> Callable:
        """The numba dispatcher (or the Python function when ``jit`` is False)."""
        return self._call

    @property
    def compile_count(self) -> int:
        """Number of type signatures numba has compiled or loaded for this function."""
        return len(self._call.signatures) if self.jit else 0

    def __call__(self, *args: Any) -> Any:
        try:
            return self._call(*args)
        except Exception as err:
            # under numba, anything escaping a call is a failure to compile the generated code
            if not self.jit or isinstance(err, CodeError):
                raise
            error = CodeError(
                f"numba could not compile the generated function {self.py_func.__name__!r} "
                f"(source: {self.path}). Run with bp.profile.set(jit=False) to debug it in Python.\n"
                f"{_first_lines(str(err))}"
            )
            error.details = _ANSI.sub("", str(err))
            raise error from None


def _njit_options(options: dict[str, Any]) -> dict[str, Any]:
    # njit implies nopython; numba warns when it is passed again.
    return {k: v for k, v in options.items() if k != "nopython" and v is not None}


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _first_lines(text: str, n: int = 12) -> str:
    lines = [ln for ln in _ANSI.sub("", text).splitlines() if ln.strip()]
    return "\n".join(lines[:n])


def _fingerprint(value: Any) -> str:
    """Describe a scope value so that changing it changes the cache key."""
    if isinstance(value, types.ModuleType):
        return f"module:{value.__name__}"
    if isinstance(value, numba.core.registry.CPUDispatcher):
        value = value.py_func
    if inspect.isfunction(value):
        try:
            return f"function:{value.__module__}.{value.__qualname__}:{inspect.getsource(value)}"
        except (OSError, TypeError):
            return f"function:{value.__module__}.{value.__qualname__}"
    if isinstance(value, np.ndarray):
        return f"array:{value.dtype}:{value.shape}:{hashlib.sha1(value.tobytes()).hexdigest()}"
    return f"{type(value).__name__}:{value!r}"


def _write_once(path: Path, text: str) -> None:
    """Write ``text`` atomically unless the file exists (numba's cache keys on its mtime)."""
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def compile_source(source: str, func_name: str, scope: dict[str, Any], jit: bool | None = None,
                   checked: tuple[str, ...] = (), parallel: tuple[str, ...] = ()) -> CompiledFunction:
    """Compile generated ``source`` and return its function ``func_name``.

    Every top-level function of the source is compiled; functions call each other
    through the module's globals, so numba compiles callees into their callers.

    Parameters
    ----------
    source : str
        Python source of one or more functions.
    func_name : str
        The function to return.
    scope : dict
        Global names the source uses (modules, helper functions, constants).
    jit : bool, optional
        Compile with numba; defaults to ``profile.is_jit()``.
    checked : tuple of str
        Functions compiled with bounds checking (user code, in the safe default).
    parallel : tuple of str
        Functions compiled with numba's ``parallel`` option (their ``prange`` loops use all cores);
        the others are compiled without it, which would only add overhead to them.

    Returns
    -------
    CompiledFunction
    """
    jit = profile.is_jit() if jit is None else jit
    options = _njit_options(profile.get_numba_profile())
    full_scope = {**runtime.RUNTIME_SCOPE, **scope}
    if options.get("cache") and not all(map(_cacheable, full_scope.values())):
        options["cache"] = False
    if jit:
        full_scope = {k: jit_function(v) if _is_plain_function(v) else v for k, v in full_scope.items()}
        full_scope["prange"] = numba.prange
    key_text = "\n".join([source, _ENGINE_FINGERPRINT, repr(sorted(options.items())), repr(sorted(checked)),
                          repr(sorted(parallel)), str(jit)] +
                         [f"{k}={_fingerprint(v)}" for k, v in sorted(full_scope.items())])
    digest = hashlib.sha1(key_text.encode()).hexdigest()[:16]
    path = cache_dir() / f"{func_name}_{digest}.py"
    _write_once(path, source)
    module = _import_generated(path, f"{_MODULE_PREFIX}.{func_name}_{digest}", full_scope)
    if profile.show_format_code():
        print(source)
        if profile.show_code_scope():
            show_code_scope(scope)
    if jit and not getattr(module, "_bp_compiled", False):
        for name in _defined_functions(source):
            func_options = dict(options, parallel=name in parallel)
            if name in checked:
                func_options["boundscheck"] = True
            setattr(module, name, numba.njit(**func_options)(getattr(module, name)))
        module._bp_compiled = True
    return CompiledFunction(getattr(module, func_name), source, str(path), jit)


def _defined_functions(source: str) -> list[str]:
    import ast

    return [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]


def _import_generated(path: Path, module_name: str, scope: dict[str, Any]) -> types.ModuleType:
    # Registered in sys.modules first: numba's cache re-imports the module by name when loading.
    module = sys.modules.get(module_name)
    if module is not None:
        return module
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(scope)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as err:
        del sys.modules[module_name]
        raise CodeError(f"generated source {path} is not valid Python: {err}") from None
    return module


def _cacheable(value: Any) -> bool:
    """Whether numba can reload machine code that calls ``value`` in a new process.

    numba finds a function's globals again by importing its module; a helper whose module is not
    importable (loaded from a file without ``sys.modules``, made by ``exec``) compiles under the name
    ``<dynamic>``, and a cached kernel calling it fails to load in the next process.
    """
    if isinstance(value, numba.core.registry.CPUDispatcher):
        value = value.py_func
    if not inspect.isfunction(value):
        return True
    module = inspect.getmodule(value)
    return module is not None and sys.modules.get(module.__name__) is module


def _is_plain_function(value: Any) -> bool:
    return inspect.isfunction(value) and value not in _RUNTIME_FUNCTIONS


def jit_function(func: Callable) -> Callable:
    """Compile a user helper function with numba (unchanged if already compiled)."""
    if isinstance(func, numba.core.registry.CPUDispatcher) or not inspect.isfunction(func):
        return func
    options = _njit_options(profile.get_numba_profile())
    options.pop("parallel", None)
    if not _cacheable(func):
        options["cache"] = False
    return numba.njit(**options)(func)


@numba.njit(cache=True)
def _seed_numba(seed):
    np.random.seed(seed)


def seed_compiled_random(seed: int) -> None:
    """Seed numba's random generator of the calling thread."""
    _seed_numba(seed)


profile.on_seed(seed_compiled_random)


# numba implementations of the runtime helpers -------------------------------------------------

_RUNTIME_FUNCTIONS = (runtime.exprel, runtime.normal_like, runtime.first_nonfinite_row, runtime.any_nonfinite,
                      runtime.any_in_block, runtime.index_update, runtime.record_events, runtime.record_row,
                      runtime.record_selected, runtime.floor_divide, runtime.remainder)


@overload(runtime.exprel, inline="always")
def _exprel_overload(z):
    # inlined so LLVM sees a pure expression it can hoist when z does not change in a loop
    if isinstance(z, nb_types.Array):
        def impl(z):
            flat = z.ravel()
            out = np.empty(flat.size, dtype=np.float64)
            for i in range(flat.size):
                out[i] = runtime.exprel(flat[i])  # the scalar implementation below
            return out.reshape(z.shape)
        return impl
    if isinstance(z, nb_types.Float) and z.bitwidth == 32:
        def impl32(z):
            # float32 in, float32 out: float32 models keep their arithmetic in float32
            return np.float32(runtime.exprel(np.float64(z)))
        return impl32
    if isinstance(z, (nb_types.Float, nb_types.Integer)):
        def impl(z):
            if abs(z) < 1e-16:
                return 1.0
            if z < -709.78:
                return -1.0 / z
            if z > 717.0:
                return math.inf
            return math.expm1(z) / z
        return impl
    return None


@overload(np.clip)
def _clip_scalar_overload(a, a_min, a_max, out=None):
    # numba implements np.clip for arrays only; scalar-mode models clip scalars.
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


@overload(runtime.normal_like)
def _normal_like_overload(rng, x):
    if isinstance(x, nb_types.Array):
        return lambda rng, x: rng.standard_normal(x.shape)
    return lambda rng, x: rng.standard_normal()


@overload(runtime.first_nonfinite_row)
def _first_nonfinite_overload(data):
    def impl(data):
        rows = data.shape[0]
        flat = data.reshape(rows, -1)
        for r in range(rows):
            if runtime.any_nonfinite(flat[r]):
                return r
        return -1
    return impl


@overload(runtime.any_nonfinite)
def _any_nonfinite_overload(values):
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


@overload(runtime.any_in_block)
def _any_in_block_overload(values, start, op, threshold):
    if not isinstance(op, nb_types.StringLiteral) or op.literal_value not in _BLOCK_TESTS:
        return None
    return _block_test(numba.njit(inline="always")(_BLOCK_TESTS[op.literal_value]))


_UPDATE_OPS = {"=": lambda old, new: new, "+": lambda old, new: old + new, "-": lambda old, new: old - new,
               "*": lambda old, new: old * new, "/": lambda old, new: old / new}


@overload(runtime.index_update)
def _index_update_overload(target, index, value, op):
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


@overload(runtime.record_events)
def _record_events_overload(values, step, index, steps, kept, count):
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


overload(runtime.floor_divide)(_integer_division(numba.njit(lambda a, b: a // b), "integer division by zero"))
overload(runtime.remainder)(_integer_division(numba.njit(lambda a, b: a % b), "integer modulo by zero"))


@overload(runtime.record_row)
def _record_row_overload(record, row, values):
    def impl(record, row, values):
        # an explicit loop over flat views: numba's slice assignment goes through generic broadcasting
        out = record[row].reshape(values.size)
        flat = values.reshape(values.size)
        for j in range(flat.shape[0]):
            out[j] = flat[j]
    return impl


@overload(runtime.record_selected)
def _record_selected_overload(record, row, values, selection):
    def impl(record, row, values, selection):
        for m in range(selection.shape[0]):
            record[row, m] = values[selection[m]]
    return impl


def typed_index_list(arrays: list) -> Any:
    """Return a list of int64 index arrays as a numba typed List (what compiled steps iterate over)."""
    ptr = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays)), out=ptr[1:])
    return typed_index_rows(ptr, np.concatenate(arrays) if len(arrays) else np.zeros(0, dtype=np.int64))


def typed_index_rows(ptr: np.ndarray, idx: np.ndarray) -> Any:
    """Compressed rows (row ``r`` is ``idx[ptr[r]:ptr[r + 1]]``) as a numba typed List of int64 arrays."""
    from numba.typed import List

    out = List.empty_list(nb_types.int64[::1])
    # filled by compiled code: appending from Python costs about 15 us a row (ten million rows: minutes),
    # the compiled loop a fraction of a microsecond
    if ptr.size > 1:
        _fill_rows(out, np.asarray(ptr, dtype=np.int64), np.asarray(idx, dtype=np.int64))
    return out


@numba.njit(cache=True)
def _fill_rows(out, ptr, idx):
    for row in range(ptr.size - 1):
        out.append(idx[ptr[row]:ptr[row + 1]].copy())
