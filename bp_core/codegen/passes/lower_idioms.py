"""Lowering of NumPy idioms that allocate every step into loops that do not.

Vector-mode synapse models are written, as the spec writes them, with array idioms::

    for i in np.where(pre['spike'] > 0.)[0]:      # a new index array every step
        post['ge'][pre2post[i]] += w              # a gathered copy, then a scatter

Under numba each of these allocates temporaries on every step and spike. This pass, run on
the step's AST before state access is rewritten, turns them into their loop forms:

- ``for i in np.where(values <op> c)[0]:`` (or through a name bound to it and used only
  there) becomes ``for i in range(values.shape[0]): if values[i] <op> c:``, which the
  quiet-block scan then speeds up further. Only for one-dimensional state fields, a
  threshold the body does not change, a body that does not write the scanned field, and a
  loop variable not used after the loop.
- ``X[L[i]] op= v`` and ``X[L[i]] = v``, with ``L`` an index list whose rows hold no
  duplicate (so NumPy's buffered fancy-index update and an element loop agree), become
  ``index_update(X, L[i], v, 'op')``: one pass over the row, scalar or array ``v``, bounds
  checked. A name bound once to ``L[i]`` (``syn_ids = pre2syn[i]``) counts as ``L[i]``.
- ``for j in L[i]: X[j] op= v``, a delivery loop over a row of such a list whose whole body is
  that one update, becomes the same ``index_update(X, L[i], v, 'op')``: compiled, the helper is
  that loop, without numba's bounds check on each access (it checks each index itself); 10-20 %
  faster delivery. Only when ``X`` is a field, ``v`` is arithmetic of names, numbers and
  elements not indexed by ``j`` (no calls, no read of ``X``), and ``j`` is not used after the loop.
"""

from __future__ import annotations

import ast

from bp_core.codegen.ast_facts import COMPARISONS, bound_names, used_outside
from bp_core.codegen.tree import Pass, StepTree, located, origin
from bp_core.integration.rendering import NameAllocator

__all__ = ["LOWER_IDIOMS", "lower_idioms", "UPDATE_OPS"]

UPDATE_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
"""Augmented assignments ``index_update`` performs (``'='`` for plain assignment)."""


def lower_idioms(statements: list[ast.stmt], unique_lists: set[str], vector_fields: set[tuple[str, str]],
                 array_selected: set[str], names: NameAllocator) -> list[ast.stmt]:
    """Rewrite the idioms above in ``statements`` (a step function's body).

    Parameters
    ----------
    unique_lists : set of str
        Index-list arguments (``pre2post``, ...) whose rows hold no duplicate index.
    vector_fields : set of (state, field)
        Fields that are one-dimensional arrays in this step (vector mode).
    array_selected : set of str
        States read through an index array (a subgroup): their fields are copies, never rewritten.
    """
    module = ast.Module(body=statements, type_ignores=[])
    _WhereLoops(module, vector_fields, names).visit(module)
    aliases = _list_aliases(module, unique_lists)
    _IndexUpdates(unique_lists, aliases, array_selected).visit(module)
    _DeliveryLoops(module, unique_lists, vector_fields, array_selected).visit(module)
    return [ast.fix_missing_locations(s) for s in module.body]


class _WhereLoops(ast.NodeTransformer):
    def __init__(self, function: ast.Module, vector_fields: set[tuple[str, str]], names: NameAllocator):
        self.function = function
        self.vector_fields = vector_fields
        self.names = names

    def generic_visit(self, node: ast.AST) -> ast.AST:
        # statement lists may bind the index array one statement before the loop that walks it
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(node, name, self._block(block))
        for field_name, value in ast.iter_fields(node):
            if field_name in ("body", "orelse", "finalbody"):
                continue
            if isinstance(value, ast.AST):
                setattr(node, field_name, self.visit(value))
        return node

    def _block(self, block: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in block:
            stmt = self.visit(stmt)
            if isinstance(stmt, ast.For):
                lowered = self._lower(stmt, out)
                if lowered is not None:
                    out.append(lowered)
                    continue
            out.append(stmt)
        return out

    def _lower(self, loop: ast.For, before: list[ast.stmt]) -> ast.stmt | None:
        iterated, bound = loop.iter, None
        if isinstance(iterated, ast.Name) and before and _binds(before[-1], iterated.id):
            bound = before[-1]
            if _uses(self.function, iterated.id, exclude=(bound, loop.iter)):
                return None  # the index array is used elsewhere too: it has to be made
            iterated = bound.value
        scan = _where_scan(iterated)
        if scan is None or loop.orelse or not isinstance(loop.target, ast.Name):
            return None
        values, op, threshold = scan
        if _field(values) not in self.vector_fields:
            return None
        written = bound_names(loop.body)
        read = {n.id for n in ast.walk(values) if isinstance(n, ast.Name)} | \
            {n.id for n in ast.walk(threshold) if isinstance(n, ast.Name)}
        i = loop.target.id
        if read & written or i in written or used_outside(self.function, loop, i) or \
                _writes_field(loop.body, _field(values)):
            return None
        if bound is not None:
            before.pop()  # the index array is no longer made
        text = (f"for {i} in range({ast.unparse(values)}.shape[0]):\n"
                f"    if {ast.unparse(values)}[{i}] {op} {ast.unparse(threshold)}:\n"
                f"        pass\n")
        new = ast.parse(text).body[0]
        new.body[0].body = loop.body
        return located([ast.copy_location(new, loop)], origin(loop))[0]


def _binds(stmt: ast.stmt, name: str) -> bool:
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
        and stmt.targets[0].id == name


def _uses(function: ast.Module, name: str, exclude: tuple[ast.AST, ...]) -> bool:
    skipped = {id(n) for e in exclude for n in ast.walk(e)}
    return any(isinstance(n, ast.Name) and n.id == name and id(n) not in skipped for n in ast.walk(function))


def _where_scan(node: ast.expr) -> tuple[ast.expr, str, ast.expr] | None:
    """``(values, op, threshold)`` for ``np.where(values <op> threshold)[0]``."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == 0):
        return None
    call = node.value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in
            ("where", "nonzero") and isinstance(call.func.value, ast.Name) and call.func.value.id in ("np", "numpy")
            and len(call.args) == 1 and not call.keywords):
        return None
    test = call.args[0]
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in COMPARISONS):
        return None
    threshold = test.comparators[0]
    if isinstance(threshold, ast.UnaryOp) and isinstance(threshold.op, ast.USub):
        inner = threshold.operand
    else:
        inner = threshold
    if not (isinstance(inner, ast.Name) or (isinstance(inner, ast.Constant) and isinstance(inner.value, (int, float)))):
        return None
    return test.left, COMPARISONS[type(test.ops[0])], threshold


def _field(node: ast.expr) -> tuple[str, str] | None:
    """``(state, field)`` for ``state['field']``."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant) \
            and isinstance(node.slice.value, str):
        return node.value.id, node.slice.value
    return None


def _writes_field(body: list[ast.stmt], field: tuple[str, str] | None) -> bool:
    for stmt in body:
        for node in ast.walk(stmt):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AugAssign) else []
            for target in targets:
                while isinstance(target, ast.Subscript):
                    if _field(target) == field:
                        return True
                    target = target.value
            if isinstance(node, ast.Call) and any(_field(a) == field for a in node.args):
                return True
    return False


def _list_aliases(function: ast.Module, lists: set[str]) -> set[str]:
    """Names bound exactly once, to ``L[i]`` of a list in ``lists``, and never written through."""
    bound: dict[str, int] = {}
    candidates: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound[node.id] = bound.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and _list_item(node.value, lists):
            candidates.add(node.targets[0].id)
    return {name for name in candidates if bound.get(name) == 1 and name not in _bound_through(function)}


def _bound_through(function: ast.Module) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
            out.add(node.value.id)
    return out


def _list_item(node: ast.expr, lists: set[str]) -> bool:
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in lists and \
        not isinstance(node.slice, (ast.Slice, ast.Tuple))


class _IndexUpdates(ast.NodeTransformer):
    def __init__(self, lists: set[str], aliases: set[str], array_selected: set[str]):
        self.lists = lists
        self.aliases = aliases
        self.array_selected = array_selected

    def _index(self, target: ast.expr) -> bool:
        if not isinstance(target, ast.Subscript):
            return False
        slice_ = target.slice
        indexed = _list_item(slice_, self.lists) or (isinstance(slice_, ast.Name) and slice_.id in self.aliases)
        base = target.value
        field = _field(base)
        return indexed and (isinstance(base, ast.Name) or (field is not None and field[0] not in self.array_selected))

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        if type(node.op) in UPDATE_OPS and self._index(node.target):
            return self._call(node, node.target, node.value, UPDATE_OPS[type(node.op)])
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        if len(node.targets) == 1 and self._index(node.targets[0]):
            return self._call(node, node.targets[0], node.value, "=")
        return node

    @staticmethod
    def _call(node: ast.stmt, target: ast.Subscript, value: ast.expr, op: str) -> ast.stmt:
        return _index_update(node, target.value, target.slice, value, op)


def _index_update(node: ast.stmt, base: ast.expr, index: ast.expr, value: ast.expr, op: str) -> ast.stmt:
    """``index_update(base, index, value, op)`` standing where ``node`` stood."""
    text = f"index_update({ast.unparse(base)}, {ast.unparse(index)}, {ast.unparse(value)}, {op!r})"
    return located([ast.copy_location(ast.Expr(ast.parse(text, mode="eval").body), node)], origin(node))[0]


class _DeliveryLoops(ast.NodeTransformer):
    def __init__(self, function: ast.Module, lists: set[str], vector_fields: set[tuple[str, str]],
                 array_selected: set[str]):
        self.function = function
        self.lists = lists
        self.vector_fields = vector_fields
        self.array_selected = array_selected

    def visit_For(self, node: ast.For) -> ast.AST:
        self.generic_visit(node)
        if not (isinstance(node.target, ast.Name) and not node.orelse and _list_item(node.iter, self.lists) and
                len(node.body) == 1 and isinstance(node.body[0], (ast.Assign, ast.AugAssign))):
            return node
        update, j = node.body[0], node.target.id
        target = update.targets[0] if isinstance(update, ast.Assign) else update.target
        if isinstance(update, ast.Assign) and len(update.targets) != 1:
            return node
        op = "=" if isinstance(update, ast.Assign) else UPDATE_OPS.get(type(update.op))
        field = _field(target.value) if isinstance(target, ast.Subscript) else None
        if op is None or field is None or field not in self.vector_fields or field[0] in self.array_selected or \
                not (isinstance(target.slice, ast.Name) and target.slice.id == j):
            return node
        if not _invariant(update.value, j, field) or used_outside(self.function, node, j):
            return node
        return _index_update(node, target.value, node.iter, update.value, op)


def _invariant(value: ast.expr, j: str, field: tuple[str, str]) -> bool:
    """Whether ``value`` is the same for every ``j`` and reads neither ``j`` nor the updated ``field``."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
    if isinstance(value, ast.Name):
        return value.id != j
    if isinstance(value, ast.BinOp):
        return _invariant(value.left, j, field) and _invariant(value.right, j, field)
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, (ast.USub, ast.UAdd)) and _invariant(value.operand, j, field)
    if isinstance(value, ast.Subscript):
        if _field(value) is not None:  # a whole field is an array: the loop would add it to each element
            return False
        base_field = _field(value.value)
        return base_field != field and (base_field is not None or isinstance(value.value, ast.Name)) and \
            not isinstance(value.slice, (ast.Slice, ast.Tuple)) and \
            _invariant(value.slice, j, field)
    return False


def _run(tree: StepTree) -> None:
    states = tree.inputs.states
    vector_fields = {(state, key) for state, access in states.items()
                     if access.index is None and access.ndim == 2 for key in access.fields}
    selected = {state for state, access in states.items() if access.select_is_array}
    # matrix-mode fields are 2-D: an index-list update of them is not one element per index
    lists = tree.unique_lists if tree.inputs.mode == "vector" else set()
    tree.body = lower_idioms(tree.body, lists, vector_fields, selected, tree.names)


LOWER_IDIOMS = Pass("lower array idioms", _run, applies=lambda tree: not tree.scalar)
