"""A network's run kernel as text, per target: its operations in run order and the source as emitted.

For the CPU targets (``'cpu'``) that is the kernel module numba compiles (or NumPy runs): the typed
operations of its time loop, then every line of the source with its number and, where it came from a
user's step, that file and line. For the GPU (``'gpu'``) it is the device plan the host loop launches
once per step: each operation on one line, then each step kernel's source, numbered and mapped to the
user's lines the same way, with what the host computes before launching it (``device_host_values``) and
the user's lines its raises report. Nothing is compiled; the GPU form needs no GPU.
"""

from __future__ import annotations

from typing import Any

from bp_core.backend.cuda.ops import DevicePlan, Launch
from bp_core.codegen.device_plan import device_plan
from bp_core.codegen.kernel import KERNEL_NAME, KernelPlan
from bp_core.errors import ModelUseError

__all__ = ["kernel_listing", "TARGETS"]

TARGETS = ("cpu", "gpu")
"""The targets a kernel can be listed for (``'cpu'``: numba or NumPy, the same source)."""


def kernel_listing(plan: KernelPlan, target: str, check_finite: bool) -> str:
    """The text :meth:`bp_core.Network.show_kernel` prints for ``plan`` on ``target`` (``'cpu'`` or ``'gpu'``).

    Raises
    ------
    ModelUseError
        For another target, or a network the GPU target refuses (the refusal names the step and line).
    """
    if target not in TARGETS:
        raise ModelUseError(f"show_kernel: target must be one of {list(TARGETS)}, got {target!r}.")
    if target == "cpu":
        return _cpu_listing(plan)
    return _gpu_listing(device_plan(plan, None, check_finite))


def _cpu_listing(plan: KernelPlan) -> str:
    listing = str(plan.operations) if plan.operations is not None else "(no operations recorded)"
    lines = plan.source.rstrip("\n").split("\n")
    origins = [plan.line_map.get(k + 1) for k in range(len(lines))]
    return (f"target 'cpu': operations of {KERNEL_NAME}, in run order:\n{listing}\n\n"
            f"generated source ('# <-' marks the user's line each line came from):\n" + _numbered(lines, origins))


def _gpu_listing(plan: DevicePlan) -> str:
    out = ["target 'gpu': operations the host launches at every step, in order:"]
    for number, op in enumerate(plan.ops):
        out.append(f"  {number:>3}  {_describe(op)}")
    for op in dict((op.name, op) for op in plan.ops if isinstance(op, Launch)).values():
        out += ["", f"step kernel {op.name} ({op.step!r} step of {op.owner}), "
                    f"{_grid(op)} ('# <-' marks the user's line each line came from):"]
        if op.host:
            out.append("  computed on the host " + ("before every launch" if op.host_per_step else "once per run")
                       + ":\n" + "\n".join(f"      {line}" for line in op.host.split("\n")))
        for line, said in op.raises:
            out.append(f"  raises {said} from {op.source_file}, line {line}")
        lines = op.source.rstrip("\n").split("\n")
        origins = [_origin(op, op.lines[k]) if k < len(op.lines) else None for k in range(len(lines))]
        out.append(_numbered(lines, origins))
    return "\n".join(out)


def _describe(op: Any) -> str:
    if isinstance(op, Launch):
        return f"launch {op.name}: {_grid(op)}"
    fields = ", ".join(f"{name}={value}" for name, value in vars(op).items() if value not in ((), None, ""))
    return f"{type(op).__name__}({fields})"


def _grid(op: Launch) -> str:
    if op.events:
        return f"one thread per event of {op.events}"
    if any(ref.kind == "arrivals" for ref in op.refs):
        return "one thread per synapse a spike queue reaches"
    return f"{op.count} threads"


class _Origin:
    def __init__(self, file: str, line: int):
        self.file, self.line = file, line

    def where(self) -> str:
        return f"{self.file}, line {self.line}"


def _origin(op: Launch, line: int | None) -> _Origin | None:
    return _Origin(op.source_file, line) if line is not None else None


def _numbered(lines: list[str], origins: list[Any]) -> str:
    width = len(str(len(lines)))
    body = max((len(line) for line in lines), default=0)
    pad = min(body, 100)
    return "\n".join(f"{k + 1:>{width}}  {line:<{pad}}  # <- {where.where()}" if where is not None
                     else f"{k + 1:>{width}}  {line}" for k, (line, where) in enumerate(zip(lines, origins)))
