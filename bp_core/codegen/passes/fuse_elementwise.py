"""One loop over elements for a vector-mode step that works element by element.

A vector-mode step is written on whole arrays, so each of its lines makes a temporary array every
step; for small groups that costs more than the arithmetic. When every line of the step is provably
element-wise, this pass runs the lines as one loop over the elements, with numbers for temporaries,
as a scalar-mode step runs::

    _int_V_V = ST_V                          for _obj_i in range(ST_V.shape[0]):
    V = _int_V_V + _dt * (I - _int_V_V)  ->      _int_V_V = ST_V[_obj_i]
    ST_spike[:] = V >= V_th                      V = _int_V_V + _dt * (I - _int_V_V)
    ST_V[:] = V                                  ST_spike[_obj_i] = V >= V_th
                                                 ST_V[_obj_i] = V

The step is fused only when all of this holds (otherwise it is left as it is):

- it is straight-line code: each statement assigns a local name or a whole field (``ST_V[:] = ...``),
  possibly with an augmented operator, and the fields are all of one state, which the step runs on
  whole (not a part of a group, not a delayed read);
- a synapse's step may also read a field of its whole pre- or postsynaptic group at each synapse's
  neuron, ``pre['spike'][pre_ids]`` (``post[...][post_ids]``): the step stores no field of that group,
  so reading it element by element reads what NumPy's gather reads, without the gathered array (the
  indices were checked when the connectivity was, and the step stays bounds-checked in safe mode);
- each expression is made of numbers, fields, parameters (one value per element or one for all),
  ``_t``, ``_dt``, locals, arithmetic, single comparisons and NumPy's element-wise functions
  (``np.exp``, ``np.where``, ``np.clip``, ...) with positional arguments only, or ``exprel``: no
  reduction, indexing, slicing, attribute, random draw or call to another function;
- no local is read before the step assigns it (it would then carry from one element to the next);
- no name bound to a field is read after that field is stored (NumPy would show it the new
  values), and no name bound to another array is updated in place (``x += ...`` on an alias);
- the states hold ``float64`` (NumPy promotes float32 arrays and numbers differently);
- the step is compiled for the CPU (the GPU pass makes its own grid of the same lines, and plain
  Python runs whole arrays faster than a loop).

``np.where`` becomes a conditional expression (numba's ``where`` of numbers returns an array).

Work on uniform parameters alone then moves before the loop (the next pass, ``hoist``'s
``HOIST_FUSED``), as in a scalar-mode step.
"""

from __future__ import annotations

import ast

import numpy as np

from bp_core import profile
from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["FUSE_ELEMENTWISE", "fuse_elementwise", "ELEMENTWISE_FUNCTIONS"]

_UNARY = {"exp", "exp2", "log", "log10", "log2", "log1p", "expm1", "sqrt", "cbrt", "square", "sin", "cos", "tan",
          "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "abs", "absolute",
          "fabs", "sign", "floor", "ceil", "trunc", "rint", "isnan", "isinf", "isfinite", "logical_not",
          "negative"}
_BINARY = {"minimum", "maximum", "fmin", "fmax", "power", "arctan2", "hypot", "copysign", "logical_and",
           "logical_or", "logical_xor"}
ELEMENTWISE_FUNCTIONS: dict[str, int] = {**{f: 1 for f in _UNARY}, **{f: 2 for f in _BINARY},
                                         "clip": 3, "where": 3}
"""NumPy functions a fused step may call (name -> number of positional arguments): each works element
by element and numba computes it on numbers (``clip`` through the runtime's scalar overload)."""

_HELPERS = {"exprel": 1, "simd_exp": 1, "simd_expm1": 1}  # runtime helpers with a scalar form
_CONSTANTS = {"pi", "e", "inf", "nan"}
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.BitAnd, ast.BitOr)
_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_SCALARS = {"_t", "_dt", "_i"}
LOOP_INDEX = "_obj_i"


def _whole_row(node: ast.AST, rows: set[str]) -> str | None:
    """The row ``node`` stands for whole as a store target (``ROW[:]``), else None."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in rows and \
            isinstance(node.slice, ast.Slice) and not (node.slice.lower or node.slice.upper or node.slice.step):
        return node.value.id
    return None


class _Check:
    """Whether a step body is element-wise (see the module docstring); ``refusal`` says why not."""

    def __init__(self, rows: set[str], per_element: set[str], scalars: set[str],
                 gathers: dict[str, str] | None = None):
        self.rows, self.per_element, self.scalars = rows, per_element, scalars
        self.gathers = gathers or {}  # field of another group -> the index array it is read through
        self.assigned: set[str] = set()     # locals bound so far
        self.later: set[str] = set()        # locals the body binds somewhere
        self.aliases: dict[str, set[str]] = {}  # local -> rows it may be a view of
        self.stale: set[str] = set()        # locals viewing a row stored since they were bound
        self.aliased: set[str] = set()      # names on either side of ``a = b``
        self.refusal = ""

    def body(self, statements: list[ast.stmt]) -> bool:
        for stmt in statements:
            for target in self._targets(stmt) or []:
                if isinstance(target, ast.Name):
                    self.later.add(target.id)
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name):
                self.aliased |= {stmt.value.id} | {t.id for t in stmt.targets if isinstance(t, ast.Name)}
        return all(self.statement(stmt) for stmt in statements)

    @staticmethod
    def _targets(stmt: ast.stmt) -> list[ast.expr] | None:
        if isinstance(stmt, ast.Assign):
            return stmt.targets
        if isinstance(stmt, ast.AugAssign):
            return [stmt.target]
        return None

    def refuse(self, why: str) -> bool:
        self.refusal = self.refusal or why
        return False

    def statement(self, stmt: ast.stmt) -> bool:
        if isinstance(stmt, ast.Pass):
            return True
        targets = self._targets(stmt)
        if targets is None or len(targets) != 1:
            return self.refuse(f"statement {type(stmt).__name__} is not a single assignment")
        target = targets[0]
        if isinstance(stmt, ast.AugAssign):
            if not isinstance(stmt.op, _OPERATORS):
                return self.refuse(f"operator {type(stmt.op).__name__}")
            if isinstance(target, ast.Name):
                if target.id in self.aliased:
                    return self.refuse(f"{target.id} is updated in place and may share its array")
                if not self.load(target):
                    return False
        if not self.expression(stmt.value):
            return False
        row = _whole_row(target, self.rows)
        if row is not None:
            self.stale |= {name for name, viewed in self.aliases.items() if row in viewed}
            return True
        if not isinstance(target, ast.Name) or target.id in self.rows | self.per_element | self.scalars | \
                {LOOP_INDEX, "np"}:
            return self.refuse(f"target {ast.unparse(target)} is not a local name or a whole field")
        name = target.id
        if isinstance(stmt, ast.Assign):
            # a bare name shares its array: the new local views the rows the old one does
            value = stmt.value.id if isinstance(stmt.value, ast.Name) else None
            self.aliases[name] = self.aliases.get(value, set()) | ({value} & self.rows) if value else set()
            self.stale.discard(name)  # a stale value was refused when it was read
        self.assigned.add(name)
        return True

    def load(self, node: ast.Name) -> bool:
        name = node.id
        if name in self.stale:
            return self.refuse(f"{name} views a field stored after it was bound")
        if name in self.assigned or name in self.rows | self.per_element:
            return True
        if name in self.later:
            return self.refuse(f"{name} is read before the step assigns it")
        if name in self.scalars:
            return True
        return self.refuse(f"name {name} is not a field, parameter or local")

    def expression(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (bool, int, float)) or self.refuse(f"constant {node.value!r}")
        if isinstance(node, ast.Name):
            return self.load(node)
        if isinstance(node, ast.BinOp):
            return (isinstance(node.op, _OPERATORS) or self.refuse(f"operator {type(node.op).__name__}")) and \
                self.expression(node.left) and self.expression(node.right)
        if isinstance(node, ast.UnaryOp):
            return (isinstance(node.op, (ast.USub, ast.UAdd)) or self.refuse("unary operator")) and \
                self.expression(node.operand)
        if isinstance(node, ast.Compare):
            return (len(node.ops) == 1 and isinstance(node.ops[0], _COMPARISONS) or self.refuse("comparison")) \
                and self.expression(node.left) and self.expression(node.comparators[0])
        if isinstance(node, ast.Attribute):
            return _numpy_attribute(node) in _CONSTANTS or self.refuse(f"attribute {ast.unparse(node)}")
        if isinstance(node, ast.Call):
            return self.call(node)
        if _gather(node, self.gathers):
            return node.slice.id not in self.later or self.refuse(f"{node.slice.id} is assigned in the step")
        return self.refuse(f"expression {type(node).__name__}")

    def call(self, node: ast.Call) -> bool:
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return self.refuse(f"call {ast.unparse(node.func)} with keywords or starred arguments")
        name = _numpy_attribute(node.func)
        arity = ELEMENTWISE_FUNCTIONS.get(name) if name else None
        if isinstance(node.func, ast.Name) and node.func.id not in self.later | self.scalars:
            arity = _HELPERS.get(node.func.id)
        if arity is None or len(node.args) != arity:
            return self.refuse(f"call {ast.unparse(node.func)}")
        return all(self.expression(arg) for arg in node.args)


def _gather(node: ast.AST, gathers: dict[str, str]) -> bool:
    """Whether ``node`` reads a field of another group at each synapse's neuron (``pre_spike[pre_ids]``)."""
    return isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and \
        isinstance(node.value, ast.Name) and node.value.id in gathers and \
        isinstance(node.slice, ast.Name) and node.slice.id == gathers[node.value.id]


def _gathered_rows(tree: StepTree) -> dict[str, str]:
    """Fields of the whole pre- or postsynaptic group the step reads only through ``pre_ids`` (``post_ids``)."""
    args = set(tree.inputs.step.args)
    candidates = {}
    for row, (state, _) in tree.row_args.items():
        access = tree.inputs.states.get(state)
        if state in ("pre", "post") and f"{state}_ids" in args and access is not None and \
                access.select is None and access.index is None and access.ndim == 2:
            candidates[row] = f"{state}_ids"
    gathered = {n.value for s in tree.body for n in ast.walk(s) if _gather(n, candidates)}
    named = {n for s in tree.body for n in ast.walk(s) if isinstance(n, ast.Name) and n.id in candidates}
    # a field also used otherwise (stored, read whole) is no gather: the check then refuses the step
    return {row: ids for row, ids in candidates.items()
            if row in {n.id for n in gathered} and len([n for n in named if n.id == row]) == len(
                [n for n in gathered if n.id == row])}


def _numpy_attribute(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np":
        return node.attr
    return None


class _AtElement(ast.NodeTransformer):
    """Fields and per-element parameters at the loop index; ``np.where`` as a conditional expression."""

    def __init__(self, indexed: set[str], gathers: dict[str, str] | None = None):
        self.indexed = indexed
        self.gathers = gathers or {}

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.indexed and isinstance(node.ctx, ast.Load):
            return ast.Subscript(ast.Name(node.id, ast.Load()), ast.Name(LOOP_INDEX, ast.Load()), ast.Load())
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if _gather(node, self.gathers):  # the other group's field at this element's neuron
            at = ast.Subscript(ast.Name(node.slice.id, ast.Load()), ast.Name(LOOP_INDEX, ast.Load()), ast.Load())
            return ast.Subscript(ast.Name(node.value.id, ast.Load()), at, ast.Load())
        # only whole-field stores reach here (the check refused every other subscript)
        return ast.Subscript(ast.Name(node.value.id, ast.Load()), ast.Name(LOOP_INDEX, ast.Load()), node.ctx)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if _numpy_attribute(node.func) == "where":
            return ast.IfExp(*node.args)
        return node


def fuse_elementwise(tree: StepTree) -> str:
    """Fuse the body of the vector-mode step ``tree`` into one element loop if it is element-wise.

    Returns
    -------
    str
        ``''`` when the body was fused, else the first reason it was not.
    """
    gathers = _gathered_rows(tree)
    states = {state for row, (state, _) in tree.row_args.items() if row not in gathers}
    if len(states) != 1 or any(tree.row_args[row][0] in states for row in gathers):
        return "the step reads no field, or fields of more than one state"
    access = tree.inputs.states.get(next(iter(states)))
    if access is None or access.select is not None or access.ndim != 2 or tree.inputs.delay is not None:
        return "the step runs on part of a group, on matrix state or on delayed fields"
    if tree.prelude or tree.epilogue or tree.list_args or tree.event_args:
        return "earlier passes made the step more than straight-line code"
    if tree.inputs.float_type is not np.float64:
        return "the states are not float64"
    rows = set(tree.row_args) - set(gathers)
    scalars = _SCALARS | (set(tree.param_args.values()) - tree.per_element_args)
    check = _Check(rows, set(tree.per_element_args), scalars, gathers)
    if any(isinstance(n, ast.Name) and n.id == LOOP_INDEX for s in tree.body for n in ast.walk(s)):
        return f"the step uses the name {LOOP_INDEX}"
    if not tree.body or not check.body(tree.body):
        return check.refusal or "the step is empty"
    used = {n.id for s in tree.body for n in ast.walk(s) if isinstance(n, ast.Name)}
    first_row = sorted(used & rows)[0] if used & rows else None
    if first_row is None:
        return "the step uses no field"
    to_element = _AtElement(rows | set(tree.per_element_args), gathers)
    body = [ast.fix_missing_locations(to_element.visit(stmt)) for stmt in tree.body]
    loop = ast.For(target=ast.Name(LOOP_INDEX, ast.Store()),
                   iter=ast.parse(f"range({first_row}.shape[0])", mode="eval").body, body=body, orelse=[])
    tree.body = located([loop], origin(body[0]))
    tree.fused = True
    return ""


def _applies(tree: StepTree) -> bool:
    return tree.inputs.mode == "vector" and profile.is_jit() and not profile.run_on_gpu()


FUSE_ELEMENTWISE = Pass("fuse element-wise lines", fuse_elementwise, applies=_applies)
