"""The condensation kernels on a new installation: compiled in a background process, not in the analysis' way.

Compiling ``condensation_kernels`` takes several seconds, once per installation (numba's on-disk cache keeps
them), more than the rest of a first small diagram. So where the first cycle needs them and the cache does not
hold them, :func:`kernels` starts a Python process that compiles them into the cache and answers ``None``: the
collocation is then solved by SuperLU (``collocation.py``), the same systems to rounding, until the process has
finished, when the kernels are loaded from the cache (a fraction of a second) and used from then on. The process
ends with the one that started it: a Python that exits first waits for it (at most :data:`EXIT_WAIT` seconds, so
the next analysis finds the kernels cached), and one that dies without exiting ends it within half a second (the
compilation watches its parent), so nothing it starts outlives a session. A process that compiles
holds a lock beside bp_core's caches: a second one started meanwhile waits for it and then only reads the cache.

Where the kernels are cached, or :data:`BACKGROUND` is false, or the background process failed, :func:`kernels`
loads (or compiles) them in this process, as it would without this module.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

from bp_core.backend import cache

__all__ = ["BACKGROUND", "kernels", "compiling", "compile_into_cache"]

BACKGROUND = True
"""Compile missing kernels in a background process (False: in this process, at their first use)."""

#: What the background process runs: :func:`compile_into_cache` on the lock's path.
_CHILD = ("import sys; from bp_core.dynamics.condensation_start import compile_into_cache; "
          "compile_into_cache(sys.argv[1], int(sys.argv[2]))")

EXIT_WAIT = 60.0
"""Seconds an exiting process waits for the compilation it started before ending it."""

_state: dict = {"loaded": None, "process": None}


def compile_into_cache(lock_path: str, owner: int | None = None) -> None:
    """The kernels compiled into numba's cache (or only read from it), holding the lock at ``lock_path``
    meanwhile: what the background process does. With ``owner`` (the starting process' id), it ends as soon as
    that process is gone; numba writes each cache file whole, so an ended compilation leaves no broken entry."""
    import fcntl

    if owner is not None:
        threading.Thread(target=_end_with, args=(owner,), daemon=True).start()

    if hasattr(os, "nice"):
        os.nice(10)  # the analysis that started it comes first where they share a core
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process compiles, the others then read its cache
        from bp_core.dynamics import condensation_kernels

        condensation_kernels.load()


def _end_with(owner: int) -> None:
    """End this process once ``owner`` is no longer its parent (it ended, or was killed)."""
    while os.getppid() == owner:
        time.sleep(0.5)
    os._exit(0)


def _stop(process: subprocess.Popen) -> None:
    """At this process' exit: let a running compilation finish (at most :data:`EXIT_WAIT` s), then end it."""
    try:
        process.wait(timeout=EXIT_WAIT)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


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
        process = subprocess.Popen([sys.executable, "-c", _CHILD, str(lock), str(os.getpid())],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True, env=env)
        atexit.register(_stop, process)
        return process
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
