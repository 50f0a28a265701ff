"""The element loop split in two: its leading straight-line arithmetic first, for every element, then the rest.

A synapse step integrates its own state at every step and then acts on a spike::

    for _obj_i in range(n):                         for _obj_i in range(n):
        _pre_i = _pre_global[_obj_i]                    s = ST_s[_obj_i]
        _post_i = _post_global[_obj_i]                  ST_s[_obj_i] = s + _dt * (-s * _inv_tau)
        s = ST_s[_obj_i]                                _nonfinite |= ... != 0.0
        ST_s[_obj_i] = s + _dt * (-s * _inv_tau)  ->  for _obj_i in range(n):
        _nonfinite |= ... != 0.0                        _pre_i = _pre_global[_obj_i]
        if pre_spike[_pre_i] > 0.0:                     _post_i = _post_global[_obj_i]
            post_g[_post_i] += ST_w[_obj_i]             if pre_spike[_pre_i] > 0.0:
                                                            post_g[_post_i] += ST_w[_obj_i]

In one loop the branch and the scatter into ``post_g`` keep LLVM from vectorizing anything, so the
integration and the safe mode's finiteness test of what it stores run one element at a time. Split off,
the leading part is a loop of loads, arithmetic and stores of the element's own fields that runs on
SIMD lanes, with its finiteness test reduced in the vector registers (about 40 % less time for the
synapse step of Brunel & Wang's network, on a loaded machine).

What the rest reads of the leading part's locals it computes again when that is cheap (a load, a
comparison: ``_taken = ST_V[_obj_i] > V_th`` of a neuron's threshold) and the arrays read hold the same
values at the start of the rest. A float that costs more (an integrated trace the rest changes at a spike
and then stores, ``ST_Apre[_obj_i] = Apre``) waits in the field it is stored into: the leading part stores
it there and the rest loads it, when the rest stores that field before anything else reads it, on every
path (no ``continue`` before), the field is float64 (float32 would round it), and no load the rest makes
again reads that field (it would find the new value where the whole loop found the old one: Wang and
Buzsaki's V step reads h and n before their integrated values are stored). Otherwise the leading part ends
before the local is bound.

The result is the same: element ``j``'s leading part now runs before the rest of elements ``i < j``, which
is exact when the two parts share no memory but the element's own fields: the leading part stores only
``X[_obj_i]`` of the step's own state, which the rest reads only at ``_obj_i``, and nothing the leading
part reads can be written by the rest (stores, or arrays passed to calls, compared by field, since the
``pre`` and ``post`` sides may be one group). A rest that leaves the loop (``break``, ``return``,
``raise``) or a leading part that draws random numbers or calls anything but pure functions keeps the
loop whole. The safe mode's ``_nonfinite |= ...`` is an ``or``, which does not care about the order (a name
only ever or-ed into is not a value carried between the parts).

Compiled for the CPU only (plain Python runs two loops slower than one; the GPU runs one thread per
element).
"""

from __future__ import annotations

import ast
import copy

import numpy as np

from bp_core import profile
from bp_core.codegen.loop_facts import (
    ELEMENT,
    array_of,
    assigned,
    at_element,
    binds_float,
    leaves_loop,
    or_update,
    parents_of,
    straight_line,
    written_arrays,
)
from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["SPLIT_ELEMENT_LOOP", "split_element_loop"]

def split_element_loop(loop: ast.For, memory: dict[str, str], own: set[str], spill: bool = True,
                       decaying: frozenset[str] = frozenset()) -> list[ast.stmt] | None:
    """``loop`` as two loops (its longest leading part that may run first for every element, then the
    rest), or None when no such split exists.

    Parameters
    ----------
    loop : ast.For
        ``for _obj_i in range(...)``.
    memory : dict
        Array argument -> a key naming its memory: two arguments with one key may be one array.
    own : set of str
        Array arguments holding a field of the step's own state (the leading part may store into these).
    spill : bool
        Whether a float local may be carried from the leading part to the rest through the element's own
        field that the rest then stores it into (float64 fields: a float32 one would round it).
    decaying : frozenset of str
        Field arguments the step may decay at its synapses' visits (``passes.decay_at_events``): a value read
        of one is carried through its field even when computing it again would cost one operation, so the
        leading part is there to decay.
    """
    body = loop.body
    simple = 0
    while simple < len(body) and straight_line(body[simple]):
        simple += 1
    if simple == len(body):
        return None  # nothing to split off
    for k in range(simple, 0, -1):
        found = _split_at(body[:k], body[k:], memory, own, spill, decaying)
        if found is not None:
            spills, again = found
            first, rest = _pruned(body[:k] + spills, again), again + body[k:]
            if not first:
                return None
            head = ast.For(loop.target, loop.iter, first, [], None)
            tail = ast.For(copy.deepcopy(loop.target), copy.deepcopy(loop.iter), rest, [], None)
            return located([ast.copy_location(head, loop), ast.copy_location(tail, loop)], origin(loop))
    return None


def _split_at(first: list[ast.stmt], rest: list[ast.stmt], memory: dict[str, str], own: set[str], spill: bool,
              decaying: frozenset[str] = frozenset()) -> tuple[list[ast.stmt], list[ast.stmt]] | None:
    """The stores that end the leading part (spills) and the statements that start the rest (binding again the
    locals it reads of ``first``); None if not exact."""
    loop_nodes = [n for s in first + rest for n in ast.walk(s)]
    parents = parents_of(loop_nodes)
    # the step's own fields that every statement reads and writes only at the element: element i's part of
    # them is touched by iteration i alone, whose leading part runs before its rest in either order
    local_rows = {a for a in own if all(at_element(n, parents) for n in loop_nodes
                                        if isinstance(n, ast.Name) and n.id == a)}
    stored = {array_of(t) for s in first for t in assigned(s) if isinstance(t, ast.Subscript)}
    if not stored <= local_rows:
        return None
    rest_nodes = [n for s in rest for n in ast.walk(s)]
    if any(isinstance(n, (ast.Return, ast.Raise, ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal))
           for n in rest_nodes) or leaves_loop(rest):
        return None
    # names only ever or-ed into (the safe mode's ``_nonfinite``) gather the same in any order
    ored = {n.id for n in loop_nodes if isinstance(n, ast.Name) and or_update(n, parents)}
    ored -= {n.id for n in loop_nodes if isinstance(n, ast.Name) and not or_update(n, parents)}
    private = {memory.get(a, a) for a in local_rows}
    written = {memory.get(name, name) for name in written_arrays(rest)} - private
    read = {memory.get(array_of(n), array_of(n)) for s in first for n in ast.walk(s)
            if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load)}
    if written & read:
        return None
    first_locals = {n.id for s in first for n in ast.walk(s) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Store)} - ored
    rest_locals = {n.id for n in rest_nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} - ored
    if any(_read_before_bound(first, name) for name in rest_locals):
        return None  # a value carried from one element's rest into the next element's leading part
    needed = {n.id for n in rest_nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} & first_locals
    again = _recomputed(first, written, memory, first_locals)
    cheap = {name for name in again if _cost(first, again, name) == 0 or _cost(first, again, name) == 1 and not any(
        isinstance(n, ast.Name) and n.id in decaying for n in ast.walk(first[again[name]].value))}
    spills, reloads = [], []
    for name in sorted(needed - cheap):
        row = _spill_row(name, first, rest, local_rows - stored, spill) if binds_float(name, first, local_rows) \
            else None
        if row is None:
            if name not in again:
                return None
            continue  # computed again
        spills.append(ast.parse(f"{row}[{ELEMENT}] = {name}").body[0])
        reloads.append(ast.parse(f"{name} = {row}[{ELEMENT}]").body[0])
        stored.add(row)
    spilled = {s.targets[0].id for s in reloads}
    wanted: set[str] = set()
    todo = list(needed - spilled)
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo.extend(n.id for n in ast.walk(first[again[name]].value) if isinstance(n, ast.Name) and n.id in again
                        and n.id not in spilled)
    if not stored or any(name not in again for name in wanted):
        return None
    # a load the rest makes again must find the value the whole loop's load found: a spill stores the
    # element's new value into a field a recomputed statement loads the old value of (Wang-Buzsaki's V step
    # reads h and n, whose integrated values wait in ST_h and ST_n)
    rows = {memory.get(array_of(s.targets[0]), array_of(s.targets[0])) for s in spills}
    if any(isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and memory.get(array_of(n), array_of(n)) in rows
           for name in wanted for n in ast.walk(first[again[name]].value)):
        return None
    return spills, reloads + [copy.deepcopy(first[k]) for k in sorted(again[name] for name in wanted)]


def _read_before_bound(first: list[ast.stmt], name: str) -> bool:
    """Whether straight-line ``first`` reads ``name`` before it binds it."""
    for stmt in first:
        targets = assigned(stmt)
        reads = [stmt.value] + [t.slice for t in targets if isinstance(t, ast.Subscript)]
        loads = {n.id for r in reads for n in ast.walk(r) if isinstance(n, ast.Name)}
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            loads.add(stmt.target.id)
        if name in loads:
            return True
        if any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t)):
            return False
    return False


def _recomputed(first: list[ast.stmt], written: set[str], memory: dict[str, str], first_locals: set[str]
                ) -> dict[str, int]:
    """The locals of ``first`` the rest may compute again, and the statement binding each.

    A local is computed again when ``first`` binds it once, with arithmetic of ``_obj_i``, names the loop does
    not bind, locals computed again themselves, and elements of arrays that hold the same value at the start
    of the rest: not written by the rest (the element's own fields aside: the rest of this element has not
    run yet), and not stored by ``first`` after the binding.
    """
    bindings = {name: [k for k, stmt in enumerate(first) for t in assigned(stmt) for n in ast.walk(t)
                       if isinstance(n, ast.Name) and n.id == name] for name in first_locals}
    again: dict[str, int] = {}
    for k, stmt in enumerate(first):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        name = stmt.targets[0].id
        if bindings.get(name) != [k]:
            continue
        later = {memory.get(array_of(t), array_of(t)) for s in first[k + 1:] for t in assigned(s)
                 if isinstance(t, ast.Subscript)}
        ok = True
        for node in ast.walk(stmt.value):
            if isinstance(node, ast.Name) and node.id in first_locals and node.id not in again:
                ok = False
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                key = memory.get(node.value.id, node.value.id)
                if key in later or key in written:
                    ok = False
        if ok:
            again[name] = k
    return again


def _cost(first: list[ast.stmt], again: dict[str, int], name: str) -> int:
    """The operations (arithmetic, calls) of computing ``name`` again, with the locals it reads."""
    seen, todo, cost = set(), [name], 0
    while todo:
        local = todo.pop()
        if local in seen:
            continue
        seen.add(local)
        value = first[again[local]].value
        cost += sum(isinstance(n, (ast.BinOp, ast.Call)) for n in ast.walk(value))
        todo.extend(n.id for n in ast.walk(value) if isinstance(n, ast.Name) and n.id in again)
    return cost


def _spill_row(name: str, first: list[ast.stmt], rest: list[ast.stmt], rows: set[str], spill: bool) -> str | None:
    """An own field the rest stores ``name`` into (``X[_obj_i] = name``) before anything else reads or writes
    it, with no way round that store: ``name`` may wait there between the parts. None if there is none."""
    if not spill:
        return None
    for k, stmt in enumerate(rest):
        touched = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)} & rows
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
                and isinstance(stmt.value, ast.Name) and stmt.value.id == name and array_of(stmt.targets[0]) in rows \
                and touched == {array_of(stmt.targets[0])}:
            row = array_of(stmt.targets[0])
            before = [n for s in rest[:k] for n in ast.walk(s)]
            if not any(isinstance(n, ast.Continue) or isinstance(n, ast.Name) and n.id == row for n in before):
                return row
    return None


def _pruned(first: list[ast.stmt], again: list[ast.stmt]) -> list[ast.stmt]:
    """``first`` without the locals it binds but does not read itself (index loads, a branch's condition): the
    rest binds those it reads again."""
    out = list(first)
    again_names = {stmt.targets[0].id for stmt in again}
    changed = True
    while changed:
        changed = False
        for stmt in list(out):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                    and (_reload(stmt) or stmt.targets[0].id in again_names):
                name = stmt.targets[0].id
                later = out[out.index(stmt) + 1:]
                if not any(isinstance(n, ast.Name) and n.id == name for s in later for n in ast.walk(s)):
                    out.remove(stmt)
                    changed = True
    # worth a loop of its own: it stores a computed value (not only a constant, as ``ST_spike[_obj_i] = 0.0``)
    computes = any(isinstance(t, ast.Subscript) for s in out for t in assigned(s)) and \
        any(isinstance(n, (ast.BinOp, ast.Call)) for s in out if not _is_flag_update(s) for n in ast.walk(s.value))
    return out if computes else []


def _is_flag_update(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and isinstance(stmt.op, ast.BitOr)


def _reload(stmt: ast.stmt) -> bool:
    """Whether ``stmt`` is ``name = array[_obj_i]``."""
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
        isinstance(stmt.value, ast.Subscript) and isinstance(stmt.value.value, ast.Name) and \
        isinstance(stmt.value.slice, ast.Name) and stmt.value.slice.id == ELEMENT


def _run(tree: StepTree) -> None:
    memory = {}
    for arg, (state, key) in tree.row_args.items():
        # the pre and post sides may be one group (or a group and its subgroup): one key per field
        memory[arg] = f"{state}:{key}" if state == "ST" else f"side:{key}"
    own = {arg for arg, (state, _) in tree.row_args.items() if state == "ST"}
    states = set(tree.inputs.states)
    body = []
    for stmt in tree.body:
        split = None
        if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and stmt.target.id == ELEMENT and \
                isinstance(stmt.iter, ast.Call) and isinstance(stmt.iter.func, ast.Name) and \
                stmt.iter.func.id == "range" and not stmt.orelse:
            nodes = list(ast.walk(stmt))
            parents = parents_of(nodes)
            # a whole state read otherwise than for its shape may alias any of its fields
            whole = any(isinstance(n, ast.Name) and n.id in states and not (
                isinstance(parents.get(id(n)), ast.Attribute) and parents[id(n)].attr == "shape") for n in nodes)
            if not whole:
                decaying = frozenset(arg for arg, (state, key) in tree.row_args.items()
                                     if state == "ST" and key in tree.inputs.decay_fields)
                split = split_element_loop(stmt, memory, own, np.dtype(tree.inputs.float_type) == np.float64,
                                           decaying)
        body.extend(split or [stmt])
    tree.body = body


def _applies(tree: StepTree) -> bool:
    # a step indexing user data is bounds checked: a failure is replayed from the state the compiled
    # step left, which should be what one loop leaves
    return tree.scalar and not tree.parallel and not tree.indexes_user_data and profile.is_jit() and \
        not profile.run_on_gpu()


SPLIT_ELEMENT_LOOP = Pass("split the element loop", _run, applies=_applies)
