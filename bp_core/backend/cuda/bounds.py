"""The safe mode's index checks and the steps' own raises on the GPU, read back: the error naming step, time, line.

Step kernels lower a device value per launch site to ``step * 2**LINE_BITS + line`` when an index of
user data is out of range (``bp_core.codegen.device_bounds``) or a ``raise`` of the step runs
(``codegen.device_forms``; the launch knows which lines raise what). The host reads those values between
chunks of steps; the earliest is reported as the CPU's bounds check reports it, and the run's state is
not copied back (it stays as the call began). ``step_error`` tells a step kernel's compile or run error
at the user's line likewise.
"""

from __future__ import annotations

import linecache
import re

import numpy as np

from bp_core.backend.cuda.ops import DevicePlan, Launch
from bp_core.errors import ModelUseError, RunError

__all__ = ["LINE_BITS", "first_bad", "bounds_error", "step_error"]

LINE_BITS = 20
"""As ``codegen.device_bounds.LINE_BITS`` (the two layers share the encoding, not an import)."""


def first_bad(values: np.ndarray, unset: int) -> tuple[int, int, int] | None:
    """``(site, step, line)`` of the earliest index out of range among the sites' ``values``; None if none."""
    if values.min() == unset:
        return None
    site = int(np.argmin(values))
    code = int(values[site])
    return site, code >> LINE_BITS, code & ((1 << LINE_BITS) - 1)


def bounds_error(plan: DevicePlan, site: int, step: int, line: int, t: float) -> RunError:
    """The RunError of an index out of range at ``line`` of the step launched at ``site``, at ``step`` (time ``t``)."""
    op = next((op for number, op in enumerate(plan.ops) if isinstance(op, Launch) and plan.flag_of.get(number) == site),
              None)
    if op is None:  # pragma: no cover - every checked kernel is a launch with a site
        return RunError(f"an index was out of range on the GPU at t={t:g} ms (step {step}). The run stopped there.")
    text = linecache.getline(op.source_file, line).strip() if line else ""
    where = f"{op.source_file}, line {line}" if line else op.source_file
    said = dict(op.raises).get(line)
    if said is not None:  # the step's own raise, told as the CPU tells it
        kind, _, message = said.partition(": ")
        return RunError(f"step function {op.step!r} of {op.owner} raised {kind} at t={t:g} ms (step {step}) on the "
                        f"GPU" + (f": {message}" if message else "") + f"\n  at {where}" +
                        (f": {text}" if text else "") + "\nThe run stopped there; the state is as it was when the "
                        "run began (or when it last grew its spike records).")
    return RunError(f"step function {op.step!r} of {op.owner} raised IndexError at t={t:g} ms (step {step}) on the "
                    f"GPU: an index is out of range (the safe mode checks every index of user data)\n"
                    f"  at {where}" + (f": {text}" if text else "") + "\n"
                    "The run stopped there; the state is as it was when the run began (or when it last grew its "
                    "spike records). Run it with bp.profile.set(device='cpu', jit=False) to see the values.")


def step_error(op: Launch, err: Exception, i: int) -> Exception:
    """A compile or run error of a step kernel, told at the user's line when the message names a generated one."""
    lines = [int(n) for n in re.findall(rf"<bp_core gpu {re.escape(op.name)}>\", line (\d+)", str(err))]
    user = next((op.lines[n - 1] for n in reversed(lines) if 0 < n <= len(op.lines) and op.lines[n - 1]), None)
    where = f"{op.source_file}, line {user}" if user else op.source_file
    kind = ModelUseError if "Typing" in type(err).__name__ or "Lowering" in type(err).__name__ else RunError
    return kind(f"step function {op.step!r} of {op.owner} failed on the GPU at step {i}: "
                f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}\n  at {where}\n"
                f"Run it with bp.profile.set(device='cpu') to check it there.")
