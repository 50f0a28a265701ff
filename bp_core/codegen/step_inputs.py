"""What the translation of one step function needs to know: one frozen record, built by the planner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from bp_core.codegen.queue_ops import QueueWalk
from bp_core.model.step_function import StepFunction

__all__ = ["StateAccess", "DelayAccess", "StepInputs"]


@dataclass
class StateAccess:
    """How a step reads one state argument (``ST``, ``pre`` or ``post``).

    Attributes
    ----------
    fields : dict
        Field name -> row of the data array.
    index : str, optional
        Element index in scalar mode (``_obj_i``, ``_pre_i``, ``_post_i``).
    select : str, optional
        Vector mode on part of a group: a slice text ``'lo:hi'`` or the name of an index array argument.
    ndim : int
        Dimensions of the data array (2, or 3 for matrix-mode synapse state).
    """

    fields: dict[str, int]
    index: str | None = None
    select: str | None = None
    select_is_array: bool = False
    ndim: int = 2


@dataclass(frozen=True)
class DelayAccess:
    """Where a delayed step reads the delayed fields of ``state`` (ST, or post for postsynaptic spikes)."""

    buffer: str
    read: str
    rows: Mapping[str, int]
    state: str = "ST"
    offsets: str | None = None
    """Per element (scalar mode): how many slots after ``read`` the element reads (one delay per synapse)."""


@dataclass(frozen=True)
class StepInputs:
    """Everything the translation of one step reads, besides the step itself.

    Attributes
    ----------
    step : StepFunction
    func_name : str
        Name of the generated function.
    mode : str
        'scalar', 'vector' or 'matrix'.
    states : dict
        State argument ('ST', 'pre', 'post') -> how to access it.
    param_names : tuple of str
        The model's runtime parameters (all of them; unused ones are dropped).
    per_element : frozenset of str
        Parameters with one value per element: scalar mode reads them at the element's index.
    index_lists : frozenset of str
        Arguments holding one index array per element (``pre2post``, ...). Compiled code gets each
        as two arrays, ``<name>_ptr`` and ``<name>_idx`` (compressed rows: element ``i`` owns
        ``idx[ptr[i]:ptr[i + 1]]``), which numba indexes far faster than a list of arrays.
    unique_lists : frozenset of str
        Index lists whose rows hold no duplicate: fancy-indexed updates through them become loops.
    float_type : type
        The state's float type: numeric literals in arithmetic take it.
    check_finite : bool
        The run checks states for NaN/inf: single-element stores test their value, and the step
        returns whether one was not finite.
    parallel : bool
        Scalar mode: run the element loop with ``prange`` when its iterations are independent.
    delay : DelayAccess, optional
        Set for ``@delayed`` steps.
    event_fields : frozenset of (state, field)
        Fields of which the kernel holds, when the step runs, the list of this step's nonzero elements
        (a monitor's events); scans of them may follow the list (``passes.follow_event_lists``).
    loop_size : str, optional
        Scalar mode: expression of the number of elements.
    scalar_indices : dict
        Scalar mode: index name -> expression computing it from ``_obj_i``.
    queue_walk : QueueWalk, optional
        A delayed step of a spike queue (its loop runs over ``_arrivals``): its element loop may be the
        walk of the arriving events instead (``passes.element_loop``), which reads no delay buffer.
    rng : str
        Name of the random generator argument.
    description : str
        First line of the generated docstring.
    loop_limit : int
        The safe mode's bound on the rounds of one entry of a ``while`` loop (``passes.bound_loops``); 0: none.
    rows : frozenset of str
        Scalar-mode synapses: the sides (``'pre'``, ``'post'``) for which the kernel gives the bounds of each
        element's row of synapses (``passes.follow_presynaptic_rows``).
    row_orders : frozenset of str
        Those of ``rows`` whose synapses are not ordered by that side's element: a row lists its synapses'
        indices (``_pre_rows_idx``, ``_post_rows_idx``) instead of being a range of them.
    decay_fields : frozenset of str
        ST fields that nothing but this step reads during a run: where it only decays them between its
        synapses' visits, it may decay them at the visits (``passes.decay_at_events``).
    uniform_fields : frozenset of (state, field)
        Fields that hold one value in every element when the step runs (``kernel_ops.uniform``): scalar mode may
        read them once per step (``passes.uniform_fields``).
    constant_fields : frozenset of str
        ST fields that hold their values for a whole run (``kernel_ops.uniform.constant_fields``): what the step
        computes from them through a call may be computed once per run (``passes.run_values``).
    """

    step: StepFunction
    func_name: str
    mode: str
    states: Mapping[str, StateAccess]
    param_names: tuple[str, ...]
    per_element: frozenset[str] = frozenset()
    index_lists: frozenset[str] = frozenset()
    unique_lists: frozenset[str] = frozenset()
    float_type: type = np.float64
    check_finite: bool = False
    parallel: bool = False
    delay: DelayAccess | None = None
    event_fields: frozenset[tuple[str, str]] = frozenset()
    loop_size: str | None = None
    scalar_indices: Mapping[str, str] = field(default_factory=dict)
    queue_walk: QueueWalk | None = None
    rng: str = "_rng"
    description: str = ""
    loop_limit: int = 0
    rows: frozenset[str] = frozenset()
    row_orders: frozenset[str] = frozenset()
    decay_fields: frozenset[str] = frozenset()
    uniform_fields: frozenset[tuple[str, str]] = frozenset()
    constant_fields: frozenset[str] = frozenset()

    def cache_key(self) -> tuple:
        """A hashable key: two inputs with the same key translate to the same code."""
        return (self.step, self.func_name, self.mode, repr(dict(self.states)), self.param_names,
                tuple(sorted(self.per_element)), tuple(sorted(self.index_lists)), tuple(sorted(self.unique_lists)),
                np.dtype(self.float_type).name, self.check_finite, self.parallel, repr(self.delay),
                tuple(sorted(self.event_fields)), self.loop_size,
                tuple(self.scalar_indices.items()), self.queue_walk, self.rng, self.description, self.loop_limit,
                tuple(sorted(self.rows)), tuple(sorted(self.row_orders)), tuple(sorted(self.decay_fields)),
                tuple(sorted(self.uniform_fields)), tuple(sorted(self.constant_fields)))
