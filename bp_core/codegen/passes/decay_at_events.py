"""Traces that only decay between their synapse's events, decayed at the events by the steps since the last.

A plasticity rule written as the spec writes it integrates its traces for every synapse at every step; after
``passes.split_event_branches`` and ``passes.follow_presynaptic_rows`` the step is a vectorised loop of that
decay, then loops over the synapses of the neurons that spiked::

    for _obj_i in range(ST.shape[1]):                 # every synapse, every step
        A = ST_A[_obj_i]
        A_new = A + _c * (-A * _inv_tau)
        ST_A[_obj_i] = A_new
    for _src in range(_pre_rows_ptr.shape[0] - 1):
        if pre_spike[_src] != 0:
            for _obj_i in range(_pre_rows_ptr[_src], _pre_rows_ptr[_src + 1]):
                A = ST_A[_obj_i]
                ...

When a field's new value is its old one times a factor that holds for the run (a linear, homogeneous decay
with uniform parameters) and nothing but these loops reads the field during the run (the kernel's planner
offers such fields: ``StepInputs.decay_fields``), the first loop goes and the others decay what they load by
the factor to the power of the steps since the synapse's last visit (Brian2's event-driven traces)::

    for _src in ...:
            for _obj_i in ...:
                A = ST_A[_obj_i]
                _decay_k = _i - _decay_last[_obj_i]
                A = A * ((_decay_t[_decay_k] if _decay_k < _decay_t.shape[0]
                          else np.exp(_decay_l * _decay_k)) if _decay_f > 0.0 else _decay_f ** _decay_k)
                ST_A[_obj_i] = A
                _decay_last[_obj_i] = _i
                ...

``_decay_f`` (the per-step update applied to 1.0), its logarithm ``_decay_l`` and the table ``_decay_t`` of
``exp(_decay_l * k)`` for the first ``k`` (``decay_powers``) are per-run values (``passes.run_values``). The
power of a positive factor is one ``exp`` (Brian2's event-driven update is an ``exp`` too), read from the
table for the usual gaps between visits: numba computes ``f ** k`` of an integer ``k`` by repeated squaring,
about 60 ns a visit against 5-10 for the ``exp`` and 1-2 for the table, and rounds it less well (a relative
4e-14 from the correctly rounded power after its squarings' roundings, where the ``exp`` form is off by
``|k log f|`` ulps, at most 1e-13 above the smallest normal numbers). A factor of 0 or below (an Euler step
as long as the time constant) keeps the power, whose ``0 ** 0`` is 1 where the logarithm's form is NaN. The
kernel
decays every synapse up to the last step run when it returns and starts each call from there
(``kernel_ops.decays``), so a user, a monitor of another field or a snapshot between runs sees the stepped
values. The cost of the traces then follows the spikes. The values equal stepping to rounding:
``x * f**n`` rounds once where stepping rounds ``n`` times (a relative 1e-12 after 10^4 steps), which is why
the planner offers no field that a monitor, an input, another step or a summed variable reads.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

from bp_core.codegen.ast_facts import factor_of, homogeneous_in
from bp_core.codegen.kernel_ops.syntax import expression
from bp_core.codegen.loop_facts import ELEMENT
from bp_core.codegen.passes.fold_finite import FLAG
from bp_core.codegen.passes.follow_presynaptic_rows import ROW_LISTS
from bp_core.codegen.passes.run_values import run_invariant, written_out
from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["DECAY_AT_EVENTS", "DecayFields", "DECAY_STATE", "POWER"]

DECAY_STATE = "_decay"
"""The per-object arrays the kernel offers: ``_decay_last`` (each synapse's last visit) and ``_decay_now``."""

_STEP = "_i"

POWER = "((T[K] if K < T.shape[0] else np.exp(L * K)) if F > 0.0 else F ** K)"
"""``F ** K`` of a factor ``F`` with logarithm ``L``, table of powers ``T`` and steps ``K`` (see the module
docstring); the kernel's flush (``kernel_ops.decays``) decays by the same expression."""


@dataclass(frozen=True)
class DecayFields:
    """The fields a step decays at its events, and the arguments the kernel's operations need.

    Attributes
    ----------
    fields : tuple of str
        The ST fields decayed at events.
    rows : tuple of str
        The step's argument holding each field.
    factors : tuple of str
        The per-run value (``passes.run_values``) of each field's factor for one step.
    logs, tables : tuple of str
        The per-run value of each factor's logarithm (of the smallest positive number for a factor of 0 or
        below, where ``POWER`` does not read it) and of its table of powers.
    last, now : str
        The step's arguments for each synapse's last visited step and the step its traces decayed through.
    """

    fields: tuple[str, ...]
    rows: tuple[str, ...]
    factors: tuple[str, ...]
    logs: tuple[str, ...]
    tables: tuple[str, ...]
    last: str
    now: str


def _run(tree: StepTree) -> None:
    step = tree.inputs.step
    if not tree.scalar or not tree.inputs.decay_fields or _STEP in step.locals or _STEP in step.args:
        return
    field_of = {arg: key for arg, (state, key) in tree.row_args.items()
                if state == "ST" and key in tree.inputs.decay_fields}
    leading = next((k for k, s in enumerate(tree.body) if _is_element_loop(tree, s)), None)
    if leading is None:
        return
    factors = _decays(tree, tree.body[leading], field_of)
    rest = tree.body[leading + 1:]
    visits = [stmt for stmt in rest if _mentions(stmt, factors)]
    if not factors or not visits or any(_visit_body(tree, stmt) is None for stmt in visits) or \
            _mentions(tree.body[:leading] + tree.prelude + tree.epilogue, factors):
        return
    bodies = [_visit_body(tree, stmt) for stmt in visits]
    if not all(_loads_first(body, factors) is not None for body in bodies):  # type: ignore[arg-type]
        return
    args = sorted(factors)
    f_names = {arg: tree.names.fresh(f"_decay_f_{field_of[arg]}") for arg in args}
    l_names = {arg: tree.names.fresh(f"_decay_l_{field_of[arg]}") for arg in args}
    t_names = {arg: tree.names.fresh(f"_decay_t_{field_of[arg]}") for arg in args}
    for arg in args:
        value = ast.Assign([ast.Name(f_names[arg], ast.Store())], factors[arg], lineno=0)
        log = ast.parse(f"{l_names[arg]} = np.log(np.fmax({f_names[arg]}, 5e-324))\n"
                        f"{t_names[arg]} = decay_powers({l_names[arg]})").body
        tree.prelude += located([value] + log, origin(tree.body[leading]))
    last, now = tree.list_argument(DECAY_STATE, "last"), tree.list_argument(DECAY_STATE, "now")
    for body in bodies:
        _decay_at_loads(tree, body, args, f_names, l_names, t_names, last)  # type: ignore[arg-type]
    loop = tree.body[leading]
    loop.body = [s for s in loop.body if not _stores_or_checks(s, set(args))]  # type: ignore[attr-defined]
    at = origin(loop)
    mark = located([ast.Assign([ast.Subscript(ast.Name(now, ast.Load()), ast.Constant(0), ast.Store())],
                               ast.Name(_STEP, ast.Load()), lineno=0)], at)
    if any(_stores(s) for s in loop.body):  # type: ignore[attr-defined]
        tree.body[leading:leading] = mark
    else:  # what is left of the loop computes nothing it keeps
        tree.body[leading:leading + 1] = mark
    tree.decays = DecayFields(tuple(field_of[a] for a in args), tuple(args), tuple(f_names[a] for a in args),
                              tuple(l_names[a] for a in args), tuple(t_names[a] for a in args), last, now)


def _is_element_loop(tree: StepTree, stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and stmt.target.id == ELEMENT and \
        not stmt.orelse and ast.dump(stmt.iter) == \
        ast.dump(ast.parse(f"range({tree.inputs.loop_size})", mode="eval").body)


def _at_element(node: ast.AST, args: set[str] | dict) -> str | None:
    """The field argument of ``node`` when it is ``ARG[_obj_i]`` with ARG one of ``args``."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in args and \
            isinstance(node.slice, ast.Name) and node.slice.id == ELEMENT:
        return node.value.id
    return None


def _decays(tree: StepTree, loop: ast.For, field_of: dict[str, str]) -> dict[str, ast.expr]:
    """Field argument -> its factor for one step, for each field ``loop`` stores as its own load times a
    per-run factor (and stores once)."""
    invariant = run_invariant(tree)
    values: dict[str, ast.expr] = {}  # local -> its value written out
    loaded: dict[str, str] = {}  # local -> the field argument it loads
    stored: dict[str, list[str]] = {}
    inline = _InlineLoads(field_of)
    for stmt in loop.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            stmt = ast.Assign(stmt.targets, inline.visit(copy.deepcopy(stmt.value)))
            name = stmt.targets[0].id
            if name in values or name in loaded:
                return {}  # assigned twice: the written-out values would not hold
            arg = _at_element(stmt.value, field_of)
            if arg is not None:
                loaded[name] = arg
                continue
            values[name] = written_out(stmt.value, values)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            arg = _at_element(stmt.targets[0], field_of)
            if arg is not None and isinstance(stmt.value, ast.Name):
                stored.setdefault(arg, []).append(stmt.value.id)
    factors: dict[str, ast.expr] = {}
    own_load: dict[str, str] = {}
    loaded.update({local: arg for arg, local in inline.names.items()})
    for arg, names in stored.items():
        owns = [local for local, a in loaded.items() if a == arg]
        own = owns[0] if len(owns) == 1 else None
        value = ast.Name(names[0], ast.Load()) if names[0] in loaded else values.get(names[0])
        if len(names) != 1 or own is None or value is None:
            continue
        value = written_out(value, values)
        factor = factor_of(value, own)
        if homogeneous_in(value, own, invariant) and not (isinstance(factor, ast.Constant) and factor.value == 1.0):
            factors[arg], own_load[arg] = factor, own  # (a factor of 1: a value carried, not decayed)
    while factors:  # what the loop keeps must not read a field it no longer decays there
        kept = [inline.visit(copy.deepcopy(stmt)) for stmt in loop.body if not _stores_or_checks(stmt, set(factors))
                and not (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name))]
        read = {n.id for stmt in kept for node in ast.walk(stmt) if isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load) for n in ast.walk(written_out(node, values))
                if isinstance(n, ast.Name)}
        dropped = [arg for arg in factors if own_load[arg] in read]
        if not dropped:
            break
        for arg in dropped:
            del factors[arg]
    return factors


class _InlineLoads(ast.NodeTransformer):
    """``ARG[_obj_i]`` read inside an expression -> a name standing for the field's load (one per field)."""

    def __init__(self, field_of: dict[str, str]) -> None:
        self.field_of, self.names = field_of, {}

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        arg = _at_element(node, self.field_of)
        if arg is None or not isinstance(node.ctx, ast.Load):
            return self.generic_visit(node)
        return ast.Name(self.names.setdefault(arg, f"{arg}[{ELEMENT}]"), ast.Load())


def _mentions(stmts: ast.stmt | list[ast.stmt], args: dict | set) -> bool:
    nodes = stmts if isinstance(stmts, list) else [stmts]
    return any(isinstance(n, ast.Name) and n.id in args for s in nodes for n in ast.walk(s))


def _visit_body(tree: StepTree, stmt: ast.stmt) -> list[ast.stmt] | None:
    """The body of the loop over the synapses of spiking neurons that ``stmt`` is (where the element is bound),
    or None when ``stmt`` is not one (``passes.follow_presynaptic_rows``'s form)."""
    rows = {arg for arg, part in tree.list_args.items() if part in {f"{r}_ptr" for r in ROW_LISTS.values()}}
    if not isinstance(stmt, ast.For):
        return None
    found = []
    for node in ast.walk(stmt):
        binds = isinstance(node, ast.For) and (
            isinstance(node.target, ast.Name) and node.target.id == ELEMENT or
            node.body and isinstance(node.body[0], ast.Assign) and isinstance(node.body[0].targets[0], ast.Name)
            and node.body[0].targets[0].id == ELEMENT)
        if binds:
            found.append(node)
    if len(found) != 1 or not _mentions(found[0].iter, rows):  # a row of the synapses of a neuron that spiked
        return None
    return found[0].body


def _loads_first(body: list[ast.stmt], args: dict) -> int | None:
    """Where the decay goes in ``body``: after its last top-level load of a decayed field, when no statement
    before reads what they load and the fields appear nowhere else but in ``ARG[_obj_i]`` loads and stores."""
    loads = [k for k, s in enumerate(body) if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name)
             and _at_element(s.value, args) is not None]
    at = loads[-1] + 1 if loads else next(
        (k + 1 for k, s in enumerate(body) if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name)
         and s.targets[0].id == ELEMENT), 0)
    locals_ = {body[k].targets[0].id for k in loads}  # type: ignore[attr-defined]
    for k, stmt in enumerate(body[:at]):
        if k not in loads and _mentions(stmt, locals_):
            return None
    allowed = {id(body[k].value) for k in loads}  # type: ignore[attr-defined]
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in args:
                if id(node) in allowed or (isinstance(node.ctx, ast.Store) and _at_element(node, args)):
                    continue
                return None
            if isinstance(node, ast.Name) and node.id in args and not _in_subscript(stmt, node):
                return None
    return at


def _in_subscript(stmt: ast.stmt, name: ast.Name) -> bool:
    return any(isinstance(n, ast.Subscript) and n.value is name for n in ast.walk(stmt))


def _decay_at_loads(tree: StepTree, body: list[ast.stmt], args: list[str], factors: dict[str, str],
                    logs: dict[str, str], tables: dict[str, str], last: str) -> None:
    at = _loads_first(body, dict.fromkeys(args))
    assert at is not None
    local = {}
    for stmt in body[:at]:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            arg = _at_element(stmt.value, dict.fromkeys(args))
            if arg is not None:
                local[arg] = stmt.targets[0].id
    steps = tree.names.fresh("_decay_k")
    new = [f"{steps} = {_STEP} - {last}[{ELEMENT}]"]
    for arg in args:
        if arg not in local:
            local[arg] = tree.names.fresh(f"_decay_{tree.row_args[arg][1]}")
            new.append(f"{local[arg]} = {arg}[{ELEMENT}]")
        power = ast.unparse(expression(POWER, T=tables[arg], L=logs[arg], K=steps, F=factors[arg]))
        new.append(f"{local[arg]} = {local[arg]} * ({power})")
        new.append(f"{arg}[{ELEMENT}] = {local[arg]}")
    new.append(f"{last}[{ELEMENT}] = {_STEP}")
    where = origin(body[at - 1]) if at else None
    body[at:at] = located(ast.parse("\n".join(new)).body, where)


def _stores(stmt: ast.stmt) -> bool:
    return any(isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) for n in ast.walk(stmt))


def _stores_or_checks(stmt: ast.stmt, args: set[str]) -> bool:
    """``ARG[_obj_i] = ...`` of a decayed field, or the safe mode's check of one."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _at_element(stmt.targets[0], args):
        return True
    if not (isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == FLAG):
        return False
    checked = {n.value.id for n in ast.walk(stmt.value) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)}
    return bool(checked) and checked <= args


DECAY_AT_EVENTS = Pass("decay traces at the visits", _run,
                       applies=lambda tree: tree.scalar and bool(tree.inputs.decay_fields))
