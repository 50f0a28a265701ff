"""Errors inside generated code, told in terms of the user's own step functions.

Every message names the step, the object it ran for, and the user's file and line, found in
the kernel's line map (``KernelPlan.line_map``):

- numba cannot compile a step (``compile_error``): numba's report names a generated line;
- a step raises while running in Python (``bp.profile.set(jit=False)``; ``python_error``): the
  deepest frame of the generated file is the user's line;
- a compiled step fails (an index out of range under bounds checking; ``compiled_step_error``):
  compiled code reports no line, so the failing step is run once more, in Python, on copies of
  the values it failed on; the exception it raises there gives the line and Python's own words.
"""

from __future__ import annotations

import ast
import bdb
import copy
import linecache
import re
from dataclasses import replace
from typing import Any

from bp_core.codegen.emit import LineOrigin
from bp_core.codegen.kernel import KERNEL_NAME, KernelPlan, build_kernel
from bp_core.codegen.passes.bound_loops import REPLAY_LIMIT
from bp_core.errors import CodeError, ModelDefError, RunError

__all__ = ["compile_error", "python_error", "compiled_step_error", "describe", "stores_of"]


def describe(where: LineOrigin) -> str:
    """``'at <file>, line <n>: <the line>'``."""
    text = linecache.getline(where.file, where.line).strip()
    return f"at {where.where()}" + (f": {text}" if text else "")


def compile_error(err: CodeError, plan: KernelPlan, path: str) -> Exception:
    """A ModelDefError naming the user's line numba could not compile."""
    text = getattr(err, "details", str(err))
    lines = plan.source.split("\n")
    for match in re.finditer(r'File "([^"]+)", line (\d+)', text):
        if not match.group(1).endswith(path.rsplit("/", 1)[-1]):
            continue
        number = int(match.group(2))
        where = plan.line_map.get(number)
        if where is None:
            continue
        step = _step_of(plan, where)
        reasons = [ln.strip() for ln in text.split("\n") if ln.strip() and not ln.startswith("Failed in")]
        return ModelDefError(
            f"{step.where()} cannot be compiled for {where.owner}: {reasons[0] if reasons else ''}"
            f"{_hint(text, step)}\n  {describe(where)}\n  generated line {number}: {lines[number - 1].strip()}\n"
            f"Run with bp.profile.set(jit=False) to debug the step in Python.")
    return ModelDefError(f"the network's kernel cannot be compiled: {err}")


def python_error(err: Exception, plan: KernelPlan, path: str) -> RunError | None:
    """A RunError naming the user's line for an exception raised by generated code run in Python."""
    if isinstance(err, bdb.BdbQuit):
        return None  # the user quit the debugger their step opened: it ends the run as in plain Python
    number, t = None, None
    tb = err.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == path:
            number = tb.tb_lineno
            if code.co_name == KERNEL_NAME:
                t = tb.tb_frame.f_locals.get("_t")
        tb = tb.tb_next
    where = plan.line_map.get(number) if number is not None else None
    if where is None:
        return None
    step = _step_of(plan, where)
    when = f" at t={t:g} ms" if isinstance(t, float) else ""
    return RunError(f"{step.where()} ({where.owner}) raised {type(err).__name__}{when}: {err}\n  {describe(where)}\n"
                    f"The run stopped there.")


def compiled_step_error(plan: KernelPlan, values: dict[str, Any], step: int, first: int, call: int
                        ) -> RunError | None:
    """Run the step that failed in compiled code again, in Python on copies, and describe what it raises.

    ``call`` is the failing entry of ``plan.call_sites``. Only that step function runs again: the steps
    before it in the same time step have already run, and running them twice would change its inputs.
    """
    from bp_core.backend.compile import compile_source  # numba loads when something is compiled

    failing, name = plan.call_sites[call]
    # a while loop that ran past its bound compiled does so again here: a lower bound finds it sooner
    alone = [replace(obj, schedule=[name] if obj is failing else [], loop_limit=min(obj.loop_limit, REPLAY_LIMIT))
             for obj in plan.objects]
    replay = build_kernel(alone, [], catch_errors=False, check_finite=False)
    try:
        kernel = compile_source(replay.source, KERNEL_NAME, replay.scope, jit=False)
        copies = {name: copy.deepcopy(values[name]) for name in replay.args}
    except Exception:  # then the message names the step without its line
        return None
    copies.update(_step0=step, _mon0=step - first, _n_steps=1)
    try:
        kernel(*[copies[name] for name in replay.args])
    except Exception as err:
        found = python_error(err, replay, kernel.path)
        if found is not None:
            found.__cause__ = err
        return found
    return None  # the step did not fail again in Python


def stores_of(plan: KernelPlan, owner: str, field: str) -> list[str]:
    """Where the user's steps store ``field`` of the object ``owner`` names: ``'<file>, line <n> (step <s>)'``.

    Its own steps store it as ``ST['field']``; a synapse step as ``pre['field']`` or ``post['field']`` of
    the group on that side.
    """
    found = []
    for obj, step in plan.step_origin.values():
        roles = {"ST"} if obj.display == owner else {role for role in ("pre", "post")
                                                     if obj.sides.get(role) == owner}
        for node in ast.walk(step.node):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AugAssign) else []
            for target in targets:
                while isinstance(target, ast.Subscript) and not (
                        isinstance(target.value, ast.Name) and isinstance(target.slice, ast.Constant)):
                    target = target.value
                if isinstance(target, ast.Subscript) and target.value.id in roles and target.slice.value == field:
                    found.append(f"{step.source_file}, line {step.first_line + node.lineno - 1} (step {step.name!r})")
    return list(dict.fromkeys(found))


def _step_of(plan: KernelPlan, where: LineOrigin):
    return plan.step_origin[where.function][1]


def _hint(text: str, step: Any) -> str:
    """What to do about the commonest numba errors in user steps."""
    match = re.search(r"Untyped global name '(\w+)'", text)
    if match:  # recursion is refused when the model is defined (model.recursion)
        return (f"\n  {match.group(1)!r} is a Python object compiled code cannot use; pass numbers and arrays "
                f"(as parameters or requires=...), or call only NumPy, math and plain functions of numbers.")
    return ""
