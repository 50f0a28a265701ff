"""The on-disk cache of generated source: content-addressed files and the decisions about numba's cache.

Generated source is written to a file named by the hash of everything that shapes its machine code (the
text, the names it uses, the target's options and the engine's own helpers) and imported as a real
module. Tracebacks and ``pdb`` therefore show the generated lines, and numba's cache (which needs a source
file and an importable module) makes a second process start warm. Nothing here imports numba.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import json
import os
import sys
import tempfile
import types
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from bp_core.errors import CodeError

__all__ = ["cache_dir", "cached_source", "import_generated", "fingerprint", "cacheable", "engine_fingerprint",
           "memoized", "STATS"]

MODULE_PREFIX = "bp_core_generated"

STATS = {"written": 0, "imported": 0, "memo_computed": 0}
"""Counts of generated files written, of generated modules imported (a module already imported is reused, not
counted again) and of :func:`memoized` values computed (not read from their file) in this process."""

_ENGINE_FILES: list[Path] = []
_FINGERPRINTS: dict[tuple[Path, ...], str] = {}
_MEMO: dict[Path, Any] = {}


def engine_fingerprint() -> str:
    """Hash of the engine files whose helpers are compiled into generated code (see :func:`add_engine_file`).

    Cached machine code depends on the helpers compiled into it: a change to them (a new release) must not
    reuse kernels built with the old ones.
    """
    key = tuple(_ENGINE_FILES)
    if key not in _FINGERPRINTS:
        _FINGERPRINTS[key] = hashlib.sha1("".join(p.read_text() for p in key).encode()).hexdigest()
    return _FINGERPRINTS[key]


def add_engine_file(path: str | os.PathLike) -> None:
    """Make the text of ``path`` part of every cache key (a module defining runtime helpers calls this)."""
    path = Path(path)
    if path not in _ENGINE_FILES:
        _ENGINE_FILES.append(path)


def cache_dir() -> Path:
    """Return the directory holding generated sources and numba's cache.

    ``BP_CORE_CACHE_DIR`` overrides the default ``~/.cache/bp_core``.
    """
    root = os.environ.get("BP_CORE_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "bp_core")
    path = Path(root) / "generated"
    path.mkdir(parents=True, exist_ok=True)
    return path


def fingerprint(value: Any) -> str:
    """Describe a scope value so that changing it changes the cache key."""
    if isinstance(value, types.ModuleType):
        return f"module:{value.__name__}"
    value = getattr(value, "py_func", value)  # a compiled function is keyed by its Python source
    if inspect.isfunction(value):
        try:
            return f"function:{value.__module__}.{value.__qualname__}:{inspect.getsource(value)}"
        except (OSError, TypeError):
            return f"function:{value.__module__}.{value.__qualname__}"
    if isinstance(value, np.ndarray):
        return f"array:{value.dtype}:{value.shape}:{hashlib.sha1(value.tobytes()).hexdigest()}"
    return f"{type(value).__name__}:{value!r}"


def cacheable(value: Any) -> bool:
    """Whether numba can reload machine code that calls ``value`` in a new process.

    numba finds a function's globals again by importing its module; a helper whose module is not
    importable (loaded from a file without ``sys.modules``, made by ``exec``) compiles under the name
    ``<dynamic>``, and a cached kernel calling it fails to load in the next process. Such helpers, and
    kernels calling them, are compiled without numba's cache.
    """
    value = getattr(value, "py_func", value)
    if not inspect.isfunction(value):
        return True
    module = inspect.getmodule(value)
    return module is not None and sys.modules.get(module.__name__) is module


def cached_source(source: str, func_name: str, key_parts: Iterable[str], scope: dict[str, Any]) -> Path:
    """Write ``source`` to its content-addressed file (unless there) and return the path.

    The file name holds ``func_name`` and a hash of the source, ``key_parts`` (the target's options), the
    engine's fingerprint and every scope value (see :func:`fingerprint`).
    """
    key_text = "\n".join([source, engine_fingerprint(), *key_parts] +
                         [f"{k}={fingerprint(v)}" for k, v in sorted(scope.items())])
    digest = hashlib.sha1(key_text.encode()).hexdigest()[:16]
    path = cache_dir() / f"{func_name}_{digest}.py"
    if not path.exists():
        _write_atomically(path, source)
        STATS["written"] += 1
    return path


def memoized(kind: str, key_parts: Iterable[str], compute: Callable[[], Any]) -> Any:
    """The value ``compute()`` returns for ``key_parts``, computed once and kept in the cache directory.

    For work whose result is small data but whose computing is slow to start (sympy's import takes a large
    part of a second): a new process building the same network reads the result instead. The value must be
    JSON data; the file holds ``kind`` and a hash of ``key_parts``, which must name everything the value
    depends on (versions and sources of the code computing it, its inputs).
    """
    digest = hashlib.sha1("\n".join([kind, *key_parts]).encode()).hexdigest()[:16]
    path = cache_dir() / f"{kind}_{digest}.json"
    if path in _MEMO:
        return _MEMO[path]
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):  # not computed yet, or a file cut short: computed again
        value = compute()
        _write_atomically(path, json.dumps(value))
        STATS["memo_computed"] += 1
    _MEMO[path] = value
    return value


def _write_atomically(path: Path, text: str) -> None:
    # numba's cache keys on the file's mtime: a file is written once, whole, and never rewritten
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def import_generated(path: Path, scope: dict[str, Any]) -> types.ModuleType:
    """Import the generated file ``path`` as a module whose globals start as ``scope`` (once per process)."""
    module_name = f"{MODULE_PREFIX}.{path.stem}"
    # registered in sys.modules first: numba's cache re-imports the module by name when loading
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
    STATS["imported"] += 1
    return module
