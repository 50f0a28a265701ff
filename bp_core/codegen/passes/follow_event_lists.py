"""Event scans that follow the kernel's list of this step's events instead of reading every element.

A group whose spikes are monitored as events has, after its step, the list of the elements that
fired: the monitor has just appended them, in ascending order, to its record. A synapse step
scheduled after it that scans the same field::

    spikes = pre_spike[3200:4000]
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            ...deliver...

then reads that list (kernel arguments ``_events_*``: the record, and where this step's events
start and end) rather than the whole field::

    spikes = pre_spike[3200:4000]
    _n = spikes.shape[0]
    for _e in range(_events_pre_spike_lo, _events_pre_spike_hi):
        i = _events_pre_spike[_e] - 3200
        if i >= _n:
            break
        if i >= 0:
            if spikes[i] > 0.:
                ...deliver...

The list holds exactly the nonzero elements of the field as the step sees it (the kernel offers it
only when no step or input between the monitor and this step may write the field), and the test is
kept, so the loop visits the same elements in the same order as the original. The rewrite applies
to scans ``event_scans`` accepts whose test can hold only for a nonzero element (``> 0.``, ``!= 0``,
a bare ``spikes[i]``...), over the whole field or a constant slice of it, in a step that writes no
field of that name (through ``pre``, ``post`` or ``ST``) and hands the field on nowhere, and only
when the loop runs over exactly that slice (``range(len(spikes))``). A loop of another count (the spec's
``for i in range(len(pre2post)): if pre['spike'][i] > 0.:``, one row of ``pre2post`` per presynaptic element)
follows the list up to the smaller of its count and the slice's length (``_n = min(count, len(spikes))``).
"""

from __future__ import annotations

import ast

from bp_core.codegen.event_scans import EventScan, implies_nonzero, match_scan
from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["FOLLOW_EVENT_LISTS", "event_argument"]


class _Rewriter(ast.NodeTransformer):
    def __init__(self, tree: StepTree, function: ast.Module):
        self.tree = tree
        self.function = function
        self.rows = {arg: key for arg, key in tree.row_args.items() if key in tree.inputs.event_fields}
        self.parents = {id(child): parent for parent in ast.walk(function) for child in ast.iter_child_nodes(parent)}

    def visit_For(self, node: ast.For) -> ast.AST | list[ast.stmt]:
        self.generic_visit(node)
        scan = match_scan(self.function, node)
        if scan is None or not implies_nonzero(scan):
            return node
        source = self._source(scan)
        if source is None:
            return node
        row, offset, exact = source
        events, lo, hi = (self._argument(row, part) for part in ("index", "lo", "hi"))
        names = self.tree.names
        n, e, i = names.fresh("_n"), names.fresh("_e"), node.target.id
        shifted = f" - {offset}" if offset else ""
        size = ast.unparse(scan.size)
        if not exact:
            size = f"min({size}, {ast.unparse(scan.values)}.shape[0])"
        text = (f"{n} = {size}\n"
                f"for {e} in range({lo}, {hi}):\n"
                f"    {i} = {events}[{e}]{shifted}\n"
                f"    if {i} >= {n}:\n"
                f"        break\n")
        new = ast.parse(text).body
        if offset:  # events before the slice fall below 0
            new[1].body.append(ast.If(ast.parse(f"{i} >= 0", mode="eval").body, node.body, []))
        else:
            new[1].body += node.body
        return located([ast.copy_location(s, node) for s in new], origin(node))

    def _source(self, scan: EventScan) -> tuple[str, int, bool] | None:
        """``(row argument, offset, exact)`` of the field the scan reads, when the list may stand for it; ``exact``
        when the loop counts that field's elements, else it counts something else (``len(pre2post)``, one row
        per presynaptic element) and follows the list up to the smaller of the two counts."""
        values, alias = scan.values, None
        if isinstance(values, ast.Name) and values.id not in self.rows:
            alias, values = values.id, self._binding(values.id)
            if values is None:
                return None
        if isinstance(values, ast.Name):
            row, lower = values.id, 0
        elif isinstance(values, ast.Subscript) and isinstance(values.value, ast.Name) and \
                isinstance(values.slice, ast.Slice) and values.slice.step is None:
            row, lower = values.value.id, values.slice.lower
            lower = 0 if lower is None else lower.value if isinstance(lower, ast.Constant) else None
            upper = values.slice.upper
            if not (isinstance(lower, int) and lower >= 0 and
                    (upper is None or isinstance(upper, ast.Constant) and isinstance(upper.value, int))):
                return None
        else:
            return None
        if row not in self.rows or not self._only_read(row, alias) or self._mentions(self.rows[row][0]):
            return None
        if any(key == self.rows[row][1] for _, key in self.tree.written_fields):
            return None  # pre and post may be one group: a write to post's field may change what the scan reads
        # a loop over the scanned slice exactly ends at an event past its end; one of another count (the rows of
        # pre2post, say) ends at the smaller count, as the scan's reads of the slice would
        size = scan.size
        counted: ast.expr | None = None
        if isinstance(size, ast.Subscript) and isinstance(size.value, ast.Attribute) and size.value.attr == "shape" \
                and isinstance(size.slice, ast.Constant) and size.slice.value == 0:
            counted = size.value.value
        elif isinstance(size, ast.Call) and isinstance(size.func, ast.Name) and size.func.id == "len" and \
                len(size.args) == 1 and not size.keywords:
            counted = size.args[0]
        exact = counted is not None and ast.dump(counted) in {ast.dump(scan.values), ast.dump(values)}
        return row, lower, exact  # range() evaluates its count once, before the loop, as the rewrite does

    def _binding(self, name: str) -> ast.expr | None:
        """The value of ``name`` when a top-level statement binds it once and nothing else does."""
        stores = [n for n in ast.walk(self.function) if isinstance(n, ast.Name) and n.id == name and
                  isinstance(n.ctx, (ast.Store, ast.Del))]
        bindings = [s for s in self.function.body if isinstance(s, ast.Assign) and len(s.targets) == 1 and
                    isinstance(s.targets[0], ast.Name) and s.targets[0].id == name]
        if len(stores) != 1 or len(bindings) != 1:
            return None
        return bindings[0].value

    def _mentions(self, name: str | None) -> bool:
        """Whether the step uses ``name`` itself (a whole state, which it may write anywhere)."""
        return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(self.function))

    def _only_read(self, row: str, alias: str | None) -> bool:
        """Whether the step only reads ``row`` (and the one local ``alias`` bound to it or a slice of it)."""
        for node in ast.walk(self.function):
            if not (isinstance(node, ast.Name) and node.id in (row, alias)):
                continue
            if isinstance(node.ctx, ast.Store):
                if node.id == row:
                    return False
                continue  # the alias's single binding (see _binding)
            parent = self.parents.get(id(node))
            if self._read(node, parent) or self._binds_alias(node, parent, alias):
                continue
            if not (isinstance(parent, ast.Subscript) and parent.value is node and
                    isinstance(parent.ctx, ast.Load) and isinstance(parent.slice, ast.Slice)):
                return False
            # a view: it too may only be read, or be what the alias is bound to
            grand = self.parents.get(id(parent))
            if not (self._read(parent, grand) or self._binds_alias(parent, grand, alias)):
                return False
        return True

    @staticmethod
    def _binds_alias(node: ast.expr, parent: ast.AST | None, alias: str | None) -> bool:
        return alias is not None and isinstance(parent, ast.Assign) and parent.value is node and \
            isinstance(parent.targets[0], ast.Name) and parent.targets[0].id == alias

    @staticmethod
    def _read(node: ast.expr, parent: ast.AST | None) -> bool:
        """Whether ``parent`` only reads ``node``: an element (or elements), its shape, its length."""
        if isinstance(parent, ast.Subscript) and parent.value is node:
            return isinstance(parent.ctx, ast.Load) and not isinstance(parent.slice, ast.Slice)
        if isinstance(parent, ast.Attribute) and parent.attr == "shape":
            return True
        return isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len" and \
            node in parent.args

    def _argument(self, row: str, part: str) -> str:
        return event_argument(self.tree, row, part)


def event_argument(tree: StepTree, row: str, part: str) -> str:
    """The argument holding part ``'index'``, ``'lo'`` or ``'hi'`` of the kernel's list of this step's events of
    the field that row argument ``row`` holds."""
    state, key = tree.row_args[row]
    for arg, held in tree.event_args.items():
        if held == (state, key, part):
            return arg
    suffix = "" if part == "index" else f"_{part}"
    arg = tree.names.fresh(f"_events_{row}{suffix}")
    tree.event_args[arg] = (state, key, part)
    return arg


def _run(tree: StepTree) -> None:
    function = ast.Module(body=tree.body, type_ignores=[])
    _Rewriter(tree, function).visit(function)
    tree.body = function.body


FOLLOW_EVENT_LISTS = Pass("follow event lists", _run, applies=lambda tree: bool(tree.inputs.event_fields))
