"""Describing NeuGroups and SynConns to the kernel generator (what data each step reads, and where)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from bp_core import profile
from bp_core.codegen import event_delays
from bp_core.codegen.event_delays import EventDelay
from bp_core.codegen.kernel import MonitorPlan, ObjectPlan
from bp_core.codegen.passes.bound_loops import WHILE_LIMIT
from bp_core.codegen.passes.decay_at_events import DECAY_STATE
from bp_core.codegen.passes.follow_presynaptic_rows import ROW_LISTS
from bp_core.codegen.step_inputs import StateAccess
from bp_core.codegen.tree import as_identifier
from bp_core.errors import ModelDefError, ModelUseError, describe_value
from bp_core.model.event_fields import EVENT_NAMES
from bp_core.model.obj_type import CONNECTIVITY_DATA, SynType
from bp_core.model.types import StateArray
from bp_core.simulation.build_state import BuildState, DelayLine, SpikeQueue, fill_slots
from bp_core.simulation.delay_limits import check_delay_memory, delay_steps, refuse_dropping, values_waiting
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.index_lists import compressed_rows, row_owners
from bp_core.simulation.post_delays import plan_post_delay, post_pathway_step
from bp_core.simulation.element_rows import element_rows
from bp_core.simulation.queue_to_line import line_from_queue
from bp_core.simulation.spike_queues import plan_queue
from bp_core.simulation.sub_group import NeuSubGroup
from bp_core.simulation.summed_plans import plan_summed
from bp_core.tools.arrays import aligned_empty

__all__ = ["plan_object", "kernel_data", "rows_are_unique", "PARALLEL_MIN_ELEMENTS"]

PARALLEL_MIN_ELEMENTS = 32768
"""With numba's ``parallel`` option, element loops of objects at least this large run on all cores
(starting the threads costs about a microsecond a step, more than a smaller loop gains)."""


def _index_arrays(value: Any) -> list[np.ndarray] | None:
    """``value`` as int64 arrays if it is a list of index arrays (one per element), else None."""
    if _is_index_list(value):
        return [np.asarray(v, dtype=np.int64) for v in value]
    return None


def _is_index_list(value: Any) -> bool:
    """Whether ``value`` has the form of an index list: a non-empty list of arrays (or lists), one per element."""
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, (np.ndarray, list)) for v in value)


def kernel_data(value: Any, jit: bool) -> Any:
    """Convert user data to what compiled code takes: index lists become typed lists under numba."""
    arrays = _index_arrays(value)
    if arrays is not None:
        if jit:
            from bp_core.backend.compile import typed_index_list

            return typed_index_list(arrays)
        return arrays
    if isinstance(value, (list, tuple)):
        return np.asarray(value)
    return value


def plan_object(obj: Ensemble, dt: float, jit: bool, build: BuildState) -> ObjectPlan:
    """Return the kernel's description of ``obj``, a member of the network whose build state is ``build``."""
    code = build.code_name(obj)
    st_var = f"{code}_ST"
    mode = obj.model.mode
    ndim = 1 + len(obj.ST.shape)
    states = {"ST": (st_var, StateAccess(dict(obj.ST._var2idx), index="_obj_i" if mode == "scalar" else None,
                                         ndim=ndim))}
    variables: dict[str, Callable[[], Any]] = {st_var: lambda: obj.ST._data}
    arg_map = {"ST": st_var}
    scalar_mode = mode == "scalar"
    rows = {f"ST_{as_identifier(key)}": key for key in obj.ST._var2idx}
    for name in obj.pars.keys():
        if name in rows:
            # the kernel holds field rows[name] under this name: the step would read the field's array
            raise ModelDefError(f"parameter {name!r} of {type(obj).__name__} {obj.name!r} (model {obj.model.name!r}) "
                                f"has the name the generated kernel gives its state field {rows[name]!r}; rename the "
                                f"parameter (for example {name.lower() + '_value'!r}).")
        var = f"{code}_{name}"
        variables[var] = (lambda n=name: obj.pars.kernel_value(n, scalar_mode, obj.ST._data.dtype.type))
        arg_map[name] = var
    for name in obj.required_data():
        var = f"{code}_{name}"
        arg_map[name] = var
        variables[var] = (lambda n=name: kernel_data(obj._data[n], jit))
    plan = ObjectPlan(code_name=code, label=f"{type(obj).__name__} {code!r}",
                      display=f"{type(obj).__name__} {obj.name!r}", model=obj.model,
                      steps={s.name: s for s in obj.model.steps}, schedule=obj.runner.get_schedule(),
                      states=states, variables=variables, arg_map=arg_map, param_names=list(obj.pars.keys()),
                      per_element={n for n in obj.pars.keys() if obj.pars.is_per_element(n)},
                      parallel=bool(profile.get_numba_profile().get("parallel")) and obj.num >= PARALLEL_MIN_ELEMENTS,
                      loop_size="ST.shape[1]", float_type=obj.ST._data.dtype.type,
                      monitors=[_plan_monitor(obj, code, key, dt, variables) for key in obj.monitors],
                      checked_state=st_var, loop_limit=WHILE_LIMIT if profile.is_safe() else 0)
    if isinstance(obj.model, SynType):
        _plan_synapses(obj, plan, dt, jit, build)
    return plan


def _plan_monitor(obj: Ensemble, code: str, key: str, dt: float, variables: dict[str, Callable[[], Any]]
                  ) -> MonitorPlan:
    """How the kernel records ``obj.ST[key]``: as events when the field holds events, else dense rows."""
    spec = obj.monitor_specs[key]
    var = f"{code}_mon_{key}"
    events = spec.whole and (key in obj.model.binary_fields or key in EVENT_NAMES)
    if spec.indices is not None:
        variables[f"{var}_sel"] = lambda: spec.indices
    return MonitorPlan(key, var, events=events, every=spec.every(dt, obj.name), selected=spec.indices is not None)


def _plan_synapses(syn: Ensemble, plan: ObjectPlan, dt: float, jit: bool, build: BuildState) -> None:
    code = plan.code_name
    mode = syn.model.mode
    for role in ("pre", "post"):
        group = getattr(syn, f"{role}_group")
        state = getattr(syn, role)
        if not isinstance(state, StateArray):
            raise ModelUseError(f"SynConn {syn.name!r} has no {role} state; assign {syn.name}.{role} = ...")
        if group is not None:
            parent = group.parent if isinstance(group, NeuSubGroup) else group
            var = f"{build.code_name(parent)}_ST"
            plan.variables[var] = (lambda p=parent: p.ST._data)
            plan.sides[role] = f"{type(parent).__name__} {parent.name!r}"
        else:
            var = f"{code}_{role}_ST"
            plan.variables[var] = (lambda s=state: s._data)
        access = StateAccess(dict(state._var2idx), ndim=1 + len(state.shape))
        if mode == "scalar":
            access.index = f"_{role}_i"
        elif isinstance(group, NeuSubGroup):
            bounds = group.contiguous_range()
            if bounds is not None:
                access.select = f"{bounds[0]}:{bounds[1]}"
            else:
                access.select, access.select_is_array = f"_{role}_sel", True
                plan.arg_map[access.select] = f"{code}_{role}_sel"
                plan.variables[f"{code}_{role}_sel"] = (lambda g=group: np.ascontiguousarray(g.indices.ravel()))
        plan.states[role] = (var, access)
        plan.arg_map[role] = var
    if mode == "scalar":
        pre_global, post_global = _global_ids(syn)
        plan.scalar_indices = {"_pre_i": "_pre_global[_obj_i]", "_post_i": "_post_global[_obj_i]"}
        plan.arg_map["_pre_global"] = f"{code}_pre_global"
        plan.arg_map["_post_global"] = f"{code}_post_global"
        kernel_pre, kernel_post = (_kernel_indices(ids, jit) for ids in (pre_global, post_global))
        plan.variables[f"{code}_pre_global"] = lambda: kernel_pre
        plan.variables[f"{code}_post_global"] = lambda: kernel_post
        # a loop over the synapses of spiking neurons may follow them (a GPU thread runs per synapse)
        for side, ids in (("pre", pre_global), ("post", post_global)):
            rows = None if profile.run_on_gpu() else element_rows(syn, side, ids, build)
            if rows is None:
                continue
            plan.rows.add(side)
            if rows[1] is not None:
                plan.row_orders.add(side)
            for part, array in zip(("ptr", "idx"), rows):
                if array is not None:
                    plan.arg_map[f"{ROW_LISTS[side]}_{part}"] = f"{code}{ROW_LISTS[side]}_{part}"
                    plan.variables[f"{code}{ROW_LISTS[side]}_{part}"] = (lambda a=array: a)
        if plan.rows:  # a step may decay fields at its synapses' visits (passes.decay_at_events)
            for part in ("last", "now"):
                plan.arg_map[f"{DECAY_STATE}_{part}"] = f"{code}{DECAY_STATE}_{part}"
                plan.variables[f"{code}{DECAY_STATE}_{part}"] = (
                    lambda p=part, n=pre_global.size: build.decay_clock(syn, n)[p])
    used = {a for s in syn.model.steps for a in s.data_args}
    for name in CONNECTIVITY_DATA:
        if name in used:
            var = f"{code}_{name}"
            prepared = _prepared_connectivity(syn, name, jit)
            plan.arg_map[name] = var
            plan.variables[var] = prepared.kernel_value
            if prepared.compressed is not None:
                plan.index_lists.add(name)
                if prepared.unique_rows:
                    plan.unique_lists.add(name)
                for part, array in zip(("ptr", "idx"), prepared.compressed):
                    plan.arg_map[f"{name}_{part}"] = f"{var}_{part}"
                    plan.variables[f"{var}_{part}"] = (lambda a=array: a)
    _plan_delay(syn, plan, dt, build)
    plan_summed(syn, plan)


class _PreparedData:
    """Connectivity data validated once and converted for compiled code (list and compressed-row forms)."""

    def __init__(self, syn: Ensemble, name: str, data: Any, jit: bool):
        rows = _check_connectivity(syn, name, data)
        self.source = data
        self.jit = jit
        self._list = None
        self.compressed = None
        self.unique_rows = False
        if rows is not None and _is_index_list(data):
            ptr, idx = rows
            if jit and (idx.size == 0 or idx.max() < 2**31):
                # half the bytes to stream per delivered event; at 64k neurons the indices then fit in L3.
                # Compiled code widens them to int64 on use; plain NumPy keeps int64 so user arithmetic
                # on an index cannot overflow.
                idx = idx.astype(np.int32)
            self.compressed = (ptr, idx)
            # a row listing an index twice makes NumPy's fancy-index update differ from a loop
            self.unique_rows = rows_are_unique(ptr, idx)

    def kernel_value(self) -> Any:
        """The data as steps that use it whole receive it (a typed list of arrays under numba)."""
        if self._list is None:
            if self.compressed is not None and self.jit:
                from bp_core.backend.compile import typed_index_rows

                self._list = typed_index_rows(*self.compressed)  # the rows already checked and flattened
            else:
                self._list = kernel_data(self.source, self.jit)
        return self._list


def rows_are_unique(ptr: np.ndarray, idx: np.ndarray) -> bool:
    """Whether no row ``idx[ptr[r]:ptr[r + 1]]`` of a compressed-row index list holds an index twice.

    Sorts one int64 key per entry (row, index) and compares neighbours: NumPy's hash-based ``np.unique``
    takes seconds on the keys of a million synapses, a sort a few tens of milliseconds.
    """
    if idx.size < 2:
        return True
    low = int(idx.min())
    rows = np.repeat(np.arange(ptr.size - 1, dtype=np.int64), np.diff(ptr))
    keys = rows * (int(idx.max()) - low + 1) + (idx.astype(np.int64) - low)
    keys.sort()
    return not bool((keys[1:] == keys[:-1]).any())


def _prepared_connectivity(syn: Ensemble, name: str, jit: bool) -> _PreparedData:
    # re-validating and converting thousands of index arrays on every run would dominate a re-run's latency
    cache = syn.__dict__.setdefault("_prepared_data", {})
    data = syn.connectivity(name)
    prepared = cache.get(name)
    if prepared is None or prepared.source is not data or prepared.jit != jit:
        prepared = cache[name] = _PreparedData(syn, name, data, jit)
    return prepared


def _kernel_indices(ids: np.ndarray, jit: bool) -> np.ndarray:
    """Each synapse's neuron as the compiled CPU kernel reads it: unsigned 32-bit where every id fits.

    Every synapse loop streams these each step (Wang's NMDA sum reads 200,000 a step), and numba indexes an
    array with a signed integer through a test for a negative index; unsigned, the load is a plain one and the
    bytes half. Plain NumPy and the GPU keep the ids as they are."""
    if jit and not profile.run_on_gpu() and ids.size and 0 <= ids.min() and ids.max() < 2**32:
        return ids.astype(np.uint32)
    return ids


def _global_ids(syn: Ensemble) -> tuple[np.ndarray, np.ndarray]:
    if syn.pre_ids is not None:
        return syn.pre_ids, syn.post_ids
    num = syn.num
    ids = []
    for role, key in (("pre", "pre2syn"), ("post", "post2syn")):
        if key not in syn._data:
            raise ModelUseError(f"SynConn {syn.name!r} (made with num=...) runs in scalar mode and needs "
                                f"{syn.name}.{key} to know each synapse's {role}-synaptic neuron.")
        lists = syn._data[key]
        neurons = _size(syn, role)
        if not isinstance(lists, (list, tuple)) or len(lists) != neurons:
            raise ModelUseError(f"{syn.name}.{key} must list the synapses of each of the {neurons} {role}-synaptic "
                                f"neurons (one list per neuron), got {describe_value(lists)}.")
        where = f"{syn.name}.{key}"
        ptr, idx = compressed_rows(where, lists, num, noun="synapse indices", outside=(
            f"the {num} synapses (0..{num - 1}) the SynConn was made with (num={num})"))
        owner = row_owners(where, ptr, idx, num, role)
        ids.append(owner)
    return ids[0], ids[1]


def _check_connectivity(syn: Ensemble, name: str, data: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Validate index data before compiled code uses it without bounds checks; index data comes back as
    compressed rows ``(ptr, idx)`` (None for other data)."""
    if name == "weights":
        if np.size(data) != syn.num:
            raise ModelUseError(f"{syn.name}.weights has {np.size(data)} values for {syn.num} synapses.")
        return None
    limits = {"pre2syn": syn.num, "post2syn": syn.num, "pre2post": _size(syn, "post"),
              "post2pre": _size(syn, "pre"), "pre_ids": _size(syn, "pre"), "post_ids": _size(syn, "post")}
    if name not in limits:
        return None
    row_role = {"pre2syn": "pre", "pre2post": "pre", "post2syn": "post", "post2pre": "post"}.get(name)
    if row_role is None:  # pre_ids, post_ids: one flat array
        try:
            rows = [np.ravel(data)]
        except (TypeError, ValueError):
            raise ModelUseError(f"{syn.name}.{name} must be a 1-D array of indices (ints), got "
                                f"{describe_value(data)}.") from None
    else:
        rows = data if isinstance(data, (list, tuple)) else [data]
        # the cheap test first: a list of the wrong length is refused before its rows are read
        if len(rows) != _size(syn, row_role):
            raise ModelUseError(f"{syn.name}.{name} has {len(rows)} entries but the {row_role} group has "
                                f"{_size(syn, row_role)} neurons.")
    return compressed_rows(f"{syn.name}.{name}", rows, limits[name])


def _size(syn: Ensemble, role: str) -> int:
    group = getattr(syn, f"{role}_group")
    if group is not None:
        return group.num
    return int(np.prod(getattr(syn, role).shape))


SPIKE_QUEUES = True
"""Delay the events of synapses whose delayed fields follow presynaptic events (False: always a delay line)."""


def _plan_delay(syn: Ensemble, plan: ObjectPlan, dt: float, build: BuildState) -> None:
    post_step = post_pathway_step(syn)
    if post_step is not None:
        plan_post_delay(syn, plan, post_step, dt, build)
        return
    delayed_fields: list[str] = []
    for step in syn.model.steps:
        if step.is_delayed:
            delayed_fields += [f for f in step.fields_used.get("ST", []) if f not in delayed_fields]
    if not delayed_fields:
        return
    steps = _delay_steps(syn, dt)
    form = _event_form(syn, plan)
    queue_form = None  # the queue the line stands for while the state holds values no events copy
    if isinstance(form, EventDelay):
        reason = plan_queue(syn, plan, form, steps, build)
        if reason is None:
            return
        queue_form, form = form, reason
    per_synapse = np.ndim(steps) > 0
    if per_synapse and syn.model.mode != "scalar":
        raise ModelUseError(f"SynConn {syn.name!r} has one delay per synapse, but here {form}, so its delayed fields "
                            f"go through a delay line that each synapse reads at its own delay, which needs a "
                            f"scalar-mode model (a {syn.model.mode}-mode step reads every synapse at once); write "
                            f"the model in scalar mode, give one delay for all synapses (delay=1.5), or make its "
                            f"delayed fields copy presynaptic events (ST['s'] = pre['spike']).")
    longest = int(np.max(steps)) if per_synapse else steps
    span = f"{int(np.min(steps))} to {longest} steps, each synapse its own" if per_synapse else f"{steps} steps"
    plan.delay_note = f"delayed through a delay line of every synapse's fields ({span}; {form})"
    shape = (longest + 1, len(delayed_fields)) + syn.ST.shape
    line = build.delay_line(syn)
    if not isinstance(line, DelayLine) or line.buffer.shape != shape:
        if isinstance(line, DelayLine) and values_waiting(line):
            refuse_dropping(syn)
        check_delay_memory(syn, shape, syn.ST._data.dtype, longest)
        write = 0
        if isinstance(line, SpikeQueue) and values_waiting(line):  # a spike queue the synapse no longer takes
            buffer = line_from_queue(syn, line, delayed_fields, steps, build)
            if isinstance(buffer, str):
                refuse_dropping(syn, f"its events went through a spike queue, but now {form}, and {buffer}")
            write = int(line.position[0])  # the two rings advance together
        else:
            buffer = aligned_empty(shape, syn.ST._data.dtype)
            fill_slots(buffer, syn.ST, delayed_fields)
        line = DelayLine(buffer, np.array([write, longest + 1], dtype=np.int64), syn.ST.version)
        build.set_delay_line(syn, line)
    line.fields, line.queue_form = tuple(delayed_fields), queue_form
    code = plan.code_name
    plan.delay_steps = longest
    plan.delay_rows = {name: row for row, name in enumerate(delayed_fields)}
    if per_synapse:
        # each synapse reads slot (read + offset) % length: the slot written its own delay ago
        offsets = np.ascontiguousarray(longest - steps)
        plan.delay_offsets = True
        plan.variables[f"{code}_delay_off"] = lambda: offsets
        plan.arg_map["_delay_off"] = f"{code}_delay_off"
    plan.variables[f"{code}_delay_buf"] = lambda: line.buffer
    plan.variables[f"{code}_delay_idx"] = lambda: line.index
    plan.arg_map["_delay_buf"] = f"{code}_delay_buf"
    plan.arg_map["_delay_read"] = f"{code}_delay_read"


def _delay_steps(syn: Ensemble, dt: float) -> int | np.ndarray:
    """The synapses' delay in steps: one int, or one per synapse when they differ."""
    delay = syn.delay
    if np.ndim(delay) == 0:
        return delay_steps(syn, delay, dt)
    if syn.model.mode == "matrix" or np.size(delay) != syn.num:
        raise ModelUseError(f"SynConn {syn.name!r} has {np.size(delay)} delays for {syn.num} synapses"
                            f"{' in matrix mode' if syn.model.mode == 'matrix' else ''}; give one delay per "
                            f"synapse (scalar or vector mode), or one number for all.")
    steps = delay_steps(syn, delay, dt)
    return int(steps[0]) if steps.size and steps.min() == steps.max() else steps


def _event_form(syn: Ensemble, plan: ObjectPlan) -> EventDelay | str:
    """The event form of ``syn``'s delayed fields, or why its fields keep a delay line."""
    if not SPIKE_QUEUES:
        return "spike queues are turned off"
    form = event_delays.analyse(syn.model)
    if isinstance(form, str):
        return form
    if syn.pre_group is None:
        return "the SynConn was made with num=..., so its events have no known presynaptic neurons"
    per_element = sorted(form.parameters & plan.per_element)
    if per_element:
        return f"step {form.delayed_step!r} reads the per-synapse parameter {per_element[0]!r}"
    per_element = sorted(set(form.captured) & plan.per_element)
    if per_element:
        # a queued event carries one value for all its synapses
        return (f"step {form.copy_step!r} multiplies pre[{form.source!r}] by the per-synapse parameter "
                f"{per_element[0]!r}")
    return form
