"""The walker: the run kernel's operations, scheduled object by object in each object's step order.

``schedule_kernel`` goes through the objects in run order and, for each, through its schedule
(``ObjectPlan.schedule``: step names, ``'input'`` and ``'monitor'``), translating each step and
choosing the operations of each entry. What the walk learns along the way lives in the
``KernelSchedule``: the variables bound before the loop, which event lists the kernel holds
(later steps may follow them), which fields a step may make NaN/inf. ``KernelSchedule.body``
puts the operations in the kernel function's order; ``str()`` lists them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import bp_core.codegen.kernel_ops.inputs  # noqa: F401  (registers the input kinds)
import bp_core.codegen.kernel_ops.monitors  # noqa: F401  (registers the monitor kinds)
from bp_core.codegen.kernel_ops.base import STATUS_OK, Bind, Header, KernelOp, choose
from bp_core.codegen.kernel_ops.checks import CheckCapacity, CheckFinite, CheckFolded, LocateNonfinite
from bp_core.codegen.kernel_ops.decays import DecayFlush, DecayStart, decay_fields
from bp_core.codegen.kernel_ops.delays import AdvanceDelay, PushDelay
from bp_core.codegen.kernel_ops.plans import InputPlan, MonitorPlan, ObjectPlan
from bp_core.codegen.kernel_ops.queues import AdvanceQueue, QueueArrival, QueueCapture, QueueOutput
from bp_core.codegen.kernel_ops.steps import (
    CallStep,
    call_arguments,
    offered_lists,
    step_inputs,
    step_origin_line,
    translate,
)
from bp_core.codegen.kernel_ops.summed import summed_operations
from bp_core.codegen.kernel_ops.syntax import expression, statement, statements
from bp_core.codegen.kernel_ops.uniform import changing_fields, constant_fields, offered_uniform, uniform_after
from bp_core.codegen.passes.run_values import kernel_run_values
from bp_core.codegen.queue_ops import WALK_ARGS
from bp_core.codegen.step_translation import GeneratedStep, StepInputs, as_identifier, safe_text
from bp_core.model.step_function import StepFunction

__all__ = ["KernelSchedule", "schedule_kernel", "FIXED_ARGS"]

FIXED_ARGS = ("_t_start", "_dt", "_step0", "_mon0", "_n_steps", "_rng")
"""The kernel's first arguments, whatever the network."""


@dataclass
class KernelSchedule:
    """The operations of one run kernel, and what their walk found out (see the module docstring)."""

    check_finite: bool = True
    prologue: dict[str, Bind] = field(default_factory=dict)
    entry: list[KernelOp] = field(default_factory=list)
    clocks: dict[str, Bind] = field(default_factory=dict)
    capacity: list[KernelOp] = field(default_factory=list)
    # summed variables, computed at the start of each step before any object's operations (model.summed)
    summed: list[KernelOp] = field(default_factory=list)
    per_object: list[tuple[str, list[KernelOp]]] = field(default_factory=list)
    after: list[KernelOp] = field(default_factory=list)
    outputs: list[KernelOp] = field(default_factory=list)
    offered: list[str] = field(default_factory=lambda: list(FIXED_ARGS))
    functions: list[GeneratedStep] = field(default_factory=list)
    step_origin: dict[str, tuple[ObjectPlan, StepFunction]] = field(default_factory=dict)
    call_sites: list[tuple[ObjectPlan, str]] = field(default_factory=list)
    scope: dict[str, Any] = field(default_factory=dict)
    checked_steps: list[str] = field(default_factory=list)
    parallel_steps: list[str] = field(default_factory=list)
    event_monitors: list[tuple[ObjectPlan, MonitorPlan]] = field(default_factory=list)
    translated: dict[str, StepInputs] = field(default_factory=dict)
    folded: bool = False
    # (state data, field) -> event monitor whose record ends, at this point of the step, with the step's
    # events of that field: later steps may follow that list instead of scanning the field
    listed: dict[tuple[str, str], MonitorPlan] = field(default_factory=dict)
    risky: list[tuple[ObjectPlan, str, str]] = field(default_factory=list)
    inputs: list[InputPlan] = field(default_factory=list)
    # (state data, field) that something besides one uniform input may change during a run, and those that an
    # input applied at this point of the step has made uniform (kernel_ops.uniform)
    changing: set[tuple[str, str]] = field(default_factory=set)
    uniform: set[tuple[str, str]] = field(default_factory=set)
    owners: dict[str, int] = field(default_factory=dict)  # an object's code name -> its place in run order

    def bind(self, var: str, value: ast.expr) -> str:
        """Bind ``var`` to ``value`` once per kernel call, before the time loop."""
        self.prologue[var] = Bind(var, value)
        return var

    def bind_row(self, obj: ObjectPlan, state: str, key: str) -> str:
        """The kernel variable holding one field of a state (bound before the time loop)."""
        data, access = obj.states[state]
        return self.bind(f"{data}_{as_identifier(key)}", expression("DATA[ROW]", DATA=data, ROW=access.fields[key]))

    def bind_flat_row(self, obj: ObjectPlan, key: str) -> str:
        """The kernel variable holding one field of ST as a flat array."""
        var = self.bind_row(obj, "ST", key)
        if obj.states["ST"][1].ndim <= 2:
            return var
        return self.bind(f"{var}_flat", expression("VAR.reshape(-1)", VAR=var))

    def event_record(self, obj: ObjectPlan, mon: MonitorPlan, values: str) -> int:
        """Register an event record of ``obj``'s field ``values``: a step starts only when it has room."""
        self.event_monitors.append((obj, mon))
        number = len(self.event_monitors) - 1
        self.capacity.append(CheckCapacity(mon.var, values, number))
        if obj.states["ST"][1].ndim <= 2:
            self.listed[(obj.states["ST"][0], mon.key)] = mon
        return number

    def operations(self) -> list[KernelOp]:
        """Every operation, in the kernel's order."""
        return (list(self.prologue.values()) + self.entry + list(self.clocks.values()) + self.capacity
                + self.summed + [op for _, ops in self.per_object for op in ops] + self.after + self.outputs)

    def arguments(self) -> list[str]:
        """The kernel's arguments: the fixed ones, then each offered variable some operation reads."""
        read = set().union(*(op.reads() for op in self.operations()))
        return list(FIXED_ARGS) + [name for name in self.offered[len(FIXED_ARGS):] if name in read]

    def body(self) -> list[ast.stmt]:
        """The statements of the time-loop function (the outputs are not part of it)."""
        loop = statement("for _k in range(_n_steps):\n    _i = _step0 + _k\n    _t = _t_start + _i * _dt")
        assert isinstance(loop, ast.For)
        for op in list(self.clocks.values()) + self.capacity + self.summed \
                + [op for _, ops in self.per_object for op in ops] + self.after:
            loop.body += op.lowered()
        out = [stmt for op in list(self.prologue.values()) + self.entry for stmt in op.lowered()]
        if self.folded:
            out += statements("_nonfinite = False")
        return out + [loop] + statements("return STATUS, 0, 0, 0", STATUS=STATUS_OK)

    def __str__(self) -> str:
        parts = [("before the time loop", list(self.prologue.values()) + self.entry),
                 ("each step", list(self.clocks.values()) + self.capacity),
                 ("summed variables", self.summed)]
        parts += [(name, [op for op in ops if not isinstance(op, Header)]) for name, ops in self.per_object]
        parts += [("after the steps", self.after), ("when the kernel returns", self.outputs)]
        return "\n".join(f"{title}:\n" + "\n".join(f"  {op.describe()}" for op in ops)
                         for title, ops in parts if ops)


def schedule_kernel(objects: list[ObjectPlan], inputs: list[InputPlan], catch_errors: bool,
                    check_finite: bool = True) -> KernelSchedule:
    """The operations of the kernel of ``objects`` (in run order) with ``inputs`` (see ``kernel.build_kernel``)."""
    sched = KernelSchedule(check_finite=check_finite, inputs=inputs,
                           owners={obj.code_name: k for k, obj in enumerate(objects)},
                           changing=changing_fields(objects, inputs))
    for obj in objects:
        sched.offered += [name for name in obj.variables if name not in sched.offered]
        float_name = np.dtype(obj.float_type).name
        if float_name != "float64":
            # steps of a float32 state take the time step and the time as float32, so their arithmetic
            # stays float32 (the kernel's own clock stays float64, so time does not drift)
            sched.bind(f"_dt_{float_name}", _cast(float_name, "_dt"))
            sched.clocks[f"_t_{float_name}"] = Bind(f"_t_{float_name}", _cast(float_name, "_t"))
        title = safe_text(f"{obj.label} ({obj.model.name}, {obj.model.mode} mode)")
        ops: list[KernelOp] = [Header(title)]
        for entry in obj.schedule:
            if entry == "input":
                for inp in (i for i in inputs if i.target is obj):
                    sched.offered.append(inp.variable)
                    ops += choose("input", obj, inp).plan(sched, obj, inp)
                    sched.listed.pop((obj.states["ST"][0], _input_field(inp)), None)
                    uniform = uniform_after(inp, sched.changing)
                    if uniform is not None:
                        sched.uniform.add(uniform)
            elif entry == "monitor":
                for mon in obj.monitors:
                    sched.offered += [a for a in mon.arguments() if a not in sched.offered]
                    ops += choose("monitor", obj, mon).plan(sched, obj, mon)
            else:
                ops += _step_operations(sched, obj, entry, catch_errors)
        if obj.delay_rows:
            ops.append(AdvanceDelay(obj.code_name))
        if obj.queue is not None:
            ops.append(AdvanceQueue(obj.queue.var))
        sched.per_object.append((title, ops))
    sched.summed = summed_operations(sched, objects)
    if check_finite:
        _finite_checks(sched, objects, inputs)
    for obj in objects:
        if obj.queue is not None and obj.queue.skip_copy:
            state, access = obj.states["ST"]
            sched.outputs.append(QueueOutput.of(obj.queue, state, dict(access.fields)))
    return sched


def _step_operations(sched: KernelSchedule, obj: ObjectPlan, entry: str, catch_errors: bool) -> list[KernelOp]:
    step, queue = obj.steps[entry], obj.queue
    if queue is not None and entry == queue.copy_step and queue.skip_copy:
        return [_queue_capture(sched, obj)]
    used = step_inputs(obj, step, sched.check_finite, offered_lists(obj, step, sched.listed),
                       decay_fields(obj, step, sched.inputs), offered_uniform(obj, step, sched.uniform),
                       constant_fields(obj, sched.changing, sched.inputs))
    generated = translate(used)
    sched.translated[generated.name] = used
    sched.functions.append(generated)
    sched.step_origin[generated.name] = (obj, step)
    if generated.indexes_user_data:
        sched.checked_steps.append(generated.name)
    if generated.parallel:
        sched.parallel_steps.append(generated.name)
    sched.scope.update(step.all_scope())
    ops: list[KernelOp] = []
    if step.is_delayed and queue is not None:
        ops.append(QueueArrival.of(queue, walked=WALK_ARGS["ptr"] in generated.args))
    elif step.is_delayed and obj.delay_rows:
        ops.append(PushDelay.of(obj))
    extra: dict[str, str | ast.expr] = {arg: sched.bind_row(obj, state, key)
                                        for arg, (state, key) in generated.row_args.items()}
    # values of the step that hold for a run are bound before the time loop (passes.run_values)
    extra.update(kernel_run_values(generated.name, generated.run_values, _run_value_reads(sched, obj, generated),
                                   sched.bind))
    for arg, (state, key, part) in generated.event_args.items():
        var = sched.listed[(obj.states[state][0], key)].var
        extra[arg] = {"index": f"{var}_index", "lo": f"{var}_lo", "hi": expression("V_count[0]", {"V": var})}[part]
    for state, key in generated.written_fields:
        sched.listed.pop((obj.states[state][0], key), None)
    sched.risky += [(obj, state, key) for state, key in sorted(generated.risky_fields - generated.folded_fields)]
    sched.folded |= bool(generated.folded_fields)  # the step checked what it stored (passes.fold_finite)
    sched.call_sites.append((obj, entry))
    ops.append(CallStep(generated.name, call_arguments(obj, generated, extra),
                        step_origin_line(obj, step, generated.name), bool(generated.folded_fields),
                        len(sched.call_sites) - 1 if catch_errors else None))
    if queue is not None and entry == queue.copy_step:
        ops.append(_queue_capture(sched, obj))
    if generated.decays is not None:
        _decay_operations(sched, obj, generated, extra)
    return ops


def _decay_operations(sched: KernelSchedule, obj: ObjectPlan, generated: GeneratedStep,
                      extra: dict[str, str | ast.expr]) -> None:
    """Start and flush the fields ``generated`` decays at its synapses' visits (``kernel_ops.decays``)."""
    decays = generated.decays
    last, now = (obj.arg_map[generated.list_args[arg]] for arg in (decays.last, decays.now))
    fields = obj.states["ST"][1].fields
    flush = DecayFlush(last, now, tuple(sched.bind_row(obj, "ST", key) for key in decays.fields),
                       tuple(str(extra[f]) for f in decays.factors), tuple(str(extra[f]) for f in decays.logs),
                       tuple(str(extra[f]) for f in decays.tables), sched.owners[obj.code_name],
                       tuple(fields[key] for key in decays.fields), sched.check_finite)
    sched.entry.append(DecayStart(last, now, flush))
    sched.outputs.append(flush)


def _run_value_reads(sched: KernelSchedule, obj: ObjectPlan, generated: GeneratedStep) -> Any:
    """The kernel variable of each name a step's per-run values read (its parameters, ``_dt``, and the fields that
    hold for the run, ``StepInputs.constant_fields``)."""
    params = {arg: obj.arg_map[par] for par, arg in generated.param_args.items()}
    float_name = np.dtype(obj.float_type).name
    dt = "_dt" if float_name == "float64" else f"_dt_{float_name}"

    def variable(name: str) -> str | None:
        if name == "_dt":
            return dt
        if name in generated.row_args:
            return sched.bind_row(obj, *generated.row_args[name])
        return params.get(name)
    return variable


def _queue_capture(sched: KernelSchedule, obj: ObjectPlan) -> QueueCapture:
    """The capture of this step's events (following a monitor's list when one holds)."""
    assert obj.queue is not None
    data, access = obj.states["pre"]
    mon = sched.listed.get((data, obj.queue.source)) if access.ndim <= 2 else None
    return QueueCapture(obj.queue.var, sched.bind_row(obj, "pre", obj.queue.source), mon.var if mon else "",
                        tuple(obj.arg_map[name] for name in obj.queue.captured))


def _cast(float_name: str, var: str) -> ast.expr:
    """``np.<float_name>(var)``."""
    return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), float_name, ast.Load()), [ast.Name(var, ast.Load())], [])


def _input_field(inp: InputPlan) -> str:
    return next(k for k, row in inp.target.states["ST"][1].fields.items() if row == inp.row)


def _finite_checks(sched: KernelSchedule, objects: list[ObjectPlan], inputs: list[InputPlan]) -> None:
    """Per-step NaN/inf checks of the fields that steps or inputs store computed values in."""
    owner = {obj.checked_state: obj_id for obj_id, obj in enumerate(objects)}
    with_fields = [(obj_id, obj) for obj_id, obj in enumerate(objects) if obj.states["ST"][1].fields]
    if sched.folded:
        sched.after.append(CheckFolded([LocateNonfinite(obj.checked_state, obj_id) for obj_id, obj in with_fields]))
    seen: set[str] = set()
    # an input's values are checked finite before the run (simulation.inputs): a field that one input sets and
    # nothing else changes holds them, and needs no check at every step
    set_only = [inp for inp in inputs if inp.op == "=" and
                (inp.target.states["ST"][0], _input_field(inp)) not in sched.changing]
    for obj, state, key in sched.risky + [(inp.target, "ST", _input_field(inp)) for inp in inputs
                                          if inp not in set_only]:
        data, access = obj.states[state]
        if data not in owner:
            continue
        var = sched.bind_row(obj, state, key)
        if var not in seen:
            seen.add(var)
            sched.after.append(CheckFinite(var, owner[data], access.fields[key]))
    # a bad value set before the run is reported at its first step
    sched.entry += [LocateNonfinite(obj.checked_state, obj_id, "_step0") for obj_id, obj in with_fields]
