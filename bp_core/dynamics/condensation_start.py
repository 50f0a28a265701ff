"""The condensation kernels on a new installation: compiled in a background process, not in the analysis' way.

Compiling ``condensation_kernels`` takes several seconds, once per installation (numba's on-disk cache keeps
them), more than the rest of a first small diagram. So where the first cycle needs them and the cache does not
hold them, :func:`kernels` starts a Python process that compiles them into the cache and answers ``None``: the
collocation is then solved by SuperLU (``collocation.py``), the same systems to rounding, until the process has
finished, when the kernels are loaded from the cache (a fraction of a second) and used from then on. The process
outlives an analysis that ends first, so the next one finds the kernels cached. A process that compiles holds a
lock beside bp_core's caches: a second one started meanwhile waits for it and then only reads the cache.

Where the kernels are cached, or :data:`BACKGROUND` is false, or the background process failed, :func:`kernels`
loads (or compiles) them in this process, as it would without this module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from bp_core.backend import cache

__all__ = ["BACKGROUND", "kernels", "compiling", "compile_into_cache"]

BACKGROUND = True
"""Compile missing kernels in a background process (False: in this process, at their first use)."""

#: What the background process runs: :func:`compile_into_cache` on the lock's path.
_CHILD = ("import sys; from bp_core.dynamics.condensation_start import compile_into_cache; "
          "compile_into_cache(sys.argv[1])")

_state: dict = {"loaded": None, "process": None}


def compile_into_cache(lock_path: str) -> None:
    """The kernels compiled into numba's cache (or only read from it), holding the lock at ``lock_path``
    meanwhile: what the background process does."""
    import fcntl

    if hasattr(os, "nice"):
        os.nice(10)  # the analysis that started it comes first where they share a core
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process compiles, the others then read its cache
        from bp_core.dynamics import condensation_kernels

        condensation_kernels.load()


def _start() -> subprocess.Popen | None:
    """The background process compiling the kernels into numba's cache, or None where none can be started."""
    if not sys.executable:  # an embedded interpreter: no Python to start
        return None
    try:
        import fcntl  # noqa: F401  (the lock; where the platform has none, the kernels compile in this process)

        lock = cache.cache_dir() / "condensation_kernels.lock"
        # the same interpreter, caches (environment) and bp_core as this process, wherever that was imported from
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
        return subprocess.Popen([sys.executable, "-c", _CHILD, str(lock)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    except (ImportError, OSError):
        return None


def compiling() -> bool:
    """Whether this process's background compilation of the kernels is still running."""
    process = _state["process"]
    return process is not None and process.poll() is None


def kernels(wait: bool = False) -> ModuleType | None:
    """``condensation_kernels`` with its kernels loaded, or None while a background process compiles them.

    The first call decides: kernels in numba's cache (or :data:`BACKGROUND` false) are loaded at once;
    otherwise the background process starts. Later calls return None until it has ended; with ``wait``, they
    wait for it to end instead (for a caller that has no other way to solve).
    """
    if _state["loaded"] is not None:
        return _state["loaded"]
    from bp_core.dynamics import condensation_kernels

    if _state["process"] is None and BACKGROUND and not condensation_kernels.cached():
        _state["process"] = _start()
    if compiling():
        if not wait:
            return None
        _state["process"].wait()
    # cached, compiled by the background process, or (where it failed or none was started) compiled here
    condensation_kernels.load()
    _state["loaded"] = condensation_kernels
    return condensation_kernels
