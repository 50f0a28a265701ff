"""A loop over synapses that acts only where the presynaptic neuron spiked visits only those synapses.

After the element loop is split (``passes.split_loop``), a synapse step's second loop often does nothing
unless the synapse's presynaptic neuron spiked::

    for _obj_i in range(ST.shape[1]):
        _pre_i = _pre_global[_obj_i]
        _post_i = _post_global[_obj_i]
        if pre_spike[_pre_i] > 0.0:
            ST_x[_obj_i] += 1.0
            post_s_AMPA[_post_i] += ST_w[_obj_i]

It reads three numbers per synapse each step for the few synapses whose neuron spiked. When the synapses
are ordered by presynaptic element (``StepInputs.rows``; ``simulation.element_rows``), the synapses of
element ``p`` are ``range(_pre_rows[p], _pre_rows[p + 1])``, and the loop visits only the rows of the
elements that spiked: those of the kernel's list of this step's events when it holds one
(``passes.follow_event_lists``), else those of the nonzero elements of the row::

    for _e in range(_events_pre_spike_lo, _events_pre_spike_hi):
        _src = _events_pre_spike[_e]
        for _obj_i in range(_pre_rows[_src], _pre_rows[_src + 1]):
            ...the loop's body, its test included...

The list is in ascending order, so the synapses are visited in ascending order too: every synapse whose test
holds runs the body in the order of the whole loop, and the result is the same bit for bit.

When the synapses are not ordered by presynaptic element (``StepInputs.row_orders``: an ``(i, j)`` list given by
hand, permuted, read from a file), element ``p``'s synapses are ``_pre_rows_idx[_pre_rows_ptr[p]:...[p + 1]]``,
each row in increasing index but the rows interleaved. A body whose visits are independent (each writes only its
own synapse's fields, ``analyses.element_local``) gives the same state in any order and follows the rows as
they are. One that may add into a shared target (``post['g'] += ST['w']``) must visit in the whole loop's
order: the synapses of the spiking elements are counted, gathered and sorted, and visited in increasing index;
when sorting them would cost more than the whole loop (``_SORT_COST``), the whole loop runs.

The rewrite is exact when

- the body is index loads and arithmetic of locals (nothing that calls, draws or stores), then one ``if`` with
  no ``else`` whose test is the presynaptic element's field compared so that it holds only where the field is
  not zero (``> 0.``, ``!= 0``, the bare field), alone or as one operand of an ``and``;
- the step writes no field of that name, on any side (pre and post may be one group), hands no whole state on,
  and never leaves the loop from the ``if`` (``break``, ``return``);
- no name the loop binds before the ``if`` is read after the loop, outside other element loops.

A test of the postsynaptic element's field (an STDP rule's ``if post['spike'] > 0.``) follows the rows of the
postsynaptic elements the same way (``_post_rows``; ``passes.split_event_branches`` gives a loop with one test
of each side a loop per test).

The CPU targets only (the GPU runs one thread per synapse), a loop that is not parallel, a step that indexes
nothing but generated indices.
"""

from __future__ import annotations

import ast
import copy

from bp_core import profile
from bp_core.codegen.event_scans import EventScan, element_test, implies_nonzero
from bp_core.codegen.loop_facts import (ELEMENT, arithmetic, array_of, at_element, leaves_loop, or_update, parents_of,
                                        written_arrays)
from bp_core.codegen.passes.follow_event_lists import event_argument
from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["FOLLOW_PRESYNAPTIC_ROWS", "ROW_LISTS", "guarded_field"]

ROW_LISTS = {"pre": "_pre_rows", "post": "_post_rows"}
"""Each side's compressed rows (``_pre_rows_ptr``) bounding each of its elements' range of synapses."""

_INDICES = {"pre": ("_pre_i", "_pre_global[_obj_i]"), "post": ("_post_i", "_post_global[_obj_i]")}


def _run(tree: StepTree) -> None:
    function = ast.Module(body=tree.statements(), type_ignores=[])
    body = []
    for stmt in tree.body:
        found = guarded_field(tree, function, stmt)
        body.extend(_rewritten(tree, stmt, found, _any_order(tree, function, stmt)) if found is not None
                    else [stmt])
    tree.body = body


def guarded_field(tree: StepTree, function: ast.Module, loop: ast.stmt) -> str | None:
    """The field's argument (``pre_spike``, ``post_spike``) of a side with rows whose test guards all the work
    of element loop ``loop`` in ``function``; None when the loop is not one the rewrite keeps exact."""
    inputs = tree.inputs
    if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and loop.target.id == ELEMENT and
            not loop.orelse and
            ast.dump(loop.iter) == ast.dump(ast.parse(f"range({inputs.loop_size})", mode="eval").body)):
        return None
    *prefix, last = loop.body
    if not isinstance(last, ast.If) or last.orelse:
        return None
    bound: dict[str, ast.expr] = {}
    for stmt in prefix:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and _pure(stmt.value)):
            return None
        bound[stmt.targets[0].id] = stmt.value
    tests = last.test.values if isinstance(last.test, ast.BoolOp) and isinstance(last.test.op, ast.And) \
        else [last.test]
    if not all(_pure(t) for t in tests):
        return None
    guard = side = None
    for test in tests:
        for side in sorted(inputs.rows):
            index, value = _INDICES[side]
            if inputs.scalar_indices.get(index) != value:
                continue
            for name in (n for n, v in bound.items() if ast.unparse(v) == value):
                match = element_test(test, name)
                if match is not None and isinstance(match[0], ast.Name) and \
                        tree.row_args.get(match[0].id, ("", ""))[0] == side and \
                        implies_nonzero(EventScan(match[0], match[1], match[2], ast.Constant(0))):
                    guard = match[0].id
                    break
            if guard is not None:
                break
        if guard is not None:
            break
    if guard is None or leaves_loop(last.body) or \
            any(isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom)) for n in ast.walk(loop)):
        return None
    key = tree.row_args[guard][1]
    if any(field == key for _, field in tree.written_fields):
        return None  # pre and post may be one group: a write to post's field may change what the test reads
    written = written_arrays(function.body)
    if written & (set(inputs.states) | {guard, f"_{side}_global"} |
                  {arg for arg, (_, field) in tree.row_args.items() if field == key}):
        return None
    if any(_read_outside(function, loop, name) for name in set(bound) | {ELEMENT}):
        return None
    return guard


def _any_order(tree: StepTree, function: ast.Module, loop: ast.For) -> bool:
    """Whether visiting the synapses of ``loop`` in any order leaves the same state: every visit writes only its
    own synapse's fields and locals and reads no other synapse's (``analyses.element_local`` of the whole step,
    or of this loop where the step writes elsewhere too, as a loop a spike test split off may), and no local
    it sets is read after the loop but flags it only ``|=``-updates (an or of truth values is the same in any
    order)."""
    own = {arg for arg, (state, _) in tree.row_args.items() if state == "ST"}
    parents = parents_of([n for n in ast.walk(loop)])
    if any(isinstance(n, ast.Subscript) and not isinstance(n.ctx, ast.Load) and
           not (array_of(n) in own and at_element(n.value, parents)) for n in ast.walk(loop)):
        return False  # a store into memory other visits may read (the loop's own test, once split, or not)
    if not tree.element_local and any(isinstance(n, ast.Subscript) and array_of(n) in own and
                                      not at_element(n.value, parents) or
                                      isinstance(n, ast.Call) and not arithmetic(n)
                                      for s in loop.body for n in ast.walk(s)):
        return False  # another synapse's field read, or a call that may write anything
    stored = {n.id for n in ast.walk(loop) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
              and not or_update(n, parents)}
    return not any(_read_outside(function, loop, name) for name in stored)


def _pure(node: ast.expr) -> bool:
    """Arithmetic that reads but calls nothing (an index load skipped for a synapse changes nothing)."""
    return arithmetic(node) and not any(isinstance(n, ast.Call) for n in ast.walk(node))


def _read_outside(function: ast.Module, loop: ast.For, name: str) -> bool:
    """Whether ``name`` appears outside ``loop`` elsewhere than in another element loop (which binds its own)."""
    inside = {id(n) for n in ast.walk(loop)}
    for other in ast.walk(function):
        if other is not loop and isinstance(other, ast.For) and isinstance(other.target, ast.Name) and \
                other.target.id == ELEMENT:
            inside |= {id(n) for n in ast.walk(other)}
    return any(isinstance(n, ast.Name) and n.id == name and id(n) not in inside for n in ast.walk(function))


def _rewritten(tree: StepTree, loop: ast.For, guard: str, any_order: bool) -> list[ast.stmt]:
    names = tree.names
    side = tree.row_args[guard][0]
    rows = tree.list_argument(ROW_LISTS[side], "ptr")
    src = names.fresh("_src")
    if side not in tree.inputs.row_orders:
        inner = ast.parse(f"for {ELEMENT} in range({rows}[{src}], {rows}[{src} + 1]):\n    pass").body[0]
        inner.body = _in_row(loop.body, side, src)
        return located([ast.copy_location(_each_source(tree, guard, src, [inner]), loop)], origin(loop))
    order, r = tree.list_argument(ROW_LISTS[side], "idx"), names.fresh("_r")
    if any_order:
        inner = ast.parse(f"for {r} in range({rows}[{src}], {rows}[{src} + 1]):\n"
                          f"    {ELEMENT} = {order}[{r}]").body[0]
        inner.body.extend(_in_row(loop.body, side, src))
        return located([ast.copy_location(_each_source(tree, guard, src, [inner]), loop)], origin(loop))
    # visits may add into one target: the spiking neurons' synapses in increasing index, as the whole loop
    # visits them, when sorting them costs less than that loop
    count, visits, v = names.fresh("_n_visits"), names.fresh("_visits"), names.fresh("_v")
    counted = ast.parse(f"{count} += {rows}[{src} + 1] - {rows}[{src}]").body
    gathered = ast.parse(f"for {r} in range({rows}[{src}], {rows}[{src} + 1]):\n"
                         f"    {visits}[{count}] = {order}[{r}]\n    {count} += 1").body
    chosen = ast.parse(f"if {count} * {_SORT_COST} <= {tree.inputs.loop_size}:\n"
                       f"    {visits} = np.empty({count}, np.int64)\n    {count} = 0\n    pass\n"
                       f"    {visits}.sort()\n"
                       f"    for {v} in range({count}):\n        {ELEMENT} = {visits}[{v}]").body[0]
    chosen.body[2] = _each_source(tree, guard, src, gathered)
    chosen.body[-1].body.extend(copy.deepcopy(loop.body))
    chosen.orelse = [copy.deepcopy(loop)]
    statements = [*ast.parse(f"{count} = 0").body, _each_source(tree, guard, src, counted), chosen]
    return located([ast.copy_location(s, loop) for s in statements], origin(loop))


def _in_row(body: list[ast.stmt], side: str, src: str) -> list[ast.stmt]:
    """A copy of ``body`` for the synapses of element ``src``'s row, which read that element as ``src``: each of
    them is element ``src`` of that side (``simulation.element_rows``), and the row's postsynaptic element is
    then one number, not a load through each synapse's index (a random one when the rows are not in order)."""
    index, value = _INDICES[side]
    out = copy.deepcopy(body)
    for stmt in out:
        if isinstance(stmt, ast.Assign) and ast.unparse(stmt) == f"{index} = {value}":
            stmt.value = ast.Name(src, ast.Load())
    return out


_SORT_COST = 24
"""Gathering, sorting and visiting a synapse costs about this many times a synapse of the whole loop (its load,
load and test): 4,000 neurons, 320,000 shuffled synapses, the two broke even near 14,000 visits a step
(``benchmarks/unsorted_rows.py``, CPU seconds on a loaded machine)."""


def _each_source(tree: StepTree, guard: str, src: str, body: list[ast.stmt]) -> ast.For:
    """A loop running ``body`` for each presynaptic element ``src`` whose field ``guard`` is not zero: those of
    the kernel's list of this step's events when it holds one, else those of a scan of the row."""
    state, key = tree.row_args[guard]
    if (state, key) in tree.inputs.event_fields:
        events, lo, hi = (event_argument(tree, guard, part) for part in ("index", "lo", "hi"))
        e = tree.names.fresh("_e")
        outer = ast.parse(f"for {e} in range({lo}, {hi}):\n    {src} = {events}[{e}]").body[0]
        outer.body.extend(body)
    else:
        rows = tree.list_argument(ROW_LISTS[tree.row_args[guard][0]], "ptr")
        outer = ast.parse(f"for {src} in range({rows}.shape[0] - 1):\n"
                          f"    if {guard}[{src}] != 0:\n        pass").body[0]
        outer.body[0].body = body
    return outer


def _applies(tree: StepTree) -> bool:
    return tree.scalar and bool(tree.inputs.rows) and not tree.parallel and not tree.indexes_user_data and \
        not profile.run_on_gpu()


FOLLOW_PRESYNAPTIC_ROWS = Pass("visit the synapses of spiking neurons", _run, applies=_applies)
