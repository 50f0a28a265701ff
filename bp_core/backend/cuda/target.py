"""The GPU target: a host loop over time that launches each step's kernels with numba-cuda.

``CudaKernel`` is called like the CPU run kernel (same arguments, same status tuple), so the
network runs, grows event records and reports non-finite values the same way on both. A call
copies the arrays to the device, launches the operations of a ``DevicePlan`` once per step, and
copies back what the device wrote. Checks the CPU kernel makes at every step are made here between
chunks of steps, so the host waits for the device only then:

- event records: a chunk holds only as many steps as every record has room for, whatever fires
  (each step adds at most one event per element); a record without room for one more step ends
  the call with the grow status, as the CPU kernel's does;
- non-finite values: each step kernel and check lowers a device flag to the step at which it
  stored a NaN or an infinity; a flag set at the end of a chunk ends the call with that step.

Events are appended by atomics in no fixed order, and are sorted by step and element when
copied back, so a record reads as the CPU kernel's does. One call is a ``call.Call`` (its device copies,
references, time loop and copy back); ``launches`` launches each operation; ``residency`` keeps the state
and the connectivity on the device between calls.
"""

from __future__ import annotations

import linecache
from typing import Any, Callable

import numpy as np
from numba import cuda

from bp_core import profile
from bp_core.backend.cuda import runtime
from bp_core.backend.cuda.bounds import step_error
from bp_core.backend.cuda.call import CHECK_EVERY, STATUS_NONFINITE, STATUS_OK, Call, first_nonfinite_row
from bp_core.backend.cuda.ops import DevicePlan, Launch, lower_kernel
from bp_core.backend.cuda.residency import Residency
from bp_core.errors import ModelUseError

__all__ = ["CudaKernel", "CudaTarget", "CHECK_EVERY", "step_error", "arguments"]


class CudaKernel:
    """The run kernel of one network on the GPU.

    Parameters
    ----------
    plan : DevicePlan
    threads_per_block : int
        Threads of one block (``bp.profile.get_num_thread_gpu()``).
    """

    jit = True
    path = None

    def __init__(self, plan: DevicePlan, threads_per_block: int):
        self.plan = plan
        self.threads = max(1, int(threads_per_block))
        self.kernels: dict[str, Any] = {}
        self.functions: dict[str, Callable] = {}
        for op in plan.ops:
            if isinstance(op, Launch) and op.name not in self.kernels:
                self.functions[op.name] = _define(op, plan.scope)
                self.kernels[op.name] = cuda.jit(self.functions[op.name])
        self.compile_count = 1
        self.residency = Residency(plan)

    @property
    def transfers(self) -> dict[str, int]:
        """Arrays copied so far, ``'to_device'`` and ``'to_host'`` (state and connectivity stay on the device)."""
        return dict(self.residency.transfers)

    def holding(self) -> list[tuple[np.ndarray, Callable[[bool], None]]]:
        """(host array, fetch) of each state the device holds newer values of (``residency``)."""
        return self.residency.holding()

    def __call__(self, *args: Any) -> tuple[int, int, int, int]:
        host = arguments(self.plan, args)
        n_steps, step0, mon0 = int(host["_n_steps"]), int(host["_step0"]), int(host["_mon0"])
        if n_steps == 0:
            return STATUS_OK, 0, 0, 0
        for obj_id, var in self.plan.entry_checks:  # a bad value set before the run is reported at its first step
            if self.residency.holds(var, host[var]):
                continue  # the device's own values, checked as they were stored
            bad = first_nonfinite_row(host[var])
            if bad >= 0:
                return STATUS_NONFINITE, step0, obj_id, bad
        run = Call(self, host)
        try:
            return run.steps(step0, mon0, n_steps)
        finally:
            run.copy_back()


def arguments(plan: DevicePlan, args: tuple) -> dict[str, Any]:
    """The values of a call by kernel variable: the CPU kernel's arguments, and those only the GPU reads."""
    host = dict(zip(plan.args, args))
    host.update({name: get() for name, get in plan.extra.items()})
    return host


def _define(op: Launch, scope: dict[str, Any]) -> Callable:
    """The generated Python function of ``op`` (its source registered so tracebacks show its lines)."""
    filename = f"<bp_core gpu {op.name}>"
    linecache.cache[filename] = (len(op.source), None, op.source.splitlines(True), filename)
    namespace = dict(scope)
    namespace.update(np=np, **runtime.DEVICE_FUNCTIONS)
    exec(compile(op.source, filename, "exec"), namespace)
    return namespace[op.name]


try:  # the target registry names this class; an engine without the registry still runs CudaKernel
    from bp_core.backend.targets.base import Target as _TargetBase
except ImportError:  # pragma: no cover
    _TargetBase = object


class CudaTarget(_TargetBase):
    """NVIDIA GPUs through numba-cuda (device ``'gpu'``): a network's kernel plan runs as a ``CudaKernel``."""

    name = "cuda"
    jit = True

    def compile_kernel(self, plan: Any, safe: bool, parallel: Any = ()) -> CudaKernel:
        """The GPU kernel of a ``codegen.kernel.KernelPlan``, called with the values of ``plan.args``.

        The whole plan is lowered (``codegen.device_plan``, registered with ``ops.register_lowering``), not
        the CPU kernel's source; ``parallel`` is ignored (the target has no CPU threads: ``max_threads`` is 1).
        """
        return CudaKernel(lower_kernel(plan, safe), profile.get_num_thread_gpu())

    def compile(self, source: str, func_name: str, scope: dict[str, Any], checked: Any = (),
                parallel: Any = ()) -> Any:
        raise ModelUseError("the GPU target compiles whole network kernels (compile_kernel), not single functions.")
