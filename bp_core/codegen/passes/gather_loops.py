"""Loops, instead of temporary arrays, for sums and updates over one row of an index list.

Vector-mode synapses are written, as the spec writes gap junctions, with expressions over the neurons of one row
of ``pre2post`` or ``post2pre``::

    pre_ids = post2pre[post_id]
    post['input'][post_id] += w * np.sum(pre['v'][pre_ids] - post['v'][post_id])
    post['input'][post_ids] += w * (pre['v'][pre_id] - post['v'][post_ids])

Compiled, each gathered read (``pre_v[pre_ids]``) and each operation on it makes a temporary array, for every
row at every step: for small rows that costs several times the arithmetic. This pass computes such an
expression element by element in a loop over the row, with numbers for temporaries::

    _sum = 0.0
    for _j in range(pre_ids.shape[0]):
        _sum += pre_v[pre_ids[_j]] - post_v[post_id]
    _stored = post_input[post_id] + w * _sum

and an ``index_update`` of such values (``lower_idioms`` made it of ``X[L[i]] op= v``) as a loop that updates
each element of the row as it computes its value. ``np.sum`` of an array adds its elements in order in
compiled code, as the loop does, so the results are the same to the bit.

An expression is lowered only when all of this holds (otherwise it is left as it is):

- its arrays are fields read at one row of an index list (``pre2post`` gives postsynaptic neurons,
  ``post2pre`` presynaptic ones, ``pre2syn`` and ``post2syn`` synapses) of the whole group that list indexes,
  all through the same row: a name bound once to the row (``pre_ids = post2pre[post_id]``) or the row itself.
  The list's indices were checked against that group's size when the connectivity was, so the loop reads
  nothing NumPy would refuse;
- everything else in it is a number: numeric literals, uniform parameters, ``_t``, ``_dt``, a field read at
  a loop counter of a ``range`` loop (``post_v[post_id]``), arithmetic and NumPy's arithmetic functions of
  numbers (no comparison, reduction, keyword or other call);
- ``np.sum`` is evaluated unconditionally by its statement (an assignment or an expression, not inside a
  conditional expression, ``and``/``or`` or a chain of comparisons), so computing it just before the
  statement changes nothing;
- an updated field is not read by the value (NumPy computes all values before it stores any);
- the step reads no delayed fields, the states hold ``float64`` and the step is compiled for the CPU (plain
  Python runs whole arrays faster than a loop; the GPU has its own form of ``index_update``).
"""

from __future__ import annotations

import ast

import numpy as np

from bp_core import profile
from bp_core.codegen.passes.fuse_elementwise import ELEMENTWISE_FUNCTIONS
from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["GATHER_LOOPS", "gather_loops"]

LIST_TARGETS = {"pre2post": "post", "post2pre": "pre", "pre2syn": "ST", "post2syn": "ST"}
"""Index list -> the state whose elements its rows hold."""

_ARITHMETIC = {name: n for name, n in ELEMENTWISE_FUNCTIONS.items()
               if name not in {"isnan", "isinf", "isfinite", "logical_not", "logical_and", "logical_or",
                               "logical_xor", "where", "clip", "sign"}}
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_CONSTANTS = {"pi", "e", "inf", "nan"}
_UPDATES = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult, "/": ast.Div}
_OPAQUE = (ast.IfExp, ast.BoolOp, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class _Facts:
    """What the pass needs to know about the step's names."""

    def __init__(self, tree: StepTree):
        self.tree = tree
        states = tree.inputs.states
        whole = {state for state, access in states.items()
                 if access.ndim == 2 and access.index is None and access.select is None}
        self.rows = {row: held for row, held in tree.row_args.items() if held[0] in whole}
        bindings: dict[str, int] = {}
        for stmt in tree.statements():
            for node in ast.walk(stmt):
                if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                    bindings[node.id] = bindings.get(node.id, 0) + 1
        self.counters = {node.target.id for stmt in tree.statements() for node in ast.walk(stmt)
                         if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and
                         _is_range(node.iter) and bindings.get(node.target.id) == 1}
        self.scalars = {"_t", "_dt"} | (set(tree.param_args.values()) - tree.per_element_args) | self.counters
        self.aliases: dict[str, str] = {}  # name bound once, to a row of a list -> the list
        for stmt in tree.statements():
            for node in ast.walk(stmt):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                        isinstance(node.targets[0], ast.Name) and bindings.get(node.targets[0].id) == 1:
                    listed = self.list_row(node.value)
                    if listed is not None:
                        self.aliases[node.targets[0].id] = listed

    def list_row(self, node: ast.AST) -> str | None:
        """The list whose row ``node`` is (``L_idx[L_ptr[e]:L_ptr[e + 1]]``), else None."""
        if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and
                isinstance(node.slice, ast.Slice) and node.slice.step is None):
            return None
        idx, lo, hi = node.value.id, node.slice.lower, node.slice.upper
        part = self.tree.list_args.get(idx, "")
        if not part.endswith("_idx") or part[:-4] not in LIST_TARGETS:
            return None
        ptr = f"{part[:-4]}_ptr"
        if not all(isinstance(b, ast.Subscript) and isinstance(b.value, ast.Name) and
                   self.tree.list_args.get(b.value.id) == ptr for b in (lo, hi)):
            return None
        following = hi.slice
        if not (isinstance(following, ast.BinOp) and isinstance(following.op, ast.Add) and
                isinstance(following.right, ast.Constant) and following.right.value == 1 and
                ast.dump(following.left) == ast.dump(lo.slice)):
            return None
        return part[:-4]

    def index_of(self, node: ast.AST) -> str | None:
        """The list whose row the index ``node`` is (a row itself or a name bound to one), else None."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        return self.list_row(node)


class _Elements:
    """Whether an expression is computed element by element over one row (see the module docstring)."""

    def __init__(self, facts: _Facts):
        self.facts = facts
        self.index: ast.expr | None = None  # the row every gather reads through
        self.gathers = 0
        self.fields: set[str] = set()  # field names the expression reads

    def expression(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        if isinstance(node, ast.Name):
            return node.id in self.facts.scalars
        if isinstance(node, ast.Attribute):
            return isinstance(node.value, ast.Name) and node.value.id == "np" and node.attr in _CONSTANTS
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, _OPERATORS) and self.expression(node.left) and self.expression(node.right)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, (ast.USub, ast.UAdd)) and self.expression(node.operand)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id == "np" else None
            return name in _ARITHMETIC and not node.keywords and len(node.args) == _ARITHMETIC[name] and \
                all(self.expression(a) for a in node.args)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in self.facts.rows:
            state, key = self.facts.rows[node.value.id]
            self.fields.add(key)
            if self._counter(node.slice):
                return True
            listed = self.facts.index_of(node.slice)
            if listed is None or LIST_TARGETS[listed] != state:
                return False
            if self.index is None:
                self.index = node.slice
            self.gathers += 1
            return ast.dump(node.slice) == ast.dump(self.index)
        return False

    def _counter(self, node: ast.AST) -> bool:
        """Whether ``node`` is an integer made of loop counters and integer literals."""
        if isinstance(node, ast.Name):
            return node.id in self.facts.counters
        if isinstance(node, ast.Constant):
            return isinstance(node.value, int) and not isinstance(node.value, bool)
        return isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) and \
            self._counter(node.left) and self._counter(node.right)


class _AtElement(ast.NodeTransformer):
    """Each gather through ``index`` read at element ``k`` of the row."""

    def __init__(self, index: ast.expr, k: str):
        self.index, self.k = ast.dump(index), k

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if ast.dump(node.slice) == self.index:
            return ast.Subscript(node.value, ast.Name(self.k, ast.Load()), ast.Load())
        return node


class _Replace(ast.NodeTransformer):
    """``node`` replaced by the name ``name``."""

    def __init__(self, node: ast.AST, name: str):
        self.node, self.name = node, name

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.node:
            return ast.copy_location(ast.Name(self.name, ast.Load()), node)
        return super().visit(node)


def _is_range(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"


def _is_sum(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        isinstance(node.func.value, ast.Name) and node.func.value.id == "np" and node.func.attr == "sum" and \
        len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred)


def _sums(node: ast.AST) -> list[ast.Call]:
    """``np.sum`` calls that evaluating ``node`` always makes (not under a condition)."""
    if isinstance(node, _OPAQUE) or isinstance(node, ast.Compare) and len(node.ops) > 1:  # may stop early
        return []
    if _is_sum(node):
        return [node]
    return [found for child in ast.iter_child_nodes(node) for found in _sums(child)]


class _Rewrite:
    def __init__(self, tree: StepTree):
        self.tree = tree
        self.facts = _Facts(tree)
        self.names = tree.names

    def block(self, statements: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in statements:
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    setattr(stmt, name, self.block(inner))
            update = self.update(stmt)
            if update is not None:
                out += located(update, origin(stmt))
                continue
            if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.Expr)):
                out += located(self.sums(stmt), origin(stmt))
            out.append(stmt)
        return out

    def _loop(self, index: ast.expr, body: list[str], k: str) -> list[ast.stmt]:
        """``for`` over the row ``index`` (bound to a name first if it is no name) with ``body`` per element."""
        before = []
        if not isinstance(index, ast.Name):
            ids = self.names.fresh("_ids")
            before = [f"{ids} = {ast.unparse(index)}"]
            index = ast.Name(ids, ast.Load())
        j = self.names.fresh("_j")
        lines = before + [f"for {j} in range({index.id}.shape[0]):", f"    {k} = {index.id}[{j}]"]
        return ast.parse("\n".join(lines + ["    " + line for line in body])).body

    def sums(self, stmt: ast.stmt) -> list[ast.stmt]:
        """Loops computing the ``np.sum`` calls of ``stmt`` that qualify; the calls become their totals."""
        out: list[ast.stmt] = []
        for call in _sums(stmt.value):
            check = _Elements(self.facts)
            if not (check.expression(call.args[0]) and check.gathers):
                continue
            k, total = self.names.fresh("_k"), self.names.fresh("_sum")
            term = _AtElement(check.index, k).visit(call.args[0])
            out += ast.parse(f"{total} = 0.0").body
            out += self._loop(check.index, [f"{total} += {ast.unparse(term)}"], k)
            stmt.value = _Replace(call, total).visit(stmt.value)
        return out

    def update(self, stmt: ast.stmt) -> list[ast.stmt] | None:
        """``index_update(target, row, values, op)`` with per-element ``values`` as a loop, else None."""
        flag = None
        call = stmt.value if isinstance(stmt, (ast.Expr, ast.AugAssign)) else None
        if isinstance(stmt, ast.AugAssign):
            if not (isinstance(stmt.op, ast.BitOr) and isinstance(stmt.target, ast.Name)):
                return None
            flag = stmt.target.id
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and
                call.func.id == "index_update" and len(call.args) == 4 and not call.keywords):
            return None
        target, index, value, op = call.args
        if not (isinstance(target, ast.Name) and target.id in self.facts.rows and isinstance(op, ast.Constant) and
                (op.value in _UPDATES or op.value == "=")):
            return None
        check = _Elements(self.facts)
        if not (check.expression(value) and check.gathers and ast.dump(check.index) == ast.dump(index)) or \
                self.facts.rows[target.id][1] in check.fields:
            return None
        k, stored = self.names.fresh("_k"), self.names.fresh("_stored")
        term = ast.unparse(_AtElement(index, k).visit(value))
        if op.value != "=":
            term = ast.unparse(ast.BinOp(ast.parse(f"{target.id}[{k}]", mode="eval").body, _UPDATES[op.value](),
                                         ast.parse(term, mode="eval").body))
        body = [f"{stored} = {term}", f"{target.id}[{k}] = {stored}"]
        if flag is not None:
            body.append(f"{flag} |= {stored} * 0.0 != 0.0")
        return self._loop(index, body, k)


def gather_loops(tree: StepTree) -> None:
    """Rewrite the sums and updates over index-list rows of ``tree`` as loops (see the module docstring)."""
    rewrite = _Rewrite(tree)
    tree.body = [ast.fix_missing_locations(s) for s in rewrite.block(tree.body)]


def _applies(tree: StepTree) -> bool:
    return tree.inputs.mode == "vector" and profile.is_jit() and not profile.run_on_gpu() and \
        tree.inputs.float_type is np.float64 and tree.inputs.delay is None and bool(tree.list_args)


GATHER_LOOPS = Pass("loop over index-list rows", gather_loops, applies=_applies)
