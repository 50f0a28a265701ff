"""Every kernel of a network's GPU run compiled to PTX, without a GPU or driver (what CI can check).

numba-cuda with its CUDA 12 wheels compiles kernels for a given compute capability with NVVM alone;
only running them needs a driver. Kernels are typed from the arguments a run would pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import cuda, typeof, types
from numba.cuda import dispatcher

from bp_core.backend.cuda import runtime
from bp_core.backend.cuda.host_values import HOST_READ, compute_host
from bp_core.backend.cuda.ops import Launch, Ref
from bp_core.backend.cuda.target import CudaKernel, arguments, step_error

__all__ = ["ptx"]


def ptx(kernel: CudaKernel, *args: Any, cc: tuple[int, int] = (9, 0)) -> dict[str, str]:
    """Compile every kernel a call with ``args`` launches to PTX for compute capability ``cc`` (no GPU needed).

    Returns the PTX of each step kernel and runtime kernel, by name. Only numba-cuda's compiler is used
    (with its CUDA toolkit wheels), not the simulator: call it in a process without ``NUMBA_ENABLE_CUDASIM``.
    """
    host = arguments(kernel.plan, args)
    out: dict[str, str] = {}

    def type_of(ref: Ref) -> Any:
        if ref.kind == "var":
            return typeof(np.ascontiguousarray(host[ref.name])) if isinstance(host[ref.name], np.ndarray) \
                else typeof(host[ref.name])
        if ref.kind == "row":
            return typeof(np.ascontiguousarray(host[ref.name][ref.row]))
        if ref.kind in ("t", "dt"):
            return typeof(np.dtype(ref.dtype).type(0))
        if ref.kind in ("i", "step", "read", "const"):
            return types.int64
        if ref.kind in ("lo", "hi"):
            return typeof(np.zeros(1, dtype=host[f"{ref.name}_count"].dtype))
        if ref.kind == "arrivals":
            return typeof(np.ascontiguousarray(host[f"{ref.name}_arr"]))
        if ref.kind == "rng":
            return typeof(np.zeros(1, dtype=runtime.cuda_random.xoroshiro128p_dtype))
        if ref.kind == "host":
            value = hosted[ref.name]
            return typeof(np.ascontiguousarray(value)) if isinstance(value, np.ndarray) else typeof(value)
        return types.int64[::1]

    # the device helpers a kernel calls are compiled for the current device's compute capability, and
    # without a driver there is none: they are compiled for ``cc`` meanwhile
    class _Device:
        compute_capability = cc

    current = dispatcher.get_current_device
    dispatcher.get_current_device = _Device
    try:
        for op in kernel.plan.ops:
            if isinstance(op, Launch) and op.name not in out:
                hosted = compute_host(op, {arg: _host_value(host, ref) for arg, ref in zip(op.args, op.refs)
                                           if ref.kind in HOST_READ}, kernel.plan.scope) if op.host else {}
                signature = tuple(type_of(ref) for ref in op.refs)
                try:
                    out[op.name] = cuda.compile_ptx(kernel.functions[op.name], signature, cc=cc)[0]
                except Exception as err:
                    raise step_error(op, err, -1) from err
    finally:
        dispatcher.get_current_device = current
    f64, i64, i32, f64_2 = types.float64[::1], types.int64[::1], types.int32[::1], types.float64[:, ::1]
    runtime_signatures = {
        "record_events": (f64, types.int64, i32, i64, f64, i64), "mark_start": (i64, i64),
        "copy_row": (f64, f64), "copy_selected": (f64, f64, i64), "apply_input": (f64, f64, types.int64),
        "check_finite": (f64, i64, types.int64),
        "queue_capture": (f64, i64, types.int64[:, ::1], f64_2, i64, i64, types.float64, types.boolean),
        "queue_arrival": (types.int64[:, ::1], f64_2, i64, i64, i64, i64, i64, i64, types.float64[:, :, ::1], i64,
                          f64)}
    runtime_signatures["queue_advance"] = (i64,)
    for name, signature in runtime_signatures.items():
        out[name] = cuda.compile_ptx(runtime.KERNELS[name].py_func, signature, cc=cc)[0]
    return out


def _host_value(host: dict[str, Any], ref: Ref) -> Any:
    """What a host statement reads for ``ref`` in a call with the kernel arguments ``host`` (step 0)."""
    if ref.kind == "var":
        return host[ref.name]
    if ref.kind == "row":
        return host[ref.name][ref.row]
    if ref.kind == "dt":
        return np.dtype(ref.dtype).type(host["_dt"])
    if ref.kind == "t":
        return np.dtype(ref.dtype).type(host["_t_start"])
    return ref.row if ref.kind == "const" else 0
