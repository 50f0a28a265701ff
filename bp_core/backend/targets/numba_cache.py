"""numba's on-disk cache, loaded without numba's compiler set-up.

numba prepares its whole compiler before it looks in its cache: the first cached function a process loads
imports every implementation numba has (linear algebra among them, which imports SciPy's), about half a
second on an idle machine, although machine code read from the cache needs none of it. A dispatcher made by
:func:`cached_njit` loads its cached machine code with only what that code links against (numba's runtime
and the symbols its modules register when imported); on a cache miss numba compiles as usual, and its
compiler then does the whole set-up itself.
"""

from __future__ import annotations

from typing import Any, Callable

import numba
from numba.core.caching import FunctionCache
from numba.core.runtime import rtsys

__all__ = ["cached_njit", "has_cache_entries", "WarmLoadCache", "STATS"]

STATS = {"loaded": 0}
"""Count of functions loaded from numba's cache by :class:`WarmLoadCache` in this process."""


def _link_symbols(target_context: Any) -> None:
    """Register what cached machine code may call that numba registers only while preparing to compile."""
    # the runtime (allocation, reference counts) and the hash secret that dicts and sets use; parallel
    # kernels start their thread pool themselves when loaded (numba records that with their code)
    rtsys.initialize(target_context)
    import numba.cpython.hashing  # noqa: F401  registers the hash secret's symbols when imported


class WarmLoadCache(FunctionCache):
    """numba's cache of one function, loading hits without numba's compiler set-up."""

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        _link_symbols(target_context)
        with self._guard_against_spurious_io_errors():
            loaded = self._load_overload(sig, target_context)
            if loaded is not None:
                STATS["loaded"] += 1
            return loaded
        return None  # numba's guard swallowed an error reading the cache: compiled instead


def cached_njit(func: Callable, **options: Any) -> Any:
    """``numba.njit(cache=True, **options)(func)``, whose cache hits load without the compiler set-up."""
    dispatcher = numba.njit(cache=True, **options)(func)
    # numba gives a dispatcher its cache in enable_caching(); the class is the one thing changed
    dispatcher._cache = WarmLoadCache(dispatcher.py_func)
    return dispatcher


def has_cache_entries(dispatcher: Any) -> bool:
    """Whether numba's on-disk cache holds machine code of ``dispatcher`` (one of :func:`cached_njit`) for its
    current source, read from the cache's index alone: nothing is loaded or compiled."""
    # numba's index is empty where it is missing, of another numba version or of an older source
    return bool(dispatcher._cache._cache_file._load_index())
