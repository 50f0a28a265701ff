"""The plain Python target (``jit=False``): generated code runs as written, on NumPy, and ``pdb`` steps in it."""

from __future__ import annotations

from typing import Any, Sequence

from bp_core import profile
from bp_core.backend import cache
from bp_core.backend.targets.base import CompiledFunction, Target
from bp_core.tools.logger import show_code_scope

__all__ = ["PythonTarget", "load_module"]


def load_module(source: str, func_name: str, scope: dict[str, Any], key_parts: Sequence[str]) -> Any:
    """Write ``source`` to the cache, import it with ``scope`` as globals, print it if the profile asks."""
    path = cache.cached_source(source, func_name, key_parts, scope)
    module = cache.import_generated(path, scope)
    if profile.show_format_code():
        print(source)
        if profile.show_code_scope():
            show_code_scope(scope)
    return path, module


class PythonTarget(Target):
    """Generated code as plain Python functions (no compilation)."""

    name = "python"
    jit = False

    def compile(self, source: str, func_name: str, scope: dict[str, Any], checked: Sequence[str] = (),
                parallel: Sequence[str] = ()) -> CompiledFunction:
        full_scope = {**self.scope(), **scope}
        path, module = load_module(source, func_name, full_scope, ["jit=False", repr(sorted(checked)),
                                                                   repr(sorted(parallel))])
        return CompiledFunction(getattr(module, func_name), source, str(path), False, self.name)
