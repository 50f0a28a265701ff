"""Step operations: translate a planned object's step function, and call it from the kernel."""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from bp_core.codegen import queue_ops
from bp_core.codegen.emit import LineOrigin
from bp_core.codegen.event_delays import delivered_step
from bp_core.codegen.kernel_ops.base import STATUS_STEP_ERROR, KernelOp, register
from bp_core.codegen.kernel_ops.plans import ObjectPlan
from bp_core.codegen.kernel_ops.syntax import expression, statement, statements
from bp_core.codegen.queue_ops import QueueWalk
from bp_core.codegen.step_translation import DelayAccess, GeneratedStep, StepInputs, translate_step
from bp_core.codegen.tree import ORIGIN
from bp_core.model.step_function import StepFunction

__all__ = ["CallStep", "call_arguments", "step_origin_line", "translate", "step_inputs", "offered_lists"]


@register
@dataclass
class CallStep(KernelOp):
    """Call one generated step function.

    Attributes
    ----------
    function : str
    args : tuple of str or ast.expr
        Kernel variables passed (or expressions of them), in the function's order.
    origin : LineOrigin
        The step's ``def`` line: the call's line in the kernel maps there.
    folded : bool
        The step checks the values it stores and returns whether one is NaN/inf (``_nonfinite |= ...``).
    call_site : int, optional
        With error catching: the index of this call in ``KernelPlan.call_sites``, returned with
        ``STATUS_STEP_ERROR`` when the step raises.
    where : str, optional
        With a ``call_site``: the kernel's array that the call first marks with the time step and the call
        site (``where[0] = _i``, ``where[1] = call_site``). An exception raised inside the step then leaves
        the kernel, and the host reads there which step raised it. Without one, the call sits in a ``try``
        block that returns the status itself (numba compiles a kernel with one such block per call about a
        third slower).
    """

    kind: ClassVar[str] = "call_step"
    function: str
    args: tuple[str | ast.expr, ...]
    origin: LineOrigin
    folded: bool = False
    call_site: int | None = None
    where: str | None = None

    def lower(self) -> list[ast.stmt]:
        args = [ast.Name(a, ast.Load()) if isinstance(a, str) else copy.deepcopy(a) for a in self.args]
        packed: list[ast.stmt] = []
        if self.call_site is not None and self.where is None and len(args) > MAX_GUARDED_ARGS:
            packed, args = _packed_arguments(f"_{self.function}_args", args)
        call = ast.Call(ast.Name(self.function, ast.Load()), args, [])
        stmt = statement("_nonfinite |= CALL" if self.folded else "CALL", CALL=call)
        setattr(stmt, ORIGIN, self.origin)
        if self.call_site is None:
            return [stmt]
        if self.where is not None:
            marks = statements("WHERE[0] = _i\nWHERE[1] = SITE", WHERE=self.where, SITE=self.call_site)
            for s in marks:
                setattr(s, ORIGIN, self.origin)
            return [*marks, stmt]
        guarded = statement("try:\n    pass\nexcept Exception:\n    return STATUS, _i, SITE, 0",
                            STATUS=STATUS_STEP_ERROR, SITE=self.call_site)
        assert isinstance(guarded, ast.Try)
        guarded.body = [stmt]
        for s in (*packed, guarded):
            setattr(s, ORIGIN, self.origin)
        return [*packed, guarded]


MAX_GUARDED_ARGS = 30
"""CPython 3.11 compiles a call of more than 30 arguments as a list turned into a tuple (``LIST_TO_TUPLE``),
which numba cannot type inside a ``try`` block: a guarded call (one without ``where``) of more arguments passes
them packed."""


def _packed_arguments(prefix: str, args: list[ast.expr], size: int = 16) -> tuple[list[ast.stmt], list[ast.expr]]:
    """Tuples of at most ``size`` of ``args`` bound before the guarded call, and the call's one starred
    argument, their concatenation (a tuple of any length that numba types as one value)."""
    packed, names = [], []
    for k in range(0, len(args), size):
        name = f"{prefix}{k // size}"
        packed.append(statement("NAME = PACK", NAME=name, PACK=ast.Tuple(args[k:k + size], ast.Load())))
        names.append(ast.Name(name, ast.Load()))
    whole: ast.expr = names[0]
    for name in names[1:]:
        whole = expression("WHOLE + NAME", WHOLE=whole, NAME=name)
    return packed, [ast.Starred(whole, ast.Load())]


def call_arguments(obj: ObjectPlan, generated: GeneratedStep, extra: dict[str, str | ast.expr]
                   ) -> tuple[str | ast.expr, ...]:
    """The kernel variables ``generated`` takes, in order (``extra``: argument -> variable beyond ``obj.arg_map``)."""
    lookup: dict[str, str | ast.expr] = dict(obj.arg_map)
    lookup.update({arg: obj.arg_map[par] for par, arg in generated.param_args.items()})
    lookup.update({arg: obj.arg_map[part] for arg, part in generated.list_args.items()})
    lookup.update(extra)
    float_name = np.dtype(obj.float_type).name
    out: list[str | ast.expr] = []
    for arg in generated.args:
        if arg in ("_dt", "_t") and float_name != "float64":
            out.append(f"{arg}_{float_name}")  # the time of a float32 state is float32 too
        elif arg in ("_t", "_i", "_dt", "_rng"):
            out.append(arg)
        elif arg in lookup:
            out.append(_as_argument(lookup[arg]))
        else:
            raise KeyError(f"no kernel variable for argument {arg!r} of {obj.label}")
    return tuple(out)


def _as_argument(value: str | ast.expr) -> str | ast.expr:
    """A kernel variable stays a name; an expression the planner wrote (``q_arr[:q_na]``) becomes its tree."""
    if isinstance(value, str) and not value.isidentifier():
        return ast.parse(value, mode="eval").body
    return value


def step_origin_line(obj: ObjectPlan, step: StepFunction, function: str) -> LineOrigin:
    """Where a call of ``step`` leads a message: the step's ``def`` line."""
    return LineOrigin(step.source_file, step.first_line, step.name, obj.display, function)


_TRANSLATIONS: dict[tuple, GeneratedStep] = {}
_TRANSLATIONS_KEPT = 512


def translate(inputs: StepInputs) -> GeneratedStep:
    """The generated function of ``inputs``, translated once per distinct input."""
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
                event_fields: frozenset[tuple[str, str]] = frozenset(),
                decay_fields: frozenset[str] = frozenset(),
                uniform_fields: frozenset[tuple[str, str]] = frozenset(),
                constant_fields: frozenset[str] = frozenset()) -> StepInputs:
    """What the translation of ``step`` of the planned object ``obj`` reads (``event_fields``,
    ``decay_fields``, ``uniform_fields``, ``constant_fields``: see StepInputs)."""
    delay = None
    states = {name: access for name, (_, access) in obj.states.items()}
    loop_size, scalar_indices, parallel = obj.loop_size, dict(obj.scalar_indices), obj.parallel
    rows, row_orders = frozenset(obj.rows), frozenset(obj.row_orders)
    note = ""
    walk = None
    if step.is_delayed and obj.queue is not None:
        # the element loop runs over the synapses the queue's events reach this step (queues.QueueArrival)
        delay = DelayAccess(buffer="_delay_buf", read="_delay_read", rows=dict(obj.queue.rows))
        states["ST"] = replace(states["ST"], index="_syn_i")
        loop_size, parallel, rows, row_orders = "_arrivals.shape[0]", False, frozenset(), frozenset()
        scalar_indices = {"_syn_i": "_arrivals[_obj_i]", "_pre_i": "_pre_global[_arrivals[_obj_i]]",
                          "_post_i": "_post_global[_arrivals[_obj_i]]"}
        if queue_ops.WALK_ARRIVALS:  # the CPU's element loop may walk the arrivals instead of that list
            walk = QueueWalk.of(obj.queue)
        step = delivered_step(step, obj.queue.factors)  # event fields times their static factors
        note = "; " + obj.delay_note
    elif step.is_delayed and obj.delay_rows:
        delay = DelayAccess(buffer="_delay_buf", read="_delay_read", rows=dict(obj.delay_rows), state=obj.delay_state,
                            offsets="_delay_off" if obj.delay_offsets else None)
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
        scalar_indices=scalar_indices, queue_walk=walk, loop_limit=obj.loop_limit, rows=rows,
        row_orders=row_orders, decay_fields=decay_fields if rows else frozenset(), uniform_fields=uniform_fields,
        constant_fields=constant_fields if not step.is_delayed else frozenset(),
        description=f"{step.name!r} step of {obj.label} (model {obj.model.name!r}){note}")


def offered_lists(obj: ObjectPlan, step: StepFunction, listed: dict[tuple[str, str], object]
                  ) -> frozenset[tuple[str, str]]:
    """The ``(state, field)`` pairs of ``obj`` whose event list the kernel holds when ``step`` runs."""
    offered = set()
    for state, (data, access) in obj.states.items():
        for key in access.fields:
            # a delayed step reads these from the delay buffer, not from the field
            delayed = step.is_delayed and key in obj.delay_rows and state == obj.delay_state
            if (data, key) in listed and access.ndim <= 2 and not access.select_is_array and not delayed:
                offered.add((state, key))
    return frozenset(offered)

