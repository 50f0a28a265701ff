"""Values a GPU step kernel takes ready-made from the host: tables that pure helpers compute before its grid.

On the CPU, the hoisting pass computes a call to a helper of the step's scope that declares itself
free of side effects (``bp_pure = True``, such as ``bp.inputs``' binomial table) once per step,
before the element loop. A GPU thread cannot allocate the array such a helper returns, and every
thread computing it would repeat the work anyway, so those assignments leave the kernel: the host
runs them, with the prelude lines they read, and passes each result as an argument of the kernel::

    p = drive_rate * _dt / 1000.0            (host and kernel)   p = drive_rate * _dt / 1000.0
    table = binomial_cdf(drive_N, p)    ->   (host only)         table = binomial_cdf(drive_N, p)
    _obj_i = cuda.grid(1)                    kernel(..., table)  _obj_i = cuda.grid(1) ...

What they read is uniform (the hoisting pass moves nothing per element), so the host computes them
once per call, or once per step where they read the time or the step number.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bp_core.codegen.tree import StepTree

__all__ = ["HostValues", "take_host_values"]

_PER_STEP = frozenset({"_t", "_i"})


@dataclass(frozen=True)
class HostValues:
    """What the host computes for a step kernel before launching it.

    Attributes
    ----------
    source : str
        Python statements, run on the host with the kernel's arguments as names.
    names : tuple of str
        The names those statements define that the kernel takes as arguments.
    per_step : bool
        They read the time or the step number: computed before every launch, not once per call.
    """

    source: str = ""
    names: tuple[str, ...] = ()
    per_step: bool = False


def take_host_values(tree: StepTree) -> tuple[HostValues, list[ast.stmt]]:
    """Remove from ``tree.prelude`` the assignments that call a pure helper; return them and their statements.

    The statements returned are those the host runs (the helper calls and the prelude lines they read,
    in order); lines the kernel also reads stay in its prelude.
    """
    pure = _pure_helpers(tree)
    taken = [k for k, stmt in enumerate(tree.prelude) if _calls_helper(stmt, pure)]
    if not taken:
        return HostValues(), []
    needed: set[str] = set()
    host: list[int] = []
    for k in range(max(taken), -1, -1):  # the taken lines and, backwards, what they read
        stmt = tree.prelude[k]
        if k in taken or _assigned(stmt) & needed:
            host.append(k)
            needed |= _read(stmt)
    host.reverse()
    statements = [tree.prelude[k] for k in host]
    names = tuple(name for k in taken for name in sorted(_assigned(tree.prelude[k])))
    tree.prelude = [stmt for k, stmt in enumerate(tree.prelude) if k not in taken]
    source = "\n".join(ast.unparse(stmt) for stmt in statements)
    return HostValues(source, names, bool(needed & _PER_STEP)), statements


def _pure_helpers(tree: StepTree) -> frozenset[str]:
    return frozenset(name for name, value in tree.inputs.step.all_scope().items()
                     if callable(value) and getattr(value, "bp_pure", False) is True)


def _calls_helper(stmt: ast.stmt, pure: frozenset[str]) -> bool:
    return isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets) and any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in pure
        for node in ast.walk(stmt.value))


def _assigned(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _read(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
