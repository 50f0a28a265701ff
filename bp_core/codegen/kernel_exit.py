"""One exit for a run kernel that has work to do when it returns.

A kernel whose spike queues stand for a field writes that field when it returns (``QueueOutput``), however it
returns: done, stopped by a check, or to grow an event record. Written as a time-loop function and a wrapper
that calls it and then writes the fields, the loop's code is compiled twice: numba links the loop function
into the wrapper, and LLVM optimizes and emits it again there. Here the kernel stays one function:

- ``_status`` starts as ``(STATUS_OK, 0, 0, 0)``;
- a check before the time loop (``if bad: return status``) records its status instead, unless an earlier
  one did (the first status wins, as the first ``return`` did), and the time loop then runs no step;
- a ``return`` inside the time loop records its status and leaves the loop (``break``);
- the outputs run once, after the loop, before the one ``return _status``.

The operations' statements are shared (``KernelOp.lowered`` keeps them), so the rewrite copies the nodes on
the way to each ``return`` and leaves the others as they are.
"""

from __future__ import annotations

import ast
import copy
from typing import Callable

from bp_core.codegen.kernel_ops.base import STATUS_OK
from bp_core.codegen.kernel_ops.syntax import expression, statement
from bp_core.codegen.tree import ORIGIN

__all__ = ["single_exit"]

_STATUS = "_status"
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.While, ast.AsyncFor)


class _NoSingleExit(Exception):
    """A ``return`` the rewrite cannot turn into a recorded status (the caller keeps the wrapper)."""


def single_exit(body: list[ast.stmt], outputs: list[ast.stmt]) -> list[ast.stmt] | None:
    """The kernel body ``body`` (statements, the time loop, ``return STATUS_OK, ...``) with ``outputs`` run at
    its one exit; None where a ``return`` has no such form (one inside a loop within the time loop).

    Parameters
    ----------
    body : list of ast.stmt
        What ``walker.KernelSchedule.body`` returns: statements before the time loop, the loop, a return.
    outputs : list of ast.stmt
        The statements to run however the kernel returns.
    """
    if len(body) < 2 or not isinstance(body[-2], ast.For) or not isinstance(body[-1], ast.Return) \
            or body[-1].value is None:
        return None
    *before, loop, done = body
    try:
        entry = [_recorded_check(stmt) if _returns(stmt) else stmt for stmt in before]
        steps = _with_exits(loop.body, _leave_loop)
    except _NoSingleExit:
        return None
    new_loop = copy.copy(loop)
    new_loop.body = steps
    if any(_returns(stmt) for stmt in before):
        # a check before the loop found a bad state: no step runs
        new_loop.iter = expression("range(_n_steps if _status[0] == OK else 0)", OK=STATUS_OK)
    start = statement("_status = VALUE", VALUE=done.value)
    return [start] + entry + [new_loop] + outputs + [statement("return _status")]


def _returns(node: ast.AST) -> bool:
    return any(isinstance(sub, ast.Return) for sub in ast.walk(node))


def _recorded_check(stmt: ast.stmt) -> ast.stmt:
    """``if test: ...; return s`` before the loop -> ``if _status[0] == OK and (test): ...; _status = s``."""
    if not isinstance(stmt, ast.If) or stmt.orelse or not stmt.body or not isinstance(stmt.body[-1], ast.Return) \
            or stmt.body[-1].value is None or _returns(stmt.test) or any(map(_returns, stmt.body[:-1])):
        raise _NoSingleExit
    new = copy.copy(stmt)
    new.test = ast.BoolOp(ast.And(), [expression("_status[0] == OK", OK=STATUS_OK), stmt.test])
    new.body = stmt.body[:-1] + [_located(statement("_status = VALUE", VALUE=stmt.body[-1].value), stmt.body[-1])]
    return new


def _leave_loop(ret: ast.Return) -> list[ast.stmt]:
    if ret.value is None:
        raise _NoSingleExit
    return [_located(statement("_status = VALUE", VALUE=ret.value), ret), _located(ast.Break(), ret)]


def _with_exits(stmts: list[ast.stmt], exit_: Callable[[ast.Return], list[ast.stmt]]) -> list[ast.stmt]:
    """``stmts`` with each ``return`` replaced by ``exit_(it)``; nodes without one are kept, not copied."""
    out: list[ast.stmt] = []
    for stmt in stmts:
        if isinstance(stmt, ast.Return):
            out += exit_(stmt)
        elif not _returns(stmt) or isinstance(stmt, _NESTED_SCOPES):
            out.append(stmt)
        elif isinstance(stmt, _LOOPS):
            raise _NoSingleExit  # its break would leave the inner loop, not the time loop
        elif isinstance(stmt, ast.If):
            new = copy.copy(stmt)
            new.body, new.orelse = _with_exits(stmt.body, exit_), _with_exits(stmt.orelse, exit_)
            out.append(new)
        elif isinstance(stmt, ast.Try):
            new = copy.copy(stmt)
            new.body, new.orelse = _with_exits(stmt.body, exit_), _with_exits(stmt.orelse, exit_)
            new.finalbody = _with_exits(stmt.finalbody, exit_)
            new.handlers = []
            for handler in stmt.handlers:
                new_handler = copy.copy(handler)
                new_handler.body = _with_exits(handler.body, exit_)
                new.handlers.append(new_handler)
            out.append(new)
        else:  # a statement kind no kernel operation emits around a return
            raise _NoSingleExit
    return out


def _located(new: ast.stmt, old: ast.stmt) -> ast.stmt:
    """``new`` at ``old``'s place in the listing (its line number and the user's line it maps to)."""
    ast.copy_location(new, old)
    if hasattr(old, ORIGIN):
        setattr(new, ORIGIN, getattr(old, ORIGIN))
    return new
