"""Assembly of a network's run kernel: every step function plus one loop over time that calls them.

The kernel is one generated module: the translated step functions of all objects
and ``run_kernel``, which holds the time loop. Everything that changes between
runs (state, parameters, inputs, monitors) is an argument, so re-running with new
values reuses the compiled kernel. The kernel returns a status instead of raising,
so a bad value or index stops the run with a message naming the object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from bp_core.codegen import queue_ops
from bp_core.codegen.emit import LineMap, LineOrigin
from bp_core.codegen.queue_ops import QueuePlan
from bp_core.codegen.step_translation import (
    DelayAccess,
    GeneratedStep,
    StateAccess,
    StepInputs,
    as_identifier,
    safe_text,
    translate_step,
)
from bp_core.model.step_function import StepFunction

__all__ = ["ObjectPlan", "InputPlan", "KernelPlan", "MonitorPlan", "QueuePlan", "build_kernel", "STATUS_OK",
           "STATUS_NONFINITE",
           "STATUS_STEP_ERROR", "STATUS_GROW"]

STATUS_OK, STATUS_NONFINITE, STATUS_STEP_ERROR, STATUS_GROW = 0, 1, 2, 3
KERNEL_NAME = "run_kernel"


@dataclass
class MonitorPlan:
    """How the kernel records one monitored field.

    Attributes
    ----------
    key : str
        The field.
    var : str
        Prefix of its kernel variables: ``<var>`` is the dense record; an event record is
        ``<var>_index``, ``<var>_step``, ``<var>_value`` (empty unless values are kept) and
        ``<var>_count`` (one int: events so far).
    events : bool
        Record (element, step) events of nonzero values instead of dense rows.
    every : int
        Record every ``every``-th step of the epoch (steps ``_i`` with ``_i % every == 0``).
    selected : bool
        Record only the elements listed in ``<var>_sel``.
    """

    key: str
    var: str
    events: bool = False
    every: int = 1
    selected: bool = False

    def arguments(self) -> list[str]:
        """Kernel arguments holding this monitor's buffers."""
        if self.events:
            return [f"{self.var}_{part}" for part in ("index", "step", "value", "count")]
        return [self.var] + ([f"{self.var}_sel"] if self.selected else [])


@dataclass
class ObjectPlan:
    """What the kernel needs to know about one NeuGroup or SynConn.

    Attributes
    ----------
    code_name : str
        Identifier prefix of its kernel variables.
    label : str
        Name used in generated code (stable across identical networks).
    display : str
        Name used in messages (the object's own name).
    model : ObjType
    steps : dict
        Step name -> StepFunction.
    schedule : list of str
    states : dict
        'ST' / 'pre' / 'post' -> (kernel variable, StateAccess).
    variables : dict
        Kernel variable -> getter of its current value (state, parameters, data, connectivity).
    arg_map : dict
        Argument name inside step functions -> kernel variable.
    param_names : list of str
    per_element : set of str
        Parameters holding one value per element (indexed by element in scalar mode; the
        generated code differs, so making a parameter heterogeneous compiles once).
    index_lists : set of str
        Data arguments holding one index array per element; ``arg_map`` also names their
        compressed-row parts ``<name>_ptr`` and ``<name>_idx``.
    unique_lists : set of str
        Index lists no row of which holds an index twice.
    float_type : type
        Float type of its state (float32 steps get float32 literals and time step).
    parallel : bool
        Run independent element loops on all cores (``prange``).
    loop_size : str
        Scalar mode: number of elements, as an expression of step-function arguments.
    scalar_indices : dict
        Scalar mode: '_pre_i' / '_post_i' -> expression.
    delay_steps : int
    delay_rows : dict
        Field -> row of the delay buffer.
    delay_note : str
        Which form delays the synapse's fields (a delay line or a spike queue) and why.
    queue : QueuePlan, optional
        The spike queue that stands for the delay line.
    monitors : list of MonitorPlan
    checked_state : str
        Kernel variable of its state, checked for NaN/inf each step.
    sides : dict
        A synapse's 'pre' / 'post' -> the display name of the group on that side.
    """

    code_name: str
    label: str
    display: str
    model: Any
    steps: dict[str, StepFunction]
    schedule: list[str]
    states: dict[str, tuple[str, StateAccess]]
    variables: dict[str, Callable[[], Any]]
    arg_map: dict[str, str]
    param_names: list[str]
    per_element: set[str] = field(default_factory=set)
    index_lists: set[str] = field(default_factory=set)
    unique_lists: set[str] = field(default_factory=set)
    float_type: Any = np.float64
    parallel: bool = False
    loop_size: str = ""
    scalar_indices: dict[str, str] = field(default_factory=dict)
    delay_steps: int = 0
    delay_rows: dict[str, int] = field(default_factory=dict)
    delay_note: str = ""
    queue: QueuePlan | None = None
    monitors: list[MonitorPlan] = field(default_factory=list)
    checked_state: str = ""
    sides: dict[str, str] = field(default_factory=dict)


@dataclass
class InputPlan:
    """One external input: ``target[row] op= value`` each step (``value[k]`` when it varies in time)."""

    target: ObjectPlan
    key: str
    row: int
    op: str
    variable: str
    iterated: bool


@dataclass
class KernelPlan:
    """The generated kernel: its source, its argument names, and what each generated function came from.

    ``line_map`` leads each line of ``source`` that came from a user's step back to its file and line;
    the kernel's call of a step maps to the step's ``def`` line. ``step_inputs`` holds what each generated
    function was translated from (in the network's context: the event lists it was offered, say).
    """

    source: str
    args: list[str]
    checked_functions: tuple[str, ...]
    step_origin: dict[str, tuple[ObjectPlan, StepFunction]]
    call_sites: list[tuple[ObjectPlan, str]]
    scope: dict[str, Any]
    parallel_functions: tuple[str, ...] = ()
    event_monitors: list[tuple[ObjectPlan, MonitorPlan]] = field(default_factory=list)
    line_map: LineMap = field(default_factory=LineMap)
    objects: list[ObjectPlan] = field(default_factory=list)
    step_inputs: dict[str, StepInputs] = field(default_factory=dict)


def build_kernel(objects: list[ObjectPlan], inputs: list[InputPlan], catch_errors: bool,
                 check_finite: bool = True) -> KernelPlan:
    """Generate the kernel of a network.

    Parameters
    ----------
    objects : list of ObjectPlan
        In run order.
    inputs : list of InputPlan
    catch_errors : bool
        Wrap step calls so an error inside one (e.g. an index out of range) ends the run
        with a status naming the step, instead of an exception from compiled code.
    check_finite : bool
        Check every state for NaN/inf after each step.
    """
    functions: list[GeneratedStep] = []
    step_origin: dict[str, tuple[ObjectPlan, StepFunction]] = {}
    call_sites: list[tuple[ObjectPlan, str]] = []
    scope: dict[str, Any] = {}
    kernel_args = ["_t_start", "_dt", "_step0", "_mon0", "_n_steps", "_rng"]
    body: list[str] = []
    prologue: dict[str, str] = {}  # kernel variable -> expression, bound once per call
    clocks: dict[str, str] = {}  # kernel variable -> expression of the time, bound once per step
    checked_steps: list[str] = []
    parallel_steps: list[str] = []
    risky: list[tuple[ObjectPlan, str, str]] = []  # fields a step may make non-finite
    event_monitors: list[tuple[ObjectPlan, MonitorPlan]] = []
    capacity: list[str] = []  # a step starts only when every event record has room for a whole step
    folded = False  # some step reports the non-finite values it stored
    # (state data, field) -> event monitor whose record ends, at this point of the step, with the step's events
    # of that field: later steps may follow that list instead of scanning the field
    listed: dict[tuple[str, str], MonitorPlan] = {}
    translated: dict[str, StepInputs] = {}
    for obj_id, obj in enumerate(objects):
        for name, getter in obj.variables.items():
            if name not in kernel_args:
                kernel_args.append(name)
        if np.dtype(obj.float_type) != np.float64:
            # steps of a float32 state take the time step and the time as float32, so their arithmetic
            # stays float32 (the kernel's own clock stays float64, so time does not drift)
            type_name = np.dtype(obj.float_type).name
            prologue[f"_dt_{type_name}"] = f"np.{type_name}(_dt)"
            clocks[f"_t_{type_name}"] = f"np.{type_name}(_t)"
        body.append(safe_comment(f"{obj.label} ({obj.model.name}, {obj.model.mode} mode)"))
        for entry in obj.schedule:
            if entry == "input":
                for inp in (i for i in inputs if i.target is obj):
                    kernel_args.append(inp.variable)
                    body += _input_lines(obj, inp)
                    data, access = obj.states["ST"]
                    listed.pop((data, next(k for k, row in access.fields.items() if row == inp.row)), None)
            elif entry == "monitor":
                for mon in obj.monitors:
                    kernel_args += [a for a in mon.arguments() if a not in kernel_args]
                    if mon.events:
                        event_monitors.append((obj, mon))
                        capacity += _capacity_check(obj, mon, len(event_monitors) - 1, prologue)
                        if obj.states["ST"][1].ndim <= 2:
                            listed[(obj.states["ST"][0], mon.key)] = mon
                    body += _monitor_lines(obj, mon, prologue)
            else:
                step = obj.steps[entry]
                queue = obj.queue
                if queue is not None and entry == queue.copy_step and queue.skip_copy:
                    body += _queue_capture(obj, queue, listed, prologue)
                    continue
                inputs_used = step_inputs(obj, step, check_finite, _offered_lists(obj, step, listed))
                generated = _translate(inputs_used)
                translated[generated.name] = inputs_used
                functions.append(generated)
                step_origin[generated.name] = (obj, step)
                if generated.indexes_user_data:
                    checked_steps.append(generated.name)
                if generated.parallel:
                    parallel_steps.append(generated.name)
                for name in step.all_scope():
                    scope[name] = step.all_scope()[name]
                if step.is_delayed and queue is not None:
                    body += queue_ops.arrival_lines(queue)
                elif step.is_delayed and obj.delay_rows:
                    body += _delay_push_lines(obj)
                lookup = dict(obj.arg_map)
                lookup.update({arg: obj.arg_map[par] for par, arg in generated.param_args.items()})
                lookup.update({arg: obj.arg_map[part] for arg, part in generated.list_args.items()})
                for arg, (state, key) in generated.row_args.items():
                    lookup[arg] = _bind_row(obj, state, key, prologue)
                for arg, (state, key, part) in generated.event_args.items():
                    var = listed[(obj.states[state][0], key)].var
                    lookup[arg] = {"index": f"{var}_index", "lo": f"{var}_lo", "hi": f"{var}_count[0]"}[part]
                for state, key in generated.written_fields:
                    listed.pop((obj.states[state][0], key), None)
                risky += [(obj, state, key) for state, key in sorted(generated.risky_fields - generated.folded_fields)]
                call = f"{generated.name}({', '.join(_kernel_arg(lookup, obj, a) for a in generated.args)})"
                if generated.folded_fields:
                    call = f"_nonfinite |= {call}"  # the step checked what it stored (see finite_folding)
                    folded = True
                call_sites.append((obj, entry))
                if catch_errors:
                    body += ["try:", f"    {call}", "except Exception:",
                             f"    return {STATUS_STEP_ERROR}, _i, {len(call_sites) - 1}, 0"]
                else:
                    body.append(call)
                if queue is not None and entry == queue.copy_step:
                    body += _queue_capture(obj, queue, listed, prologue)
        if obj.delay_rows:
            idx = f"{obj.code_name}_delay_idx"
            body.append(f"{idx}[0] = ({idx}[0] + 1) % {idx}[1]")
        if obj.queue is not None:
            pos = f"{obj.queue.var}_pos"
            body.append(f"{pos}[0] = ({pos}[0] + 1) % {pos}[1]")
    entry_checks: list[str] = []
    if check_finite:
        if folded:
            body += ["if _nonfinite:"] + ["    " + line for obj_id, obj in enumerate(objects)
                                          if obj.states["ST"][1].fields
                                          for line in _locate_nonfinite(obj, obj_id)]
        body += _finite_checks(objects, inputs, risky, prologue)
        for obj_id, obj in enumerate(objects):
            if obj.states["ST"][1].fields:  # a bad value set before the run is reported at its first step
                entry_checks += [f"_bad = first_nonfinite_row({obj.checked_state})", "if _bad >= 0:",
                                 f"    return {STATUS_NONFINITE}, _step0, {obj_id}, _bad"]
    loop = [f"{var} = {expr}" for var, expr in prologue.items()] + entry_checks
    if folded:
        loop.append("_nonfinite = False")
    loop += ["for _k in range(_n_steps):", "    _i = _step0 + _k", "    _t = _t_start + _i * _dt"]
    loop += [f"    {var} = {expr}" for var, expr in clocks.items()]
    loop += ["    " + line for line in capacity + body]
    # data no generated line reads (e.g. a list form of connectivity the steps read compressed) is not passed
    outputs = _queue_outputs(objects)
    words = set(re.findall(r"\w+", "\n".join(loop + outputs)))
    kernel_args = kernel_args[:6] + [a for a in kernel_args[6:] if a in words]
    kernel = (f"def {KERNEL_NAME}({', '.join(kernel_args)}):\n"
              f'    """Run the network for _n_steps steps, generated by bp_core."""\n'
              + "\n".join("    " + line for line in loop)
              + f"\n    return {STATUS_OK}, 0, 0, 0\n")
    kernel = queue_ops.with_outputs(kernel, KERNEL_NAME, kernel_args, outputs)
    source = "\n\n".join([f.source for f in functions] + [kernel])
    checked = tuple(checked_steps)
    return KernelPlan(source, kernel_args, checked, step_origin, call_sites, scope, tuple(parallel_steps),
                      event_monitors, _line_map(functions, step_origin, source), list(objects), translated)


def _line_map(functions: list[GeneratedStep], step_origin: dict[str, tuple[ObjectPlan, StepFunction]],
              source: str) -> LineMap:
    line_map = LineMap()
    first = 1
    for generated in functions:
        obj, step = step_origin[generated.name]
        line_map.add(first, generated.lines, step.source_file, step.name, obj.display, generated.name)
        first += generated.source.count("\n") + 2  # each source ends in a newline, and one blank line follows
    calls = re.compile(r"\b(" + "|".join(map(re.escape, step_origin)) + r")\(") if step_origin else None
    for number, text in enumerate(source.split("\n")[first - 1:], start=first):
        match = calls.search(text) if calls else None
        if match:
            obj, step = step_origin[match.group(1)]
            line_map.set(number, LineOrigin(step.source_file, step.first_line, step.name, obj.display, match.group(1)))
    return line_map


def safe_comment(text: str) -> str:
    """A one-line comment of generated code saying ``text``."""
    return f"# {safe_text(text)}"


def _monitor_lines(obj: ObjectPlan, mon: MonitorPlan, prologue: dict[str, str]) -> list[str]:
    """Record one monitored field at the current step."""
    if mon.events:
        values = _bind_flat_row(obj, mon.key, prologue)
        v = mon.var
        # <var>_lo: where this step's events start (steps that follow the list read from there)
        return [f"{v}_lo = {v}_count[0]",
                f"{v}_count[0] = record_events({values}, _i, {v}_index, {v}_step, {v}_value, {v}_count[0])"]
    row = "_mon0 + _k"
    lines: list[str] = []
    if mon.every > 1:
        first = f"_first_row_{mon.var}"
        # rows are counted over the epoch, so a run cut into advance() chunks records the same steps
        prologue[first] = f"(_step0 - _mon0 + {mon.every - 1}) // {mon.every}"
        row = f"_i // {mon.every} - {first}"
    if mon.selected:
        values = _bind_flat_row(obj, mon.key, prologue)
        lines.append(f"record_selected({mon.var}, {row}, {values}, {mon.var}_sel)")
    else:
        lines.append(f"record_row({mon.var}, {row}, {_bind_row(obj, 'ST', mon.key, prologue)})")
    if mon.every > 1:
        lines = [f"if _i % {mon.every} == 0:"] + ["    " + line for line in lines]
    return lines


def _capacity_check(obj: ObjectPlan, mon: MonitorPlan, number: int, prologue: dict[str, str]) -> list[str]:
    values = _bind_flat_row(obj, mon.key, prologue)
    return [f"if {mon.var}_count[0] + {values}.shape[0] > {mon.var}_index.shape[0]:",
            f"    return {STATUS_GROW}, _i, {number}, 0"]


def _bind_flat_row(obj: ObjectPlan, key: str, prologue: dict[str, str]) -> str:
    """The kernel variable holding one field of ST as a flat array."""
    var = _bind_row(obj, "ST", key, prologue)
    if obj.states["ST"][1].ndim <= 2:
        return var
    flat = f"{var}_flat"
    prologue[flat] = f"{var}.reshape(-1)"
    return flat


def _finite_checks(objects: list[ObjectPlan], inputs: list[InputPlan], risky: list[tuple[ObjectPlan, str, str]],
                   prologue: dict[str, str]) -> list[str]:
    """Per-step NaN/inf checks of the fields that steps or inputs store computed values in."""
    owner = {obj.checked_state: obj_id for obj_id, obj in enumerate(objects)}
    input_fields = [(inp.target, "ST", next(k for k, row in inp.target.states["ST"][1].fields.items()
                                            if row == inp.row)) for inp in inputs]
    lines: list[str] = []
    seen: set[str] = set()
    for obj, state, key in risky + input_fields:
        data, access = obj.states[state]
        if data not in owner:
            continue
        var = _bind_row(obj, state, key, prologue)
        if var not in seen:
            seen.add(var)
            lines += [f"if any_nonfinite({var}):",
                      f"    return {STATUS_NONFINITE}, _i, {owner[data]}, {access.fields[key]}"]
    return lines


def _bind_row(obj: ObjectPlan, state: str, key: str, prologue: dict[str, str]) -> str:
    """The kernel variable holding one field of a state, bound before the time loop."""
    data, access = obj.states[state]
    var = f"{data}_{as_identifier(key)}"
    prologue[var] = f"{data}[{access.fields[key]}]"
    return var


def _kernel_arg(lookup: dict[str, str], obj: ObjectPlan, arg: str) -> str:
    if arg in ("_dt", "_t") and np.dtype(obj.float_type) != np.float64:
        return f"{arg}_{np.dtype(obj.float_type).name}"
    if arg in ("_t", "_i", "_dt", "_rng"):
        return arg
    if arg not in lookup:
        raise KeyError(f"no kernel variable for argument {arg!r} of {obj.label}")
    return lookup[arg]


_TRANSLATIONS: dict[tuple, GeneratedStep] = {}
_TRANSLATIONS_KEPT = 512


def _locate_nonfinite(obj: ObjectPlan, obj_id: int) -> list[str]:
    """Lines that return the status of the first non-finite field of ``obj``, if it has one."""
    return [f"_bad = first_nonfinite_row({obj.checked_state})", "if _bad >= 0:",
            f"    return {STATUS_NONFINITE}, _i, {obj_id}, _bad"]


def _offered_lists(obj: ObjectPlan, step: StepFunction, listed: dict[tuple[str, str], MonitorPlan]
                   ) -> frozenset[tuple[str, str]]:
    """The ``(state, field)`` pairs of ``obj`` whose event list the kernel holds when ``step`` runs."""
    offered = set()
    for state, (data, access) in obj.states.items():
        for key in access.fields:
            # a delayed step reads these from the delay buffer, not from the field
            delayed = step.is_delayed and key in obj.delay_rows and state == "ST"
            if (data, key) in listed and access.ndim <= 2 and not access.select_is_array and not delayed:
                offered.add((state, key))
    return frozenset(offered)


def _translate(inputs: StepInputs) -> GeneratedStep:
    # every run re-plans the network; translating (sympy included) costs tens of ms a step function,
    # which would dominate the latency of a parameter change
    key = inputs.cache_key()
    generated = _TRANSLATIONS.get(key)
    if generated is None:
        if len(_TRANSLATIONS) >= _TRANSLATIONS_KEPT:
            _TRANSLATIONS.clear()
        generated = _TRANSLATIONS[key] = translate_step(inputs)
    return generated


def step_inputs(obj: ObjectPlan, step: StepFunction, check_finite: bool = True,
                event_fields: frozenset[tuple[str, str]] = frozenset()) -> StepInputs:
    """What the translation of ``step`` of the planned object ``obj`` reads (``event_fields``: see StepInputs)."""
    delay = None
    states = {name: access for name, (_, access) in obj.states.items()}
    loop_size, scalar_indices, parallel = obj.loop_size, dict(obj.scalar_indices), obj.parallel
    note = ""
    if step.is_delayed and obj.queue is not None:
        # the element loop runs over the synapses the queue's events reach this step (queue_ops.arrival_lines)
        delay = DelayAccess(buffer="_delay_buf", read="_delay_read", rows=dict(obj.queue.rows))
        states["ST"] = replace(states["ST"], index="_syn_i")
        loop_size, parallel = "_arrivals.shape[0]", False
        scalar_indices = {"_syn_i": "_arrivals[_obj_i]", "_pre_i": "_pre_global[_arrivals[_obj_i]]",
                          "_post_i": "_post_global[_arrivals[_obj_i]]"}
        note = "; " + obj.delay_note
    elif step.is_delayed and obj.delay_rows:
        delay = DelayAccess(buffer="_delay_buf", read="_delay_read", rows=dict(obj.delay_rows))
        note = "; " + obj.delay_note if obj.delay_note else ""
    elif obj.queue is not None and step.name == obj.queue.copy_step:
        note = ("; replaced by the spike queue's capture of the events" if obj.queue.skip_copy
                else "; the spike queue captures its events after it")
    return StepInputs(
        step=step, func_name=f"{obj.code_name}_{step.name}", mode=obj.model.mode,
        states=states, param_names=tuple(obj.param_names),
        per_element=frozenset(obj.per_element), index_lists=frozenset(obj.index_lists),
        unique_lists=frozenset(obj.unique_lists), float_type=obj.float_type, check_finite=check_finite,
        parallel=parallel, delay=delay, event_fields=event_fields, loop_size=loop_size,
        scalar_indices=scalar_indices,
        description=f"{step.name!r} step of {obj.label} (model {obj.model.name!r}){note}")


def _delay_push_lines(obj: ObjectPlan) -> list[str]:
    st = obj.states["ST"][0]
    buf, idx = f"{obj.code_name}_delay_buf", f"{obj.code_name}_delay_idx"
    access = obj.states["ST"][1]
    if access.ndim == 2:  # one value per element: a loop (numba compiles a slice assignment several times slower)
        k = f"{obj.code_name}_delay_k"
        lines = [f"for {k} in range({st}.shape[1]):"]
        lines += [f"    {buf}[{idx}[0], {row}, {k}] = {st}[{access.fields[key]}, {k}]"
                  for key, row in obj.delay_rows.items()]
    else:
        lines = [f"{buf}[{idx}[0], {row}] = {st}[{access.fields[key]}]" for key, row in obj.delay_rows.items()]
    # idx holds [write position, buffer length]: the length is data, so a new delay needs no recompilation
    lines.append(f"{obj.code_name}_delay_read = ({idx}[0] + 1) % {idx}[1]")
    return lines


def _input_lines(obj: ObjectPlan, inp: InputPlan) -> list[str]:
    st, access = obj.states["ST"]
    target = f"{st}[{inp.row}, {', '.join([':'] * (access.ndim - 1))}]"
    value = f"{inp.variable}[_mon0 + _k]" if inp.iterated else inp.variable
    if inp.op == "=":
        return [f"{target} = {value}"]
    return [f"{target} {inp.op}= {value}"]


def _queue_capture(obj: ObjectPlan, queue: QueuePlan, listed: dict[tuple[str, str], MonitorPlan],
                   prologue: dict[str, str]) -> list[str]:
    """Lines recording this step's events of the queue's source field (following a monitor's list when one holds)."""
    data, access = obj.states["pre"]
    mon = listed.get((data, queue.source)) if access.ndim <= 2 else None
    return queue_ops.capture_lines(queue, _bind_row(obj, "pre", queue.source, prologue), mon.var if mon else None)


def _queue_outputs(objects: list[ObjectPlan]) -> list[str]:
    """Lines run when the kernel returns: the event fields of the copy steps queues replace (see queue_ops)."""
    lines: list[str] = []
    for obj in objects:
        if obj.queue is not None and obj.queue.skip_copy:
            st, access = obj.states["ST"]
            lines += queue_ops.output_lines(obj.queue, st, {key: access.fields[key] for key in obj.queue.rows})
    return lines
