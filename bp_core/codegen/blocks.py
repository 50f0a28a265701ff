"""The blocked kernel: threads that meet once per minimum synaptic delay instead of at every loop of every step.

When every synaptic effect of a network goes through a spike queue whose shortest delay is ``D >= 1`` steps,
spikes emitted in steps ``t .. t+D-1`` reach no neuron before ``t+D`` (the NEST scheme). The blocked kernel
splits each neuron group into ``T`` contiguous slices, one per thread, and runs blocks of at most ``D`` steps:

1. every thread runs, for its slices only, the block's steps in the one-thread kernel's order (neuron steps,
   the arrivals of each queue into its own postsynaptic slice, records of the events of each step into a
   buffer of its own). Arrivals in the block come from slots pushed before it, so no thread waits for another;
   each postsynaptic element is written by the thread owning it, through routes split per postsynaptic slice
   (their order within a slice is the one-thread walk's, so sums are added in the same order);
2. one thread then takes the block's events, step by step and thread by thread (so element by element, as the
   one-thread kernel records them), into the event records and the queues, and moves the queues on.

The threads meet once per block. Each thread also applies the run's inputs to its slice and writes its slice's
columns of dense records and records of chosen elements (``block_slices``). A step that draws random numbers
runs chunk by chunk, each fixed chunk of elements drawing from its own generator (``simulation.random_streams``),
so the numbers do not depend on the number of threads; such a network's one-thread kernel is this kernel on one
slice. Otherwise the result is the one-thread kernel's spike for spike. After a step error or a NaN/inf the
reported step is the one-thread kernel's, while other slices may have run on to the end of that block.

``plan_blocks`` says whether a network's one-thread plan has this form, and emits the blocked kernel; anything
else (undelayed synapses, steps reading other elements, delay lines, summed variables, records of synapses)
keeps the kernels it has. The values the kernel takes beyond the one-thread kernel's arguments (slices, split
routes, buffers, generators) are made by ``simulation.blocked_runs``; the exchange's templates are in
``block_exchange``.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from bp_core.codegen.block_exchange import CAPTURE, FIRST_STOP, MONITOR, line_map
from bp_core.codegen.block_slices import draws_per_element, in_chunks, input_on_slice, record_on_slice
from bp_core.codegen.emit import emit_function
from bp_core.codegen.kernel_ops.base import (
    STATUS_GROW,
    STATUS_NONFINITE,
    STATUS_STEP_ERROR,
    Bind,
    Header,
    KernelOp,
)
from bp_core.codegen.kernel_ops.checks import CheckCapacity, CheckFinite, CheckFolded, LocateNonfinite
from bp_core.codegen.kernel_ops.inputs import ApplyInput
from bp_core.codegen.kernel_ops.monitors import RecordEvents, RecordRow, RecordSelected
from bp_core.codegen.kernel_ops.plans import KernelPlan, ObjectPlan
from bp_core.codegen.kernel_ops.queues import AdvanceQueue, QueueArrival, QueueCapture, QueueOutput
from bp_core.codegen.kernel_ops.steps import CallStep
from bp_core.codegen.kernel_ops.syntax import expression, statement, statements
from bp_core.codegen.queue_ops import WALK_ARGS
from bp_core.codegen.step_translation import as_identifier

__all__ = ["BlockedPlan", "plan_blocks", "BLOCK_ENTRY", "THREADS_ARG", "BLOCK_ARG", "STREAM_ARGS"]

BLOCK_ENTRY = "run_kernel"
THREADS_ARG, BLOCK_ARG = "_bk_T", "_bk_D"
"""The blocked kernel's extra scalar arguments: threads (slices) and the longest block (steps)."""
STREAM_ARGS = ("_bk_o", "_bk_cell")
"""Its last arguments where steps draw from chunk streams: the offset of the rows of generators (the row of step
``_i`` is ``(_bk_o + _i) // _bk_cell``) and the steps of a cell."""

_SLICE, _STEPS = "_bk_slice", "_bk_steps"
_TIME = ("_t", "_dt", "_i", "_t_float32", "_dt_float32")


@dataclass
class BlockedPlan:
    """A blocked kernel and what its extra arguments stand for.

    Attributes
    ----------
    kernel : KernelPlan
        Its source and arguments: the one-thread kernel's, then ``_bk_T``, ``_bk_D`` and ``extra``.
    groups : list of str
        The state variable of each sliced neuron group (its slice bounds are ``<state>_bk_lo``).
    events : dict
        Recorded field variable -> state variable of its group (buffers ``<field>_bk_idx/_stp/_val/_n``: by
        thread and step of the block, each event's element in the slice, step, value; events per step).
    queues : dict
        Queue prefix -> state variable of its postsynaptic group (split routes ``<queue>_bk_ptr/_post``).
    streams : list of str
        State variables of the groups whose steps draw random numbers: such a step runs chunk by chunk (chunk
        bounds ``<state>_bk_cb``, each thread's first chunk ``<state>_bk_ck``), each chunk drawing from its own
        generator (``<state>_bk_rng``: one row of generators per cell of steps the call spans, the row of step
        ``_i`` being ``(_bk_o + _i) // _bk_cell``), so that the numbers do not depend on the number of threads.
    """

    kernel: KernelPlan
    groups: list[str]
    events: dict[str, str] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)
    streams: list[str] = field(default_factory=list)

    @property
    def extra(self) -> list[str]:
        """The arguments after ``_bk_T`` and ``_bk_D``, in order."""
        out = [f"{g}_bk_lo" for g in self.groups]
        out += [f"{x}_bk_{part}" for x in self.events for part in ("idx", "stp", "val", "n")]
        out += [f"{q}_bk_{part}" for q in self.queues for part in ("ptr", "post")]
        out += [f"{g}_bk_{part}" for g in self.streams for part in ("cb", "ck", "rng")]
        return out + list(STREAM_ARGS) if self.streams else out


class _Refused(Exception):
    pass


def plan_blocks(serial: KernelPlan, parallel_steps: tuple[str, ...] | list[str],
                input_shapes: dict[str, tuple[int, ...]] | None = None) -> BlockedPlan | str:
    """The blocked form of the one-thread kernel ``serial``, or why it has none (a sentence).

    ``parallel_steps`` names the generated steps whose element loop has independent iterations (those the
    parallel plan runs with ``prange``): only those may run on a slice. ``input_shapes`` gives the shape of each
    input's value (kernel variable -> shape, without the time axis of a value given per step): an input applies
    to a slice as one value or as one value per element.
    """
    try:
        return _Blocks(serial, set(parallel_steps), dict(input_shapes or {})).plan()
    except _Refused as why:
        return str(why)


class _Blocks:
    def __init__(self, serial: KernelPlan, parallel: set[str], input_shapes: dict[str, tuple[int, ...]]):
        self.serial, self.parallel, self.input_shapes = serial, parallel, input_shapes
        sched = serial.operations
        if sched is None:
            raise _Refused("the kernel plan keeps no operations")
        self.sched = sched
        self.groups: dict[str, ObjectPlan] = {}  # state variable -> neuron group
        self.rows: dict[str, str] = {}  # row variable of a group's field -> state variable
        self.events: dict[str, str] = {}
        self.queues: dict[str, str] = {}
        self.captures: dict[str, str] = {}  # queue prefix -> the field whose events it captures
        self.written: set[str] = set()  # row variables the arrivals write
        self.streams: list[str] = []  # state variables of groups whose steps draw random numbers

    # -- what the network is -------------------------------------------------------------------------

    def plan(self) -> BlockedPlan:
        sched = self.sched
        if sched.summed:
            raise _Refused("summed variables are computed from every element")
        for obj in self.serial.objects:
            if obj.queue is None and "pre" in obj.states:
                raise _Refused(f"{obj.display} acts at every step, without delay through a spike queue")
            if obj.queue is None:
                self._group(obj)
        slice_ops = [self._slice_op(op) for _, ops in sched.per_object for op in ops]
        if not self.queues:
            raise _Refused("no synapse delays its effects through a spike queue")
        if self.written & set(self.events):
            raise _Refused("a synapse's arrivals write a field whose events are recorded")
        for op in sched.after:
            if not isinstance(op, (CheckFolded, CheckFinite)):
                raise _Refused(f"{op.kind} after the steps")
            if isinstance(op, CheckFinite) and op.var not in self.rows:
                raise _Refused(f"the finite check of {op.var} is not of a neuron group's field")
        for op in sched.outputs:
            if not isinstance(op, QueueOutput):
                raise _Refused(f"{op.kind} when the kernel returns")
        blocked = BlockedPlan(self.serial, list(self.groups), dict(self.events), dict(self.queues),
                              list(self.streams))
        blocked.kernel = self._kernel(blocked, [op for ops in slice_ops for op in ops])
        return blocked

    def _group(self, obj: ObjectPlan) -> None:
        data, access = obj.states["ST"]
        if access.ndim > 2:
            raise _Refused(f"{obj.display} has elements in more than one dimension")
        self.groups[data] = obj
        for key in access.fields:
            self.rows[f"{data}_{as_identifier(key)}"] = data

    # -- the slice function's operations -------------------------------------------------------------

    def _slice_op(self, op: KernelOp) -> list[ast.stmt]:
        """The statements ``op`` stands for on one thread's slices, at block step ``_j``."""
        if isinstance(op, Header):
            return op.lowered()
        if isinstance(op, RecordEvents):
            return self._record(op.values)
        if isinstance(op, RecordRow):
            return self._record_row(op)
        if isinstance(op, RecordSelected):
            return self._record_row(op)
        if isinstance(op, ApplyInput):
            return self._input(op)
        if isinstance(op, QueueCapture):
            self.captures[op.queue] = op.values
            return self._record(op.values)
        if isinstance(op, QueueArrival):
            if not op.walked:
                raise _Refused("a queue's delayed step keeps its list of arrivals (not walked)")
            return []  # pushed by the exchange
        if isinstance(op, AdvanceQueue):
            return []
        if isinstance(op, CallStep):
            return self._call(op)
        raise _Refused(f"the kernel runs {op.kind} in its steps")

    def _record(self, values: str) -> list[ast.stmt]:
        group = self.rows.get(values)
        if group is None:
            raise _Refused(f"the events of {values} are not of a neuron group's field")
        if values in self.events:
            return []  # recorded at its first use in the step: nothing writes it in between (checked)
        self.events[values] = group
        # the monitors' own scan (rare events, tested in blocks); elements are counted from the slice's first
        return statements("X_bk_n[_th, _j] = record_events(X[G_bk_a:G_bk_b], _j, X_bk_idx[_th, _j], "
                          "X_bk_stp[_th, _j], X_bk_val[_th, _j], 0)", {"X": values, "G": group}, X=values)

    def _record_row(self, op: RecordRow | RecordSelected) -> list[ast.stmt]:
        """A dense record (of all elements or chosen ones): each thread writes its slice's columns of the row."""
        group = self.rows.get(op.values)
        if group is None:
            raise _Refused(f"the record of {op.values} is not of a neuron group's field")
        return record_on_slice(op.var, op.values, op.every, op.first, group, isinstance(op, RecordSelected))

    def _input(self, op: ApplyInput) -> list[ast.stmt]:
        """An input applied to the thread's slice: one value, or the slice's part of one value per element."""
        obj = self.groups.get(op.state)
        if obj is None or op.ndim != 2:
            raise _Refused("an input goes to a synapse or to a group whose elements are not in one dimension")
        lowered = input_on_slice(op, obj.variables[op.state]().shape[1], self.input_shapes.get(op.variable))
        if isinstance(lowered, str):
            raise _Refused(f"an input to {obj.display} {lowered}")
        return lowered

    def _call(self, op: CallStep) -> list[ast.stmt]:
        obj, step = self.serial.step_origin[op.function]
        if obj.queue is not None and step.is_delayed:
            return self._arrivals(op, obj)
        if obj.queue is not None or "pre" in obj.states:
            raise _Refused(f"{obj.display}'s step {step.name!r} runs every step without delay")
        data = obj.states["ST"][0]
        draws = "_rng" in op.args
        if op.function not in self.parallel and not (draws and self._draws_per_element(op, data)):
            raise _Refused(f"{obj.display}'s step {step.name!r} does not run each element on its own")
        # a step that draws random numbers runs chunk by chunk, each chunk drawing from its own stream
        lo, hi = ("_bk_ca", "_bk_cz") if draws else (f"{data}_bk_a", f"{data}_bk_b")
        per_element = {obj.arg_map[p] for p in obj.per_element if p in obj.arg_map}
        uniform = {obj.arg_map[p] for p in obj.param_names if p in obj.arg_map} - per_element
        args: list[str | ast.expr] = []
        for arg in op.args:
            if not isinstance(arg, str):
                raise _Refused(f"{obj.display}'s step {step.name!r} takes an expression")
            if arg == data:
                args.append(expression("A[:, LO:HI]", A=arg, LO=lo, HI=hi))
            elif self.rows.get(arg) == data or arg in per_element:
                args.append(expression("A[LO:HI]", A=arg, LO=lo, HI=hi))
            elif arg == "_rng":
                args.append(expression("G_bk_rng[G_bk_g + _bk_c]", {"G": data}))
            elif arg in _TIME or arg in uniform or self._run_value(arg):
                args.append(arg)
            else:
                raise _Refused(f"{obj.display}'s step {step.name!r} reads {arg} (random numbers or other data)")
        call = CallStep(op.function, tuple(args), op.origin, op.folded, op.call_site).lower()
        if not draws:
            return call
        if data not in self.streams:
            self.streams.append(data)
        return in_chunks(data, call)

    def _draws_per_element(self, op: CallStep, data: str) -> bool:
        function = next((f for f in self.sched.functions if f.name == op.function), None)
        own = {arg for arg in op.args if isinstance(arg, str) and self.rows.get(arg) == data}
        return function is not None and draws_per_element(function.source, op.args, own)

    def _run_value(self, arg: str | ast.expr) -> bool:
        """A value the kernel binds once per call that is no field of a state (per-run values of steps: the slice
        function binds them as the kernel does). One entry per element (a list) would need the slice's part."""
        if not (isinstance(arg, str) and arg.startswith("_") and arg in self.sched.prologue and arg != "_rng"):
            return False
        bound = self.sched.prologue[arg]
        if isinstance(bound, Bind) and isinstance(bound.value, ast.ListComp):
            raise _Refused(f"a step reads {arg}, one value per element computed once per run")
        return True

    def _arrivals(self, op: CallStep, obj: ObjectPlan) -> list[ast.stmt]:
        queue = obj.queue
        assert queue is not None
        post = obj.states["post"][0]
        if post not in self.groups:
            raise _Refused(f"{obj.display} delivers to a part of a group")
        q = queue.var
        parts = {f"{q}_{part}": part for part in WALK_ARGS}
        uniform = {obj.arg_map[p] for p in obj.param_names if p in obj.arg_map} - \
            {obj.arg_map[p] for p in obj.per_element if p in obj.arg_map}
        args: list[str | ast.expr] = []
        for arg in op.args:
            part = parts.get(arg) if isinstance(arg, str) else None
            if part in ("ev", "val", "n"):
                args.append(arg)
            elif part == "pos":
                args.append(f"{q}_bk_p")
            elif part in ("ptr", "post"):
                args.append(expression("A[_th]", A=f"{q}_bk_{part}"))
            elif arg == post:
                args.append(expression("A[:, G_bk_a:G_bk_b]", {"G": post}, A=arg))
            elif isinstance(arg, str) and self.rows.get(arg) == post:
                self.written.add(arg)
                args.append(expression("A[G_bk_a:G_bk_b]", {"G": post}, A=arg))
            elif arg == obj.states["ST"][0] or arg in _TIME or arg in uniform or self._run_value(arg):
                args.append(arg)
            else:
                shown = arg if isinstance(arg, str) else ast.unparse(arg)
                raise _Refused(f"{obj.display}'s delayed step reads {shown} (per synapse or presynaptic data)")
        self.queues[q] = post
        where = statement("Q_bk_p[0] = (Q_bk_w0 + _j) % Q_pos[1]", {"Q": q})
        return [where] + CallStep(op.function, tuple(args), op.origin, op.folded, op.call_site).lower()

    # -- the functions ------------------------------------------------------------------------------------

    def _kernel(self, blocked: BlockedPlan, slice_body: list[ast.stmt]) -> KernelPlan:
        serial, sched = self.serial, self.sched
        args = list(serial.args) + [THREADS_ARG, BLOCK_ARG] + blocked.extra
        prologue = [s for op in sched.prologue.values() for s in op.lowered()]
        pieces = [(f.source, f.lines, f.name) for f in sched.functions]
        # what the kernel binds once per call (rows, per-run values of steps) reaches each block as arguments
        pieces.append((*emit_function(_SLICE, ["_th", "_b0", "_nb"] + args + list(sched.prologue), "One thread's "
                                      "slices for the steps of one block, generated by bp_core.",
                                      self._slice_body(slice_body)), _SLICE))
        pieces.append((*emit_function(_STEPS, args, "Run the network in blocks of at most _bk_D steps, one "
                                      "thread per slice, generated by bp_core.",
                                      prologue + self._steps_body(args)), _STEPS))
        call = ast.Call(ast.Name(_STEPS, ast.Load()), [ast.Name(a, ast.Load()) for a in args], [])
        entry = statements("_status = CALL", CALL=call) + [s for op in sched.outputs for s in op.lowered()] \
            + statements("return _status")
        pieces.append((*emit_function(BLOCK_ENTRY, args, "Run the network in blocks, then write the fields its "
                                      "spike queues stand for, generated by bp_core.", entry), BLOCK_ENTRY))
        source = "\n\n".join(text for text, _, _ in pieces)
        plan = copy.copy(serial)
        plan.source, plan.args, plan.parallel_functions = source, args, (_STEPS,)
        plan.where = None  # its slices' step calls catch their errors in try blocks (CallStep without where)
        plan.line_map = line_map(serial, pieces)
        return plan

    def _slice_body(self, ops: list[ast.stmt]) -> list[ast.stmt]:
        sched = self.sched
        out: list[ast.stmt] = []
        for g in self.groups:
            out += statements("G_bk_a = G_bk_lo[_th]\nG_bk_b = G_bk_lo[_th + 1]", {"G": g})
        for q in self.queues:
            out += statements("Q_bk_p = Q_pos.copy()\nQ_bk_w0 = Q_pos[0]", {"Q": q})
        if sched.folded:
            out += statements("_nonfinite = False")
        loop = statement("for _j in range(_nb):\n    _k = _b0 + _j\n    _i = _step0 + _k\n    _t = _t_start + _i * _dt")
        assert isinstance(loop, ast.For)
        loop.body += [s for op in sched.clocks.values() for s in op.lowered()] + ops
        for op in sched.after:
            if isinstance(op, CheckFolded):
                loop.body += statements("if _nonfinite:\n    return STATUS, _i, -1, 0", STATUS=STATUS_NONFINITE)
            else:
                assert isinstance(op, CheckFinite)
                loop.body += statements("if any_nonfinite(V[G_bk_a:G_bk_b]):\n    return STATUS, _i, OWNER, ROW",
                                        {"G": self.rows[op.var]}, V=op.var, STATUS=STATUS_NONFINITE,
                                        OWNER=op.owner, ROW=op.row)
        return out + [loop] + statements("return 0, 0, 0, 0")

    def _steps_body(self, args: list[str]) -> list[ast.stmt]:
        sched = self.sched
        out = [s for op in sched.entry for s in op.lowered()]
        out += statements("_bk_status = np.zeros((_bk_T, 4), np.int64)\n_b0 = 0")
        loop = statement("while _b0 < _n_steps:\n    _i = _step0 + _b0\n    _nb = min(_bk_D, _n_steps - _b0)")
        assert isinstance(loop, ast.While)
        for op in sched.capacity:
            assert isinstance(op, CheckCapacity)
            # a block records at most its steps' events: it shortens to the steps the record has room for
            loop.body += statements("_room = (V_index.shape[0] - V_count[0]) // max(VALUES.shape[0], 1)\n"
                                    "if _room < 1:\n    return STATUS, _i, NUMBER, 0\n"
                                    "_nb = min(_nb, _room)", {"V": op.var}, VALUES=op.values, STATUS=STATUS_GROW,
                                    NUMBER=op.number)
        call = ast.Call(ast.Name(_SLICE, ast.Load()),
                        [ast.Name(a, ast.Load()) for a in ["_th", "_b0", "_nb"] + args + list(sched.prologue)], [])
        loop.body += statements("for _th in prange(_bk_T):\n"
                                "    _s = CALL\n"
                                "    _bk_status[_th, 0] = _s[0]\n"
                                "    _bk_status[_th, 1] = _s[1]\n"
                                "    _bk_status[_th, 2] = _s[2]\n"
                                "    _bk_status[_th, 3] = _s[3]", CALL=call)
        loop.body += statements(FIRST_STOP, ERROR=STATUS_STEP_ERROR, NONFINITE=STATUS_NONFINITE)
        exchange = statement("for _j in range(_done):\n    _i = _step0 + _b0 + _j")
        assert isinstance(exchange, ast.For)
        for mon_var, values in self._records():
            exchange.body += statements(MONITOR, {"V": mon_var, "X": values, "G": self.events[values]})
        for obj in self.serial.objects:
            if obj.queue is not None:
                q = obj.queue.var
                if q not in self.captures:
                    raise _Refused(f"{obj.display} copies its events in a step of its own")
                source = self.captures[q]
                exchange.body += statements(CAPTURE, {"Q": q, "X": source, "G": self.events[source]})
                exchange.body += QueueArrival(q, (), walked=True).lower() + AdvanceQueue(q).lower()
        loop.body.append(exchange)
        stop = statement("if _code != 0:\n    pass")
        assert isinstance(stop, ast.If)
        stop.body = []
        folded = [op for op in sched.after if isinstance(op, CheckFolded)]
        if folded:
            locate = statement("if _code == NONFINITE and _which < 0:\n    _i = _at", NONFINITE=STATUS_NONFINITE)
            assert isinstance(locate, ast.If)
            locate.body += [s for op in folded[0].locate for s in LocateNonfinite(op.state, op.owner).lower()]
            stop.body.append(locate)
        stop.body += statements("return _code, _at, _which, _detail")
        loop.body += [stop] + statements("_b0 += _nb")
        return out + [loop] + statements("return 0, 0, 0, 0")

    def _records(self) -> list[tuple[str, str]]:
        return [(op.var, op.values) for _, ops in self.sched.per_object for op in ops if isinstance(op, RecordEvents)]
