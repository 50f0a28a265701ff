"""The registry of runtime helpers: functions generated code calls, each registered once.

A helper has one entry holding its plain Python (NumPy) implementation, which is also the name generated
code calls, and, per target, that target's implementation of it (for numba's CPU target an ``overload``
typer; a GPU target gives its device function). Targets read the registry when they load; generated code
finds the helpers through :func:`runtime_scope`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Helper", "HELPERS", "helper", "runtime_scope"]


@dataclass
class Helper:
    """One runtime helper.

    Attributes
    ----------
    name : str
        The name generated code calls it by.
    python : callable
        Its plain Python implementation (what runs with ``jit=False``, and the key of compiled versions).
    compiled : dict
        Target name -> ``(implementation, options)`` that target compiles in its place.
    """

    name: str
    python: Callable
    compiled: dict[str, tuple[Callable, dict[str, Any]]] = field(default_factory=dict)

    def implement(self, target: str, **options: Any) -> Callable[[Callable], Callable]:
        """Decorator registering ``target``'s implementation of this helper (``options`` go to that target)."""
        def register(implementation: Callable) -> Callable:
            self.compiled[target] = (implementation, options)
            return implementation
        return register


HELPERS: dict[str, Helper] = {}
"""Helper name -> its entry, in registration order."""


def helper(func: Callable) -> Callable:
    """Decorator registering ``func`` as the Python implementation of the runtime helper of its name."""
    if func.__name__ in HELPERS:
        raise ValueError(f"runtime helper {func.__name__!r} is registered twice")
    HELPERS[func.__name__] = Helper(func.__name__, func)
    return func


def runtime_scope(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Names every generated source may use besides the user's own: the helpers and ``extra``."""
    return {**(extra or {}), **{name: entry.python for name, entry in HELPERS.items()}}
