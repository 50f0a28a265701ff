"""What the run kernel is built from (one plan per object, per input, per monitor) and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from bp_core.codegen.emit import LineMap
from bp_core.codegen.queue_ops import QueuePlan
from bp_core.codegen.step_inputs import StateAccess, StepInputs
from bp_core.model.step_function import StepFunction

__all__ = ["MonitorPlan", "ObjectPlan", "InputPlan", "KernelPlan"]


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
    delay_state : str
        The state whose fields the delay line delays: 'ST', or 'post' for a pathway of postsynaptic spikes.
    delay_offsets : bool
        Each element reads its own slot of the delay line (``_delay_off``: one delay per synapse).
    delay_note : str
        Which form delays the synapse's fields (a delay line or a spike queue) and why.
    queue : QueuePlan, optional
        The spike queue that stands for the delay line.
    monitors : list of MonitorPlan
    checked_state : str
        Kernel variable of its state, checked for NaN/inf each step.
    sides : dict
        A synapse's 'pre' / 'post' -> the display name of the group on that side.
    summed : list of SummedPlan
        A synapse's summed variables (``kernel_ops.summed``).
    loop_limit : int
        The safe mode's bound on each ``while`` loop of its steps (``passes.bound_loops``); 0: unbounded.
    rows : set of str
        Scalar-mode synapses: the sides (``'pre'``, ``'post'``) whose rows of synapses by element ``arg_map``
        names: their bounds (``passes.follow_presynaptic_rows``).
    row_orders : set of str
        Those of ``rows`` whose synapses are not in that side's order: ``arg_map`` also names each row's
        synapses.
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
    delay_state: str = "ST"
    delay_offsets: bool = False
    delay_note: str = ""
    queue: QueuePlan | None = None
    monitors: list[MonitorPlan] = field(default_factory=list)
    checked_state: str = ""
    sides: dict[str, str] = field(default_factory=dict)
    summed: list[Any] = field(default_factory=list)
    loop_limit: int = 0
    rows: set[str] = field(default_factory=set)
    row_orders: set[str] = field(default_factory=set)


@dataclass
class InputPlan:
    """One external input: ``target[row] op= value`` each step (``value[k]`` when it varies in time).

    ``uniform``: the input sets every element to one value (``'='`` of one number, or of one per step).
    """

    target: ObjectPlan
    key: str
    row: int
    op: str
    variable: str
    iterated: bool
    uniform: bool = False


@dataclass
class KernelPlan:
    """The generated kernel: its source, its argument names, and what each generated function came from.

    ``line_map`` leads each line of ``source`` that came from a user's step back to its file and line;
    the kernel's call of a step maps to the step's ``def`` line. ``step_inputs`` holds what each generated
    function was translated from (in the network's context: the event lists it was offered, say).
    ``operations`` is the ``KernelSchedule`` the kernel was lowered from (``str()`` lists its operations).
    ``where``, when set, is the kernel's last argument, after ``args``: the array its step calls mark, which
    the target's runner provides (``codegen.kernel.WHERE_ARG``).
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
    operations: Any = None
    where: str | None = None
