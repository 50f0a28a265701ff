"""The targets generated code runs on, by name: an extension point.

``python`` (``jit=False``: plain Python and NumPy), ``numba_cpu`` (numba, one thread or all cores) and
``cuda`` (NVIDIA GPUs through numba-cuda) are registered by the dotted path of their class, so a target's
module, and the compiler it needs, is imported only when a network first uses it. A new target is a
:class:`~bp_core.backend.targets.base.Target` subclass registered with :func:`register_target`.
"""

from __future__ import annotations

import importlib
from typing import Any

from bp_core import profile
from bp_core.backend.targets.base import CompiledFunction, Target
from bp_core.errors import ModelUseError

__all__ = ["Target", "CompiledFunction", "register_target", "get_target", "target_for", "target_names"]

_REGISTRY: dict[str, str | type[Target]] = {
    "python": "bp_core.backend.targets.python:PythonTarget",
    "numba_cpu": "bp_core.backend.targets.numba_cpu:NumbaCpuTarget",
    "cuda": "bp_core.backend.cuda.target:CudaTarget",
}
_INSTANCES: dict[str, Target] = {}

_DEVICE_TARGETS = {"cpu": "numba_cpu", "gpu": "cuda"}
"""The profile's device -> the target that runs it with jit on."""


def register_target(name: str, target: str | type[Target]) -> None:
    """Register a target class (or ``'module:Class'``, imported on first use) under ``name``."""
    _REGISTRY[name] = target
    _INSTANCES.pop(name, None)


def target_names() -> list[str]:
    """Names of the registered targets."""
    return list(_REGISTRY)


def get_target(name: str) -> Target:
    """The target registered as ``name`` (one instance per process)."""
    if name not in _INSTANCES:
        if name not in _REGISTRY:
            raise ModelUseError(f"no target named {name!r}; the targets are {target_names()}.")
        entry = _REGISTRY[name]
        if isinstance(entry, str):
            module_name, _, class_name = entry.partition(":")
            try:
                entry = getattr(importlib.import_module(module_name), class_name)
            except ImportError as err:
                raise ModelUseError(f"the {name!r} target cannot load ({err}); install what it needs (for "
                                    f"'cuda': pip install 'bpwidgets[gpu]') or use bp.profile.set(device='cpu')."
                                    ) from None
        _INSTANCES[name] = entry()
    return _INSTANCES[name]


def target_for(settings: Any = None) -> Target:
    """The target for a profile: ``python`` when jit is off, else the device's (``cpu``: ``numba_cpu``,
    ``gpu``: ``cuda``).

    Parameters
    ----------
    settings : dict or object with ``settings``, optional
        A profile snapshot (``profile.snapshot()``) or its settings; the current profile by default.
    """
    if settings is None:
        jit, device = profile.is_jit(), profile.get_device()
    else:
        values = getattr(settings, "settings", settings)
        jit, device = values["jit"], values.get("device", "cpu")
    if not jit:
        return get_target("python")
    return get_target(_DEVICE_TARGETS.get(device, device))
