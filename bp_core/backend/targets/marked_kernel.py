"""A run kernel whose step calls mark where they are, so that a step's exception comes back as a status.

A kernel compiled with error catching (``codegen.kernel.build_kernel(catch_errors=True)``) writes the time
step and the call site into an array before each step call (``kernel_ops.steps.CallStep.where``) instead of
catching the exception of each call in a ``try`` block, which numba compiles at a high cost. An exception
raised inside a step then leaves the compiled kernel; :class:`MarkedKernel` catches it, reads the marks and
returns the status the ``try`` block returned: ``(STATUS_STEP_ERROR, step, call site, 0)``. The network then
tells the error at the user's line as before (``simulation.step_errors``).
"""

from __future__ import annotations

import bdb
from typing import Any, Sequence

import numpy as np

from bp_core.errors import CodeError

__all__ = ["MarkedKernel", "STATUS_STEP_ERROR"]

STATUS_STEP_ERROR = 2  # as bp_core.codegen.kernel numbers it (the backend sits below codegen)


class MarkedKernel:
    """A compiled run kernel that takes its marks' array last, called with the values of ``args``.

    Parameters
    ----------
    compiled : base.CompiledFunction
        The kernel, whose arguments are ``args`` and then the marks' array.
    args : sequence of str
        The arguments the network binds (``KernelPlan.args``), ``_n_steps`` among them.
    """

    def __init__(self, compiled: Any, args: Sequence[str]):
        self.compiled = compiled
        self._n_steps_at = list(args).index("_n_steps")

    def __call__(self, *args: Any) -> tuple:
        where = np.full(2, -1, dtype=np.int64)
        try:
            return self.compiled(*args, where)
        except (CodeError, bdb.BdbQuit):
            raise  # quitting the debugger a step opened ends the run as in plain Python, with no replay
        except Exception:
            if where[1] < 0:  # no step had started: not a step's error
                raise
        # the kernel left without running what it does when it returns (writing the fields its spike queues
        # stand for, as the try block's return did): a call of no steps does only that
        again = list(args)
        again[self._n_steps_at] = 0
        self.compiled(*again, np.full(2, -1, dtype=np.int64))
        return STATUS_STEP_ERROR, int(where[0]), int(where[1]), 0

    def __getattr__(self, name: str) -> Any:
        # path, jit, compile_count, dispatcher, py_func, source: the compiled function's
        if name == "compiled":
            raise AttributeError(name)
        return getattr(self.compiled, name)
