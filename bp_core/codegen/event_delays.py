"""Which delayed synapse fields follow presynaptic events, so a spike queue may stand for their delay line.

A ``@bp.delayed`` step reads the synapse state as it was ``delay`` ms ago. The engine's general form keeps
a delay line of every delayed field of every synapse (cost: synapses x delay steps of memory, synapses
per step of copying). When the delayed values are a function of presynaptic events, the events can be
delayed instead (a spike queue: one list of the presynaptic neurons that fired per step of delay) and the
delayed step run only for the synapses of the events arriving now. This module decides, from the
model's step functions alone, whether that is exact. It accepts a scalar-mode SynType when:

- it has one ``@bp.delayed`` step, which takes no element index argument and draws no random numbers, and
  writes no field of ``ST`` that it also reads (a field it only writes, ``ST['c'] += C_pre`` of a calcium
  trace at a delayed presynaptic spike, is the synapse's current one under a delay line too: an update in
  place reads the field as it is, Brian2's ``on_pre`` with a delay);
- each field of ``ST`` that step reads is either an *event field*, written in the whole model by one
  statement at the top level of one undelayed step, ``ST['s'] = pre['spike']`` or that times numbers,
  static fields and parameters of that step (``ST['s'] = 0.5 * pre['spike']``, ``ST['g'] = ST['w'] *
  pre['spike']``, ``ST['g'] = J * pre['spike']``), all from the same presynaptic field and, when several, times
  the same parameters; or a *static field* that no step writes (``ST['w']``, a weight set by the user);
- at least one field is an event field, and the delayed step does nothing when every event field is 0:
  each of its statements adds to or subtracts from a ``post`` field, or a field of ``ST`` it writes, a product
  with an event-field factor (through locals too: ``I = -g * ST['s'] * (post['V'] - E); post['input'] += I``),
  binds a local, or is an ``if`` whose test holds only for a nonzero event field.

A static factor of an event field is read when the event arrives (the delayed step reads
``ST['g'] * ST['w']`` where it read ``ST['g']``: ``delivered_step``). That is exact because no step writes it
and a state set by the user restarts the synapse's delays (``simulation.spike_queues``), so the weight at
delivery is the weight when the event left.

A parameter factor (``J`` of ``ST['g'] = J * pre['spike']``) may change between runs without restarting the
delays, so it is not read at delivery: the queue captures it into each event's value when the event leaves
(``EventDelay.captured``), as the delay line holds ``J * pre['spike']`` computed then. A per-element value of
it cannot ride on an event (one value per presynaptic neuron), so such a synapse keeps the delay line
(``simulation.planning``); events on their way when it switches move into the line
(``simulation.queue_to_line``).

A step that decays its state (``s = int_s(ST['s'], _t); s += pre['spike']; ST['s'] = s``, the AMPA and
GABA_A forms) makes ``s`` depend on its own past, and keeps the delay line. ``analyse`` says why a model
keeps it; ``show_passes`` prints that reason in the generated function's docstring.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

__all__ = ["EventDelay", "analyse", "delivered_step", "copies_events"]

_MODULES = frozenset({"np", "numpy", "math"})
_PURE_BUILTINS = frozenset({"abs", "min", "max", "float", "exprel"})


@dataclass(frozen=True)
class EventDelay:
    """How the delayed fields of a synapse model follow presynaptic events.

    Attributes
    ----------
    source : str
        The presynaptic field whose nonzero elements are the events (``'spike'``).
    scales : dict
        Event field -> the number it is ``pre[source]`` times.
    static : tuple of str
        Fields the delayed step reads that no step writes.
    copy_step : str
        The undelayed step that writes the event fields.
    copy_only : bool
        That step does nothing else (the queue's capture of the events can replace it).
    delayed_step : str
    parameters : frozenset of str
        The delayed step's parameters.
    factors : dict
        Event field -> the static fields it is also the product of (``ST['g'] = ST['w'] * pre['spike']``:
        ``{'g': ('w',)}``); the delayed step reads them at delivery.
    captured : tuple of str
        Parameters of the copy step every event field is also the product of (``ST['g'] = J * pre['spike']``:
        ``('J',)``); the queue stores ``pre[source]`` times them when the event leaves.
    """

    source: str
    scales: dict[str, float]
    static: tuple[str, ...]
    copy_step: str
    copy_only: bool
    delayed_step: str
    parameters: frozenset[str] = field(default_factory=frozenset)
    factors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    captured: tuple[str, ...] = ()


def analyse(model) -> EventDelay | str:
    """The event form of ``model``'s delayed fields, or a sentence saying why there is none.

    Parameters
    ----------
    model : SynType
    """
    if model.mode != "scalar":
        return f"the model runs in {model.mode} mode (spike queues lower scalar-mode synapses)"
    delayed = [s for s in model.steps if s.is_delayed]
    if len(delayed) != 1:
        return f"the model has {len(delayed)} @delayed steps (spike queues lower one)"
    out = delayed[0]
    if {"_obj_i", "_pre_i", "_post_i"} & set(out.args):
        return f"step {out.name!r} takes an element index"
    own = {_key(node) for node in _stores(out.node, "ST")}
    if None in own:
        return f"step {out.name!r} writes a field of ST it names at run time"
    read_back = sorted(own & _loaded(out.node, "ST"))
    if read_back:
        return (f"step {out.name!r} writes ST[{read_back[0]!r}] and reads it (a delay line gives it the value of "
                f"one delay ago, a spike queue the current one)")
    if _draws_random(out.node):
        return f"step {out.name!r} draws random numbers (skipping quiet synapses would change the draws)"
    reads = out.fields_used.get("ST", [])
    # field -> (step, pre field, scale, static factors, parameter factors)
    copies: dict[str, tuple[str, str, float, tuple[str, ...], tuple[str, ...]]] = {}
    static = []
    for name in reads:
        if name in own:
            continue  # updated in place at delivery, as the delay line's step does
        writes = [(step, node) for step in model.steps if not step.is_delayed
                  for node in _stores(step.node, "ST") if _key(node) == name]
        if not writes:
            static.append(name)
            continue
        if len(writes) > 1:
            return f"ST[{name!r}] is written {len(writes)} times"
        step, node = writes[0]
        copied = _copy_of_pre(step.node, node, frozenset(step.parameters))
        if copied is None:
            return (f"ST[{name!r}] is not a copy of a presynaptic field (ST[{name!r}] = pre['spike'], or that "
                    f"times numbers, parameters and fields no step writes) in step {step.name!r}")
        written = [f for f in copied[2] if _written(model, f)]
        if written:
            return f"ST[{name!r}] is pre[{copied[0]!r}] times ST[{written[0]!r}], which a step writes"
        copies[name] = (step.name,) + copied
    if not copies:
        return f"no field step {out.name!r} reads follows presynaptic events"
    if len({c[:2] for c in copies.values()}) != 1:
        return "the event fields copy different presynaptic fields or are written in different steps"
    step_name, source = next(iter(copies.values()))[:2]
    if len({c[4] for c in copies.values()}) != 1:
        return ("the event fields are pre[{!r}] times different parameters ({}), and a queued event carries "
                "one value".format(source, ", ".join(f"{f}: {list(c[4])}" for f, c in copies.items())))
    copy_step = next(s for s in model.steps if s.name == step_name)
    if any(isinstance(n, (ast.Return, ast.Raise)) for n in ast.walk(copy_step.node)):
        return f"step {step_name!r} may end before it copies the event (a return or raise)"
    reason = _quiet_when_zero(out.node.body, set(copies), own)
    if reason is not None:
        return f"step {out.name!r} {reason}"
    copy_only = all(_top_level_copy(stmt, set(copies), frozenset(copy_step.parameters))
                    for stmt in copy_step.node.body if not _is_docstring(stmt))
    return EventDelay(source=source, scales={f: c[2] for f, c in copies.items()}, static=tuple(static),
                      copy_step=step_name, copy_only=copy_only, delayed_step=out.name,
                      parameters=frozenset(out.parameters), factors={f: c[3] for f, c in copies.items() if c[3]},
                      captured=next(iter(copies.values()))[4])


def delivered_step(step, factors: dict[str, tuple[str, ...]]):
    """``step`` (a delayed StepFunction) reading each event field times its static factors.

    A spike queue delivers ``scale * event`` for an event field; ``factors`` (``EventDelay.factors``) are
    the fields it is also the product of, read as they are at delivery. The rewritten step is made once per
    factors and kept on ``step``, so translations of it are cached like those of ``step``.
    """
    if not factors:
        return step
    key = tuple(sorted(factors.items()))
    made = step.__dict__.setdefault("_bp_delivered", {})
    if key not in made:
        new = copy.copy(step)
        new.node = _TimesFactors(factors).visit(copy.deepcopy(step.node))
        ast.fix_missing_locations(new.node)
        new.fields_used = new._fields_used()
        made[key] = new
    return made[key]


class _TimesFactors(ast.NodeTransformer):
    """``ST['g']`` (read) -> ``(ST['g'] * ST['w'])``."""

    def __init__(self, factors: dict[str, tuple[str, ...]]):
        self.factors = factors

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if not (isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name) and node.value.id == "ST"):
            return node
        product: ast.expr = node
        for name in self.factors.get(_key(node), ()):
            factor = ast.Subscript(ast.Name("ST", ast.Load()), ast.Constant(name), ast.Load())
            product = ast.BinOp(product, ast.Mult(), factor)
        return ast.copy_location(product, node)


def copies_events(stmt: ast.stmt, model, parameters: frozenset[str] = frozenset()) -> bool:
    """Whether ``stmt`` is ``ST[f] = pre[k]`` times numbers, ``parameters`` (those of its step) and fields no
    step of ``model`` writes (running it twice in a step leaves what running it once does)."""
    if not _top_level_copy(stmt, {_key(stmt.targets[0])} if isinstance(stmt, ast.Assign) and stmt.targets
                           and isinstance(stmt.targets[0], ast.Subscript) else set(), parameters):
        return False
    return not any(_written(model, f) for f in _scaled_pre(stmt.value, parameters)[2])


def _written(model, name: str) -> bool:
    return any(_key(node) == name for step in model.steps for node in _stores(step.node, "ST"))


def _key(target: ast.Subscript) -> str | None:
    key = target.slice
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def _stores(func: ast.AST, state: str) -> list[ast.Subscript]:
    """Every store into a field of ``state`` (``state['x'] = ...``, ``state['x'] += ...``, ``state['x'][k] = ...``).

    In scalar mode a field is one number in the step, so a call cannot change it through an argument.
    """
    out = []
    for node in ast.walk(func):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and sub.value.id == state:
                    out.append(sub)
    return out


def _loaded(func: ast.AST, state: str) -> set[str | None]:
    """The fields of ``state`` that ``func`` reads (``state['x']`` loaded; an update in place stores)."""
    return {_key(node) for node in ast.walk(func) if isinstance(node, ast.Subscript) and
            isinstance(node.value, ast.Name) and node.value.id == state and isinstance(node.ctx, ast.Load)}


def _draws_random(func: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "random" or isinstance(n, ast.Name) and n.id == "random"
               for n in ast.walk(func))


def _pre_field(node: ast.expr) -> str | None:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "pre":
        return _key(node)
    return None


def _number(node: ast.expr) -> float | None:
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return sign * float(node.value)
    return None


def _copy_of_pre(func: ast.FunctionDef, target: ast.Subscript, parameters: frozenset[str]
                 ) -> tuple[str, float, tuple[str, ...], tuple[str, ...]] | None:
    """``(pre field, scale, ST factors, parameter factors)`` when ``target`` is stored by a top-level
    ``ST[f] = pre[k]`` times numbers, ``ST`` fields and ``parameters``."""
    for stmt in func.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and stmt.targets[0] is target:
            return _scaled_pre(stmt.value, parameters)
    return None


def _scaled_pre(value: ast.expr, parameters: frozenset[str] = frozenset()
                ) -> tuple[str, float, tuple[str, ...], tuple[str, ...]] | None:
    """``(pre field, scale, ST fields, parameters)`` when ``value`` is a product of one ``pre`` field, numbers,
    ``ST`` fields (the caller checks that no step writes those) and names of ``parameters`` (sorted)."""
    factors: list[ast.expr] = []

    def flatten(node: ast.expr) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            flatten(node.left)
            flatten(node.right)
        else:
            factors.append(node)

    flatten(value)
    sources, scale, fields, names = [], 1.0, [], []
    for node in factors:
        number = _number(node)
        if number is not None:
            scale *= number
        elif isinstance(node, ast.Name) and node.id in parameters:
            names.append(node.id)
        elif _pre_field(node) is not None:
            sources.append(_pre_field(node))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "ST" \
                and _key(node) is not None:
            fields.append(_key(node))
        else:
            return None
    if len(sources) != 1:
        return None
    return sources[0], scale, tuple(fields), tuple(sorted(names))


def _top_level_copy(stmt: ast.stmt, fields: set[str], parameters: frozenset[str] = frozenset()) -> bool:
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
        and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == "ST" \
        and _key(stmt.targets[0]) in fields and _scaled_pre(stmt.value, parameters) is not None


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def _quiet_when_zero(body: list[ast.stmt], fields: set[str], own: set[str] = frozenset()) -> str | None:
    """None when ``body`` changes nothing outside its locals while every event field is 0, else why not
    (``own``: the ``ST`` fields the step writes)."""
    zero: set[str] = set()  # locals that hold 0 then
    for stmt in body:
        if _is_docstring(stmt) or isinstance(stmt, ast.Pass):
            continue
        if not _pure(stmt):
            return f"calls a function that may change something (line {stmt.lineno} of the step)"
        if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
            is_zero = _is_zero(stmt.value, fields, zero)
            for t in stmt.targets:
                (zero.add if is_zero else zero.discard)(t.id)
            continue
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, (ast.Add, ast.Sub)) and \
                isinstance(stmt.target, ast.Subscript) and isinstance(stmt.target.value, ast.Name) and \
                (stmt.target.value.id == "post" or stmt.target.value.id == "ST" and _key(stmt.target) in own) \
                and _is_zero(stmt.value, fields, zero):
            continue
        if isinstance(stmt, ast.If) and _nonzero_test(stmt.test, fields, zero) and not stmt.orelse:
            continue
        return (f"does something when the event fields are 0 (line {stmt.lineno} of the step): it must add a "
                f"product with an event field to a post field or a field of ST it writes, bind locals, or test the "
                f"event field")
    return None


def _pure(stmt: ast.stmt) -> bool:
    for node in ast.walk(stmt):
        if isinstance(node, (ast.NamedExpr, ast.Lambda)):
            return False
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in _PURE_BUILTINS:
                continue
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in _MODULES:
                continue
            return False
    return True


def _is_zero(node: ast.expr, fields: set[str], zero: set[str]) -> bool:
    """Whether ``node`` is 0 when every event field is 0 (its other factors are finite)."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "ST":
        return _key(node) in fields
    if isinstance(node, ast.Name):
        return node.id in zero
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _is_zero(node.operand, fields, zero)
    if isinstance(node, ast.BinOp):
        left, right = _is_zero(node.left, fields, zero), _is_zero(node.right, fields, zero)
        if isinstance(node.op, ast.Mult):
            return left or right
        if isinstance(node.op, ast.Div):
            return left
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return left and right
    return False


def _nonzero_test(test: ast.expr, fields: set[str], zero: set[str]) -> bool:
    """Whether ``test`` can hold only when some event field is nonzero."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_nonzero_test(v, fields, zero) for v in test.values)
    if _is_zero(test, fields, zero):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, left, right = test.ops[0], test.left, test.comparators[0]
        if _is_zero(right, fields, zero) and not _is_zero(left, fields, zero):
            left, right = right, left
            op = {ast.Gt: ast.Lt(), ast.Lt: ast.Gt(), ast.GtE: ast.LtE(), ast.LtE: ast.GtE()}.get(type(op), op)
        value = _number(right)
        if not _is_zero(left, fields, zero) or value is None:
            return False
        return {ast.Gt: value >= 0, ast.GtE: value > 0, ast.Lt: value <= 0, ast.LtE: value < 0,
                ast.Eq: value != 0, ast.NotEq: value == 0}.get(type(op), False)
    return False
