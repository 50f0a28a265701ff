"""A synapse loop that acts at a presynaptic and at a postsynaptic spike split into one loop per spike test.

A plasticity rule written as the spec writes it integrates its traces for every synapse and acts on each side's
spike. Once its leading arithmetic is split off (``passes.split_loop``), the rest of the loop is::

    for _obj_i in range(n):
        Apre = ST_Apre[_obj_i]
        w = ST_w[_obj_i]
        _pre_i = _pre_global[_obj_i]
        _post_i = _post_global[_obj_i]
        if pre_spike[_pre_i] > 0.0:
            post_input[_post_i] += w
            Apre += dApre
            w = min(max(w + Apost, 0.0), gmax)
        if post_spike[_post_i] > 0.0:
            w = min(max(w + Apre, 0.0), gmax)
        ST_Apre[_obj_i] = Apre
        ST_w[_obj_i] = w
        _nonfinite |= Apre * 0.0 + w * 0.0 != 0.0

Where no test holds, the stores write back what was loaded: they belong in the branches. With them there, the
loop becomes one loop per test, each the whole of its work under one test of one side's field::

    for _obj_i in range(n):                          for _obj_i in range(n):
        ...the loads...                                  ...the loads...
        if pre_spike[_pre_i] > 0.0:                      if post_spike[_post_i] > 0.0:
            ...its work...                                   ...its work...
            ST_Apre[_obj_i] = Apre                           ST_w[_obj_i] = w
            ST_w[_obj_i] = w                                 _nonfinite |= ...
            _nonfinite |= ...

which ``passes.follow_presynaptic_rows`` then turns into visits of the rows of the neurons that spiked, on
each side: the loop's cost follows the spikes, as an event-driven rule's does, and the traces' decay stays the
vectorised leading loop the user wrote.

The state is the same bit for bit: each synapse still runs its branches in the order written, on the values
the earlier ones stored, and a branch of one synapse moves past branches of others only when they share no
memory but their own synapse's fields (compared by field name, since ``pre`` and ``post`` may be one group).
So the split is kept only when

- the loop is loads and arithmetic of locals (nothing that calls, draws or stores), then tests without
  ``else`` whose bodies assign arithmetic (no call but pure functions, no ``break``, ``continue``, ``return``),
  then stores of loaded locals back into their fields and the safe mode's ``|=`` checks of them;
- a local a branch sets and a later branch reads is one that goes back to its field;
- what one branch writes, other than its own synapse's fields at ``_obj_i``, no other branch reads or writes;
- every loop it makes is one ``passes.follow_presynaptic_rows`` follows (else the whole loop stays).

A check that the safe mode made at the stores now runs only where a test held; a value the step's leading loop
stored this step (an integrated trace) is then checked there, where the loop runs on SIMD lanes.
"""

from __future__ import annotations

import ast
import copy

from bp_core.codegen.loop_facts import ELEMENT, arithmetic, assigned, leaves_loop, parents_of
from bp_core.codegen.passes.fold_finite import FLAG
from bp_core.codegen.passes.follow_presynaptic_rows import FOLLOW_PRESYNAPTIC_ROWS, guarded_field
from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["SPLIT_EVENT_BRANCHES"]


def _run(tree: StepTree) -> None:
    function = ast.Module(body=tree.statements(), type_ignores=[])
    body: list[ast.stmt] = []
    for stmt in tree.body:
        split = _split(tree, function, stmt)
        if split is None:
            body.append(stmt)
            continue
        loops, checks = split
        for field, flag in checks:  # what the stores' checks no longer see for every synapse
            for earlier in body:
                _check_stores(earlier, field, flag)
        body.extend(located([ast.copy_location(loop, stmt) for loop in loops], origin(stmt)))
    tree.body = body


def _split(tree: StepTree, function: ast.Module, loop: ast.stmt
           ) -> tuple[list[ast.For], list[tuple[str, str]]] | None:
    """The loops ``loop`` splits into and the ``(field, flag)`` checks its earlier loops must take over; None
    when it stays whole."""
    if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and loop.target.id == ELEMENT and
            not loop.orelse):
        return None
    parts = _parts(loop.body)
    if parts is None:
        return None
    prefix, branches, stores, flags = parts
    if len(branches) < 2 and not stores:
        return None  # already one test guarding all the work, or nothing to follow
    loaded = {s.targets[0].id: ast.unparse(s.value) for s in prefix}
    kept = {}  # local -> the field it was loaded from and goes back to
    for store in stores:
        target, value = store.targets[0], store.value
        if not (isinstance(value, ast.Name) and loaded.get(value.id) == ast.unparse(target) and
                tree.row_args.get(target.value.id, ("", ""))[0] == "ST"):
            return None
        kept[value.id] = target.value.id
    if any(n.id not in kept for f in flags for n in ast.walk(f.value) if isinstance(n, ast.Name)):
        return None
    if not _independent(tree, prefix, branches, set(kept)):
        return None
    loops = []
    for branch in branches:
        changed = {t.id for n in ast.walk(branch) if isinstance(n, ast.stmt)
                   for t in assigned(n) if isinstance(t, ast.Name)}
        own = [copy.deepcopy(s) for s in stores if s.value.id in changed]
        work = copy.deepcopy(branch)
        work.body.extend(own + ([copy.deepcopy(f) for f in flags] if own else []))
        new = ast.For(target=copy.deepcopy(loop.target), iter=copy.deepcopy(loop.iter),
                      body=[copy.deepcopy(s) for s in prefix] + [work], orelse=[], type_comment=None)
        if guarded_field(tree, function, new) is None:
            return None
        loops.append(new)
    checks = [(kept[n.id], f.target.id) for f in flags for n in ast.walk(f.value) if isinstance(n, ast.Name)]
    return loops, list(dict.fromkeys(checks))


def _parts(body: list[ast.stmt]) -> tuple[list, list, list, list] | None:
    """``body`` as its leading loads of locals, its tests, its stores of locals at ``_obj_i`` and its ``|=``
    checks; None when it is not of that shape."""
    i = 0
    prefix, branches, stores, flags = [], [], [], []
    while i < len(body) and isinstance(body[i], ast.Assign) and len(body[i].targets) == 1 and \
            isinstance(body[i].targets[0], ast.Name) and arithmetic(body[i].value) and \
            not any(isinstance(n, ast.Call) for n in ast.walk(body[i].value)):
        prefix.append(body[i])
        i += 1
    while i < len(body) and isinstance(body[i], ast.If) and not body[i].orelse:
        branches.append(body[i])
        i += 1
    for stmt in body[i:]:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
                and isinstance(stmt.targets[0].value, ast.Name) and isinstance(stmt.targets[0].slice, ast.Name) \
                and stmt.targets[0].slice.id == ELEMENT:
            stores.append(stmt)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.BitOr) and \
                isinstance(stmt.target, ast.Name) and stmt.target.id == FLAG and arithmetic(stmt.value):
            flags.append(stmt)
        else:
            return None
    if not branches or len({s.targets[0].id for s in prefix}) < len(prefix):
        return None
    if any(not _plain(b) for b in branches):
        return None
    return prefix, branches, stores, flags


def _plain(branch: ast.If) -> bool:
    """Assignments of arithmetic under tests of arithmetic, and nothing that leaves the loop."""
    for stmt in [branch, *(n for n in ast.walk(branch) if isinstance(n, ast.stmt) and n is not branch)]:
        if isinstance(stmt, ast.If):
            if not arithmetic(stmt.test):
                return False
        elif not (isinstance(stmt, (ast.Assign, ast.AugAssign)) and arithmetic(stmt.value) and
                  all(isinstance(t, (ast.Name, ast.Subscript)) for t in assigned(stmt))):
            return False
    return not leaves_loop(branch.body)


def _independent(tree: StepTree, prefix: list[ast.stmt], branches: list[ast.If], kept: set[str]) -> bool:
    """Whether running each branch for every synapse in turn gives what running them all per synapse gives."""
    set_before: set[str] = set()
    accesses = []
    for branch in branches:
        nodes = list(ast.walk(branch))
        reads = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if (set_before & reads) - kept:
            return False  # a local carried from an earlier branch that the split loops would not carry
        set_before |= {n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        accesses.append(_memory(tree, [*prefix, branch]))
        if accesses[-1] is None:
            return False
    for k, (reads_k, writes_k) in enumerate(accesses):
        for m, (reads_m, writes_m) in enumerate(accesses):
            if k != m and writes_k & (reads_m | writes_m):
                return False
    return True


def _memory(tree: StepTree, statements: list[ast.stmt]) -> tuple[set[str], set[str]] | None:
    """The memory ``statements`` read and write, other than their own synapse's fields at ``_obj_i``, each
    named by field for the sides' rows (``pre`` and ``post`` may be one group); None when an own field is used
    elsewhere than at ``_obj_i`` or a side's row otherwise than indexed."""
    nodes = [n for s in statements for n in ast.walk(s)]
    parents = parents_of(nodes)
    reads: set[str] = set()
    writes: set[str] = set()
    for node in nodes:
        if not isinstance(node, ast.Name):
            continue
        parent = parents.get(id(node))
        indexed = isinstance(parent, ast.Subscript) and parent.value is node
        if node.id not in tree.row_args:
            if indexed:  # another array (index lists, data the step requires): by its own name
                (reads if isinstance(parent.ctx, ast.Load) else writes).add(node.id)
            continue
        state, field = tree.row_args[node.id]
        if not indexed:
            return None
        if state == "ST":
            if not (isinstance(parent.slice, ast.Name) and parent.slice.id == ELEMENT):
                return None
            continue
        (reads if isinstance(parent.ctx, ast.Load) else writes).add(field)
    return reads, writes


def _check_stores(loop: ast.stmt, field: str, flag: str) -> None:
    """After each store of ``loop`` (an earlier element loop) into ``field[_obj_i]``, or its finiteness into
    ``flag``."""
    if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and loop.target.id == ELEMENT):
        return
    for node in [n for n in ast.walk(loop) if isinstance(n, (ast.If, ast.For, ast.While))]:
        for attr in ("body", "orelse"):
            statements = getattr(node, attr, None)
            if not statements:
                continue
            out = []
            for stmt in statements:
                out.append(stmt)
                if any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == field
                       for t in assigned(stmt)):
                    check = ast.parse(f"{flag} |= {field}[{ELEMENT}] * 0.0 != 0.0").body[0]
                    out.append(located([ast.copy_location(check, stmt)], origin(stmt))[0])
            setattr(node, attr, out)


SPLIT_EVENT_BRANCHES = Pass("a loop per spike test", _run, applies=FOLLOW_PRESYNAPTIC_ROWS.applies)
