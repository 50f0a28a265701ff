"""What a target is: how a generated module compiles, how data reaches it, which helpers it has.

A target is registered by name (``targets.register_target``) and picked for a profile by
``targets.target_for``. To add one (a GPU, another compiler), subclass :class:`Target`, implement
:meth:`Target.compile` (and the data movers when the target's memory is not the host's), register the
target's implementation of each runtime helper with ``HELPERS[name].implement(target_name)`` and register
the class by name; nothing else in the engine changes.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import numpy as np

from bp_core.backend.helpers import HELPERS, runtime_scope
from bp_core.backend.targets.marked_kernel import MarkedKernel
from bp_core.errors import CodeError

__all__ = ["Target", "CompiledFunction"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class CompiledFunction:
    """A generated function, compiled by a target or kept as Python.

    Parameters
    ----------
    func : callable
        The compiled function (a numba dispatcher), or the Python function when ``jit`` is False.
    source, path : str
        The source text and the file it was written to.
    jit : bool
        Whether ``func`` is compiled.
    target : str
        Name of the target that compiled it.
    """

    def __init__(self, func: Callable, source: str, path: str, jit: bool, target: str = "numba_cpu"):
        self._call = func
        self.py_func = getattr(func, "py_func", func)
        self.source = source
        self.path = path
        self.jit = jit
        self.target = target

    @property
    def dispatcher(self) -> Callable:
        """The numba dispatcher (or the Python function when ``jit`` is False)."""
        return self._call

    @property
    def compile_count(self) -> int:
        """Number of type signatures compiled or loaded for this function (0 without jit)."""
        return len(getattr(self._call, "signatures", ())) if self.jit else 0

    def __call__(self, *args: Any) -> Any:
        try:
            return self._call(*args)
        except Exception as err:
            # compiled, anything else escaping a call is a failure to compile the generated code
            if not self.jit or isinstance(err, CodeError) or self._ran(args):
                raise
            error = CodeError(
                f"numba could not compile the generated function {self.py_func.__name__!r} "
                f"(source: {self.path}). Run with bp.profile.set(jit=False) to debug it in Python.\n"
                f"{first_lines(str(err))}"
            )
            error.details = _ANSI.sub("", str(err))
            raise error from None

    def _ran(self, args: tuple) -> bool:
        """Whether machine code for the types of ``args`` exists: an exception then came from running it."""
        try:
            types = tuple(self._call.typeof_pyval(a) for a in args)
            return types in self._call.overloads
        except Exception:  # what numba cannot type was never compiled
            return False


def first_lines(text: str, n: int = 12) -> str:
    """The first ``n`` non-blank lines of a compiler message, without terminal colours."""
    lines = [ln for ln in _ANSI.sub("", text).splitlines() if ln.strip()]
    return "\n".join(lines[:n])


class Target:
    """A place generated code runs: the base class and interface of every target.

    Attributes
    ----------
    name : str
        The registry name (``'python'``, ``'numba_cpu'``, ``'cuda'``); helpers register their
        implementations under it.
    jit : bool
        Whether the target compiles (False: generated code runs as plain Python and NumPy).
    """

    name = "base"
    jit = False

    def compile(self, source: str, func_name: str, scope: dict[str, Any], checked: Sequence[str] = (),
                parallel: Sequence[str] = ()) -> CompiledFunction:
        """Compile the generated module ``source`` and return its function ``func_name``.

        Parameters
        ----------
        source : str
            Python source of one or more top-level functions that call each other through module globals.
        func_name : str
            The function to return (the entry point, e.g. ``run_kernel``).
        scope : dict
            Global names the source uses besides :meth:`scope` (user helpers, constants).
        checked : sequence of str
            Functions to compile with bounds checking (user code, in the safe default).
        parallel : sequence of str
            Functions whose ``prange`` loops may use several threads.
        """
        raise NotImplementedError(f"target {self.name!r} does not compile")

    def compile_kernel(self, plan: Any, safe: bool, parallel: Sequence[str] = ()) -> Callable:
        """Compile a network's run kernel into a callable runner.

        Parameters
        ----------
        plan : codegen.kernel.KernelPlan
            The emitted kernel: its ``source``, ``scope``, ``args``, ``checked_functions`` and
            ``parallel_functions`` (a target that lowers the plan itself reads the rest).
        safe : bool
            The profile's safe mode: user functions are bounds-checked and the state checked for finiteness.
        parallel : sequence of str
            Functions to run over threads (a subset of ``plan.parallel_functions``; the network asks for this
            second kernel only from targets with :meth:`max_threads` above 1).

        Returns
        -------
        callable
            Called with the values of ``plan.args`` (moved by :meth:`to_target`), it runs ``_n_steps`` steps
            and returns the status tuple ``(code, step, index, extra)`` of ``codegen.kernel``; it has
            ``path`` (its source file, for messages), ``jit`` and ``compile_count``.
        """
        compiled = self.compile(plan.source, "run_kernel", plan.scope,
                                checked=plan.checked_functions if safe else (), parallel=tuple(parallel))
        if getattr(plan, "where", None) is None:
            return compiled
        return MarkedKernel(compiled, plan.args)

    def scope(self) -> dict[str, Any]:
        """Names every generated source may use on this target: NumPy, ``prange`` and the runtime helpers."""
        return runtime_scope({"np": np, "prange": range})

    def helpers(self) -> dict[str, Callable]:
        """Helper name -> this target's implementation (the Python one where it registered none)."""
        return {name: entry.compiled.get(self.name, (entry.python, {}))[0] for name, entry in HELPERS.items()}

    def max_threads(self) -> int:
        """Most threads a parallel kernel of this target can run with (1: the target has no threads)."""
        return 1

    def use_threads(self, count: int) -> None:
        """Run the calling thread's next parallel kernels with ``count`` threads (at most :meth:`max_threads`)."""

    def to_target(self, value: Any) -> Any:
        """Move a kernel argument to the target's memory (identity for targets that run on the host)."""
        return value

    def from_target(self, value: Any) -> Any:
        """Bring a kernel argument back to host memory (identity for targets that run on the host)."""
        return value

    def index_rows(self, ptr: np.ndarray, idx: np.ndarray) -> Any:
        """Compressed rows (row ``r`` is ``idx[ptr[r]:ptr[r + 1]]``) in the form steps iterate over."""
        return [idx[ptr[r]:ptr[r + 1]].astype(np.int64) for r in range(ptr.size - 1)]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
