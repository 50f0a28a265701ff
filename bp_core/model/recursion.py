"""Recursion among the helper functions a step calls, found before numba meets it.

Compiled steps call plain Python helpers that the backend compiles with numba. A helper that calls
itself (directly or through others) names a global that is still the uncompiled Python function, so
numba stops with "Untyped global name" and no word of recursion. The call graph of the helpers is
read from their source here, so the model is refused at definition with the cycle and its lines.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from bp_core.integration.diff_equation import lookup_global

__all__ = ["CallSite", "find_recursion"]


@dataclass(frozen=True)
class CallSite:
    """``caller`` calls ``callee`` at ``file``, ``line``."""

    caller: str
    callee: str
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.caller!r} calls {self.callee!r} ({self.file}, line {self.line})"


def find_recursion(helpers: Iterable[Any]) -> list[CallSite] | None:
    """The calls of one cycle among the plain Python functions reachable from ``helpers``, or None.

    Compiled (numba) functions and functions whose source cannot be read are not followed: numba
    compiles the former itself, and nothing can be said of the latter.
    """
    done: set[Callable] = set()
    for helper in helpers:
        if inspect.isfunction(helper):
            cycle = _search(helper, [(helper, None)], done)
            if cycle:
                return cycle
    return None


def _search(func: Callable, path: list[tuple[Callable, CallSite | None]], done: set[Callable]
            ) -> list[CallSite] | None:
    """Depth-first over the calls of ``func``; ``path`` holds each function on the way and the call that led to it."""
    for callee, site in _calls(func):
        on_path = [f for f, _ in path]
        if callee in on_path:
            return [s for _, s in path[on_path.index(callee) + 1:]] + [site]
        if callee in done:
            continue
        path.append((callee, site))
        cycle = _search(callee, path, done)
        path.pop()
        if cycle:
            return cycle
    done.add(func)
    return None


def _calls(func: Callable) -> list[tuple[Callable, CallSite]]:
    """Plain Python functions ``func`` calls by name, with the line of each call."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
        file = inspect.getsourcefile(func) or "<unknown>"
    except (OSError, TypeError, SyntaxError):
        return []
    first = func.__code__.co_firstlineno
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            callee = lookup_global(func, node.func.id)
            if inspect.isfunction(callee):
                out.append((callee, CallSite(func.__name__, callee.__name__, file, first + node.lineno - 1)))
    return out
