"""The values a step kernel takes from the host (``codegen.device_host_values``), computed as the CPU computes them.

A launch's ``host`` statements (a pure helper's call, such as ``bp.inputs``' binomial table, and the
prelude lines it reads) run in Python with the kernel's arguments as names and the network's scope
(the helpers themselves), so the GPU reads the very table the CPU kernel would compute.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bp_core.backend.cuda.ops import Launch

__all__ = ["HOST_READ", "compute_host"]

HOST_READ = frozenset({"var", "row", "t", "dt", "i", "step", "const"})
"""Kinds of reference whose values host statements may read (device-side values are left out)."""


def compute_host(op: Launch, names: dict[str, Any], scope: dict[str, Any]) -> dict[str, Any]:
    """Run ``op.host`` with ``names`` (argument -> host value); the values of its ``'host'`` references."""
    namespace = dict(scope)
    namespace["np"] = np
    namespace.update(names)
    exec(op.host, namespace)
    return {ref.name: namespace[ref.name] for ref in op.refs if ref.kind == "host"}
