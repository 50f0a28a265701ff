"""Spike queues: planning the event form of a synapse's delays (``codegen.event_delays`` says when it applies).

A queue keeps, for each step of delay, the presynaptic neurons that fired (their positions among the
synapse's source neurons) and the value of the copied field; its routes list, for each source neuron and
each delay, the synapses an event reaches. Routes are made with sorts (no loop over synapses), once per
structure, and kept by the network's build state with the queue itself.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from bp_core.codegen import event_delays
from bp_core.codegen.event_delays import EventDelay
from bp_core.codegen.kernel import ObjectPlan
from bp_core.codegen.queue_ops import WALK_ARGS, QueuePlan
from bp_core.simulation.build_state import BuildState, DelayLine, QueueRoutes, SpikeQueue
from bp_core.simulation.delay_limits import check_delay_memory, refuse_dropping, values_waiting
from bp_core.simulation.ensemble import Ensemble

__all__ = ["plan_queue", "make_routes", "restart_queue", "EventCopies"]


def plan_queue(syn: Ensemble, plan: ObjectPlan, form: EventDelay, steps: int | np.ndarray,
               build: BuildState) -> str | None:
    """Give ``plan`` a spike queue for ``syn``'s delays; returns None, or why a delay line must stay."""
    routes = _routes(syn, steps, build)
    queue = _queue(syn, routes, form, build)
    if isinstance(queue, str):
        return queue
    fields = list(form.scales)
    skip = form.copy_only and not set(fields) & set(syn.monitors) and not _read_elsewhere(syn, form)
    code = plan.code_name
    q = f"{code}_q"
    plan.queue = QueuePlan(var=q, source=form.source, copy_step=form.copy_step, delayed_step=form.delayed_step,
                           skip_copy=skip, rows={name: row for row, name in enumerate(fields)},
                           scales=dict(form.scales), factors=dict(form.factors), captured=form.captured)
    delays = f"{routes.shortest}" if routes.shortest == routes.longest else f"{routes.shortest} to {routes.longest}"
    plan.delay_note = (f"delayed through a spike queue of pre[{form.source!r}] events ({delays} steps): "
                       f"its fields {fields} copy them{_times(form)}")
    scratch = _Scratch(syn, routes, len(fields))
    parts = {"ev": lambda: queue.events, "val": lambda: queue.values, "n": lambda: queue.counts,
             "pos": lambda: queue.position, "src": lambda: routes.sources, "ptr": lambda: routes.ptr,
             "syn": lambda: routes.synapses, "lookup": lambda: routes.lookup, "arr": scratch.arrivals,
             "dval": scratch.delayed}
    for part, getter in parts.items():
        plan.variables[f"{q}_{part}"] = getter
    plan.arg_map["_arrivals"] = f"{q}_arr[:{q}_na]"  # the synapses reached this step (see kernel)
    plan.arg_map.update({arg: f"{q}_{part}" for part, arg in WALK_ARGS.items()})  # or walked by the step
    post_ids = plan.variables[f"{code}_post_global"]
    plan.variables[f"{q}_post"] = lambda: _routed_posts(routes, post_ids())
    plan.arg_map["_delay_buf"] = f"{q}_dval"
    plan.arg_map["_delay_read"] = "0"
    return None


def restart_queue(syn: Ensemble, build: BuildState) -> bool:
    """Start the spike queue ``syn`` runs with again from its state, in place, as a new state version would
    through planning (``Network.restore`` of a snapshot taken before the queue existed); whether it could (the
    state a copy of events). In place, the kernel built for the queue runs on: nothing is planned again."""
    held = build.delay_line(syn)
    routes = build.routes(syn)
    form = event_delays.analyse(syn.model)
    if not isinstance(held, SpikeQueue) or routes is None or isinstance(form, str) or \
            routes.sources.size != held.events.shape[1]:
        return False
    started = _started(syn, routes, form, int(held.position[2]))
    if isinstance(started, str):
        return False
    events, values = started
    held.events[...] = 0
    held.values[...] = 0
    held.events[:, :events.size] = events
    held.values[:, :events.size] = values
    held.counts[...] = events.size
    held.position[0] = 0
    return True


def _started(syn: Ensemble, routes: QueueRoutes, form: EventDelay, span: int
             ) -> tuple[np.ndarray, np.ndarray] | str:
    """The events a queue starts with from the state (``EventCopies``); or why the state is no copy of events.
    A state set to zero, or to what the last step's events copied, starts the queue with every slot holding
    those events, as a delay line refills every slot from the state; one that is no such copy has its values
    delayed by a delay line instead."""
    with syn.ST.reading():
        return EventCopies(syn, routes, form, span).read({name: syn.ST[name] for name in form.scales})


class EventCopies:
    """Reads the presynaptic events whose copies a synapse's event fields hold (the state, or one slot of a
    delay line): each source's value from its first synapse that the static factors do not zero, checked by
    copying the events back as the copy step and the queue's delivery would.

    Parameters
    ----------
    syn : Ensemble
        The SynConn; its static factors are read as its state holds them now (the delayed step reads them at
        delivery, and setting them starts the delays again).
    routes : QueueRoutes
        Its queue's routes.
    form : EventDelay
        The event form of its delayed fields.
    span : int
        Delays of the routes (``QueueRoutes.ptr`` holds ``span`` rows per source).
    """

    def __init__(self, syn: Ensemble, routes: QueueRoutes, form: EventDelay, span: int):
        self._form = form
        self._num, self._dtype = syn.num, syn.ST._data.dtype
        self._routes, self._span = routes, span
        self._factors = {name: [np.asarray(syn.ST[f]) for f in form.factors.get(name, ())] for name in form.scales}

    @cached_property
    def _bounds(self) -> np.ndarray:
        """Where each source's synapses start and end in ``routes.synapses``."""
        return self._routes.ptr[np.arange(self._routes.sources.size + 1) * self._span]

    @cached_property
    def _source_of(self) -> np.ndarray:
        """Each synapse's source, as a position among the routes' sources."""
        source_of = np.empty(self._num, dtype=np.int64)
        source_of[self._routes.synapses] = np.repeat(np.arange(self._routes.sources.size), np.diff(self._bounds))
        return source_of

    @cached_property
    def _readers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sources, the synapse each is read from, its scale times factors): each source's first synapse that
        the factors do not zero."""
        synapses = self._routes.synapses
        name, scale = next(iter(self._form.scales.items()))
        weight = np.full(self._num, float(scale))
        for factor in self._factors[name]:
            weight = weight * np.asarray(factor, dtype=float)
        reaching = np.flatnonzero(np.diff(self._bounds))
        if not reaching.size:
            return reaching, reaching, np.zeros(0)
        order = np.arange(synapses.size)
        usable = np.where(weight[synapses] != 0, order, synapses.size)
        first = np.minimum.reduceat(usable, self._bounds[reaching])
        found = first < synapses.size
        chosen = synapses[first[found]]
        return reaching[found], chosen, weight[chosen]

    def read(self, fields: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | str:
        """The events (source positions, values) whose copies ``fields`` (event field -> one value per synapse)
        are, or why they are no such copies.

        Parameters
        ----------
        fields : dict
            Every event field of the form.
        """
        name = next(iter(self._form.scales))
        field = np.asarray(fields[name], dtype=float)
        values = np.zeros(self._routes.sources.size)
        if field.any():  # else no events
            sources, synapses, weights = self._readers
            values[sources] = field[synapses] / weights
        # a value divided back out of the copy step's product may be an ulp off the one it multiplied: a source
        # whose synapses its value does not give back takes the neighbouring float that does, if one does
        wrong = self._wrong(values, fields)
        for way in (np.inf, -np.inf):
            if not wrong.any():
                break
            trial = values.copy()
            trial[wrong] = np.nextafter(values[wrong], way)
            fixed = wrong & ~self._wrong(trial, fields)
            values[fixed] = trial[fixed]
            wrong &= ~fixed
        if wrong.any():
            names = ", ".join(f"ST[{n!r}]" for n in self._form.scales)
            return (f"{names} hold values that are not copies of presynaptic events (each source's synapses one "
                    f"value), so the delay starts from them")
        events = np.flatnonzero(values).astype(np.int64)
        return events, values[events]

    def _wrong(self, values: np.ndarray, fields: dict[str, np.ndarray]) -> np.ndarray:
        """Which sources have a synapse whose event fields the copies of ``values`` do not give back (the copy
        step's product: ``scale * value``, then each static factor)."""
        wrong = np.zeros(values.size, dtype=bool)
        nonzero = bool(values.any())
        for name, scale in self._form.scales.items():
            expected = np.zeros(self._num, dtype=self._dtype)
            if nonzero:
                expected[...] = scale * values[self._source_of]
            for factor in self._factors[name]:  # read at delivery: as the state holds them now
                expected = expected * factor
            missed = np.asarray(fields[name]) != expected
            if missed.any():
                wrong[self._source_of[missed]] = True
        return wrong


def _times(form: EventDelay) -> str:
    """' (g times ST['w'] at delivery)', '; each event carries it times J as it leaves', both or ''."""
    parts = [f"{name} times " + " * ".join(f"ST[{f!r}]" for f in factors) for name, factors in form.factors.items()]
    out = f" ({', '.join(parts)} at delivery)" if parts else ""
    if form.captured:
        out += f"; each event carries pre[{form.source!r}] times {' * '.join(form.captured)} as it leaves"
    return out


class _Scratch:
    """Work arrays of a queue's delivery, allocated when a run first needs them."""

    def __init__(self, syn: Ensemble, routes: QueueRoutes, fields: int):
        self._shapes = (routes.synapses.size, (1, fields, syn.num), syn.ST._data.dtype)
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None

    def _get(self) -> tuple[np.ndarray, np.ndarray]:
        if self._arrays is None:
            size, shape, dtype = self._shapes
            self._arrays = (np.zeros(max(size, 1), dtype=np.int64), np.zeros(shape, dtype=dtype))
        return self._arrays

    def arrivals(self) -> np.ndarray:
        return self._get()[0]

    def delayed(self) -> np.ndarray:
        return self._get()[1]


def _routed_posts(routes: QueueRoutes, post_ids: np.ndarray) -> np.ndarray:
    """The postsynaptic neuron of each synapse of ``routes.synapses``, in that order (made once per ids)."""
    if not routes.posts or routes.posts[0] is not post_ids:
        posts = np.asarray(post_ids)[routes.synapses]
        # the walk streams one index per synaptic event: half the bytes as int32
        routes.posts = (post_ids, posts.astype(np.int32) if posts.size == 0 or posts.max() < 2**31 else posts)
    return routes.posts[1]


def _read_elsewhere(syn: Ensemble, form: EventDelay) -> bool:
    """Whether a step besides the copy and the delayed one reads an event field (then it must be kept up)."""
    others = [s for s in syn.model.steps if s.name not in (form.copy_step, form.delayed_step)]
    return any(set(s.fields_used.get("ST", [])) & set(form.scales) for s in others)


def make_routes(pre_ids: np.ndarray, steps: np.ndarray, parent_size: int) -> QueueRoutes:
    """Group synapses by presynaptic neuron, then by delay, keeping synapse order within a group.

    Parameters
    ----------
    pre_ids : ndarray
        Each synapse's presynaptic neuron (id in the parent group).
    steps : ndarray
        Each synapse's delay in steps.
    parent_size : int
        Neurons in the presynaptic parent group.
    """
    pre_ids = np.asarray(pre_ids, dtype=np.int64)
    steps = np.asarray(steps, dtype=np.int64)
    shortest = int(steps.min()) if steps.size else 0
    longest = int(steps.max()) if steps.size else 0
    ages = longest - shortest + 1
    age = steps - shortest
    key = pre_ids if ages == 1 else pre_ids * ages + age
    if key.size < 2 or bool(np.all(key[1:] >= key[:-1])):
        # connectors give synapses ordered by source, and one delay for all is the usual case: the
        # stable sort would return them as they are
        order, sorted_pre, sorted_age = np.arange(key.size, dtype=np.int64), pre_ids, age
    else:
        order = np.argsort(key, kind="stable")  # stable: synapse order within a (source, delay) group
        sorted_pre, sorted_age = pre_ids[order], age[order]
    first = np.ones(sorted_pre.size, dtype=bool)
    first[1:] = sorted_pre[1:] != sorted_pre[:-1]
    sources = sorted_pre[first]
    position = np.cumsum(first) - 1
    rows = position if ages == 1 else position * ages + sorted_age
    ptr = np.zeros(sources.size * ages + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=sources.size * ages), out=ptr[1:])
    lookup = np.full(parent_size, -1, dtype=np.int64)
    lookup[sources] = np.arange(sources.size)
    return QueueRoutes(sources, ptr, order.astype(np.int64), lookup, shortest, longest, ())


def _routes(syn: Ensemble, steps: int | np.ndarray, build: BuildState) -> QueueRoutes:
    routes = build.routes(syn)
    # one delay for all is kept as a number: no per-synapse copy to make or compare
    delays = int(steps) if np.ndim(steps) == 0 else np.array(steps, dtype=np.int64)
    if routes is not None and routes.key[0] is syn.pre_ids and \
            type(routes.key[1]) is type(delays) and np.array_equal(routes.key[1], delays):
        return routes
    parent = syn.pre_group.parent if hasattr(syn.pre_group, "parent") else syn.pre_group
    routes = make_routes(syn.pre_ids, np.broadcast_to(np.asarray(delays, dtype=np.int64), syn.pre_ids.shape),
                         parent.num)
    routes.key = (syn.pre_ids, delays)
    build.set_routes(syn, routes)
    return routes


def _queue(syn: Ensemble, routes: QueueRoutes, form: EventDelay, build: BuildState) -> SpikeQueue | str:
    """The queue to run with: the one held, or one started from the state (as a delay line refills from it)."""
    slots = routes.longest + 1
    shape = (slots + 1, routes.sources.size)
    position = np.array([0, slots, routes.longest - routes.shortest + 1, routes.shortest], dtype=np.int64)
    dtype = syn.ST._data.dtype
    held = build.delay_line(syn)
    if isinstance(held, DelayLine):
        return "a delay line holds the values on their way (since the state was set)"
    if isinstance(held, SpikeQueue) and held.events.shape == shape and held.values.dtype == dtype and \
            np.array_equal(held.position[1:], position[1:]):
        return held
    if values_waiting(held):
        refuse_dropping(syn)
    started = _started(syn, routes, form, int(position[2]))
    if isinstance(started, str):
        return started
    events, values = started
    # as a delay line refills every slot from the state, every slot starts with the events it holds
    check_delay_memory(syn, (2,) + shape, np.int64, routes.longest)  # events and their values
    queue = SpikeQueue(np.zeros(shape, np.int64), np.zeros(shape, dtype), np.full(slots + 1, events.size, np.int64),
                       position, syn.ST.version)
    queue.events[:, :events.size] = events
    queue.values[:, :events.size] = values
    build.set_delay_line(syn, queue)
    return queue
