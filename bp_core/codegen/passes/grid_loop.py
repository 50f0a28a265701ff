"""The loop over elements of a step run on a GPU: one thread per element (or per event).

For the GPU target this pass takes the place of ``loop over elements``. A scalar-mode step's body
runs once per thread, guarded by the element count::

    for _obj_i in range(n):              _obj_i = cuda.grid(1)
        <body>                   ->      if _obj_i < n:
                                             <body>

A vector-mode step that works element by element on its own fields (``V = ST_V + ...; ST_V[:] = V``)
runs one thread per element too. One that holds one top-level loop over its elements or over this step's
event list (``follow event lists`` makes the latter) has that loop become the grid, so a
synapse step runs one thread per spiking presynaptic neuron, which walks its row. Since threads run
at once, what many threads may write to one element is made atomic: ``x[k] += v`` becomes
``cuda.atomic.add(x, k, v)``, and a fancy-indexed row update (``index_update``) becomes a loop of
such adds. Float atomics make the order of additions, hence the last bits of the sums, vary from
run to run.

A kernel returns nothing: the safe mode's ``_nonfinite |= <test>`` becomes a device flag holding the
earliest step at which a stored value was NaN or infinite. NumPy's scalar functions become ``math``'s
(numba-cuda compiles those). Random numbers come from one xoroshiro128+ generator per thread
(``numba.cuda.random``): ``random``, ``uniform``, ``standard_normal``, ``normal`` and ``exponential``
draws of one number, and the Wiener increments of SDE integrators. What has no faithful GPU form is
refused with ``ModelUseError``, naming the step and the user's line: other random draws, calls of other
functions, whole-array statements of a vector-mode step, stores many threads may make to one element
other than ``+=`` and ``-=``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bp_core.codegen.tree import StepTree, located, origin
from bp_core.errors import ModelUseError

__all__ = ["GridShape", "grid_loop", "FLAG_ARG", "STEP_ARG", "RNG_ARG", "DEVICE_HELPERS"]

FLAG_ARG = "_gpu_flag"
"""Kernel argument: one int64, the earliest step at which the step stored a NaN or an infinity."""
STEP_ARG = "_gpu_step"
"""Kernel argument: the number of the current step (what the flag records)."""
RNG_ARG = "_gpu_rng"
"""Kernel argument: the random generators' states, one per thread of the grid."""
_UNIFORM, _NORMAL = "xoroshiro128p_uniform_float64", "xoroshiro128p_normal_float64"
_DRAWS = {"random": (), "standard_normal": (), "normal": (("loc", "0.0"), ("scale", "1.0")),
          "uniform": (("low", "0.0"), ("high", "1.0")), "exponential": (("scale", "1.0"),)}

_MATH = {"exp", "log", "log10", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
         "sinh", "cosh", "tanh", "floor", "ceil", "isnan", "isinf", "isfinite", "fabs", "arctan2", "hypot"}
_RENAMED = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arctan2": "atan2"}
_BUILTINS = {"range", "len", "min", "max", "abs", "float", "int", "bool"}
_NUMPY_SCALARS = {"float64", "float32", "int64", "int32", "bool_"}
_NUMPY_RENAMED = {"abs": "abs", "absolute": "abs", "minimum": "min", "maximum": "max", "fmin": "min", "fmax": "max"}
_COMPARISONS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "==": "eq", "!=": "ne"}
DEVICE_HELPERS = {"exprel", "floor_divide", "remainder", _UNIFORM, _NORMAL} | \
    {f"any_in_block_{c}" for c in _COMPARISONS.values()}
"""Runtime helpers generated device code may call (the GPU target provides them as device functions)."""


@dataclass(frozen=True)
class GridShape:
    """How many threads a step kernel needs.

    Attributes
    ----------
    setup : str
        Statements to run (in Python, on the host, with the step's arguments) before ``count``.
    count : str
        Expression of the step's arguments: the number of threads; empty when ``events`` is set.
    events : str
        The event-list argument the grid follows (one thread per event of this step), or ''.
    """

    setup: str
    count: str
    events: str = ""
    random: bool = False


def grid_loop(tree: StepTree) -> GridShape:
    """Rewrite the finished step ``tree`` (every pass but ``loop over elements``) for a GPU; return its grid."""
    if tree.scalar:
        shape = _element_grid(tree)
    else:
        shape = _vector_grid(tree)
    rewriter = _DeviceRewriter(tree)
    tree.prelude = rewriter.block(tree.prelude)
    tree.body = rewriter.block(tree.body)
    tree.epilogue = []
    _refuse_random(tree)  # what is left of the generator is a use with no device form
    return GridShape(shape.setup, shape.count, shape.events, rewriter.random)


def _refuse(tree: StepTree, node: ast.AST, why: str) -> ModelUseError:
    step = tree.inputs.step
    line = origin(node) if isinstance(node, ast.stmt) else None
    where = f"{step.source_file}, line {line}" if line is not None else f"{step.source_file}, line {step.first_line}"
    return ModelUseError(f"{tree.inputs.description or step.name} cannot run on the GPU: {why}\n  at {where}\n"
                         f"Run it with bp.profile.set(device='cpu').")


def _refuse_random(tree: StepTree) -> None:
    rng = tree.inputs.rng
    for stmt in tree.statements():
        for inner in ast.walk(stmt):
            if isinstance(inner, ast.stmt):
                for node in ast.walk(inner):
                    random = isinstance(node, ast.Name) and node.id == rng or \
                        isinstance(node, ast.Attribute) and node.attr == "random"
                    if random:
                        raise _refuse(tree, inner, "on the GPU a step draws one number at a time from its "
                                                   "thread's generator (random, uniform, standard_normal, "
                                                   "normal, exponential); this draw has no GPU form.")


def _epilogue_is_return(tree: StepTree) -> None:
    for stmt in tree.epilogue:
        if not (isinstance(stmt, ast.Return) and (stmt.value is None or isinstance(stmt.value, ast.Name))):
            raise _refuse(tree, stmt, "it works after its element loop, which a GPU thread cannot wait for.")


def _element_grid(tree: StepTree) -> GridShape:
    _epilogue_is_return(tree)
    read = {n.id for s in tree.body for n in ast.walk(s) if isinstance(n, ast.Name)}
    indices = "".join(f"    {name} = {expr}\n" for name, expr in tree.inputs.scalar_indices.items() if name in read)
    size = tree.inputs.loop_size
    guard = ast.parse(f"_obj_i = cuda.grid(1)\nif _obj_i < {size}:\n{indices}    pass").body
    first = origin(tree.body[0]) if tree.body else None
    guard[1].body = located(guard[1].body[:-1], first) + _exits_to_return(tree, tree.body, events=False)
    tree.body = located(guard, first)
    return GridShape("", size)


def _vector_grid(tree: StepTree) -> GridShape:
    statements = tree.prelude + tree.body
    loops = [k for k, s in enumerate(statements) if isinstance(s, ast.For)]
    if not loops:
        shape = _elementwise_grid(tree, statements)
        if isinstance(shape, GridShape):
            return shape
        if shape is not None:
            raise _refuse(tree, shape, "this vector-mode statement works on whole arrays in a way that is not "
                                       "element by element; write the step in scalar mode, or as a loop over "
                                       "elements or events.")
    tree.epilogue = [s for s in statements[loops[-1] + 1:]] + tree.epilogue if loops else tree.epilogue
    _epilogue_is_return(tree)
    before = statements[:loops[0]] if loops else [s for s in statements if not isinstance(s, ast.Return)]
    for stmt in before:
        simple = isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets)
        if not simple:
            raise _refuse(tree, stmt, "this vector-mode statement works on whole arrays in a way that is not "
                                      "element by element; write the step in scalar mode, or as a loop over "
                                      "elements or events.")
    if not loops:  # nothing but local names: no thread has work
        tree.prelude, tree.body = [], []
        return GridShape("", "0")
    if len(loops) != 1:
        raise _refuse(tree, statements[loops[1]], "a vector-mode step runs on the GPU as one loop over its "
                                                  "elements or events, and this is a second loop.")
    loop = statements[loops[0]]
    call = loop.iter
    if not (isinstance(loop.target, ast.Name) and isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id == "range" and 1 <= len(call.args) <= 3 and not loop.orelse):
        raise _refuse(tree, loop, "only a loop over range(...) can become the GPU grid.")
    args = [ast.unparse(a) for a in call.args]
    start, stop = ("0", args[0]) if len(args) == 1 else (args[0], args[1])
    stride = args[2] if len(args) == 3 else "1"
    if not (stride.isdigit() and int(stride) > 0):
        raise _refuse(tree, loop, "a loop with a stride that is not a positive constant cannot become the grid.")
    events = {arg: part for arg, (_, _, part) in tree.event_args.items()}
    following = events.get(start) == "lo" and events.get(stop) == "hi"
    var = loop.target.id
    guard = ast.parse(f"{var} = {start} + {stride} * cuda.grid(1)\nif {var} < {stop}:\n    pass").body
    guard[1].body = _exits_to_return(tree, loop.body, events=following)
    tree.prelude, tree.body = list(before), located(guard, origin(loop))
    setup = "\n".join(ast.unparse(s) for s in before)
    if following:
        index = next(a for a, p in events.items() if p == "index")
        return GridShape(setup, "", index)
    return GridShape(setup, f"max(0, ({stop}) - ({start}) + {int(stride) - 1}) // {stride}")


def _elementwise_grid(tree: StepTree, statements: list[ast.stmt]) -> GridShape | ast.stmt | None:
    """A vector-mode step that works element by element on its own fields, as one thread per element.

    Each statement assigns a local name or a whole field (``ST_V[:] = V``), from fields, locals and
    parameters by arithmetic and NumPy's element-wise functions; the fields are then read and written
    at the thread's element. Otherwise the first statement not of that form (None: no field at all).
    """
    rows = [arg for arg, (state, _) in tree.row_args.items() if state == "ST"]
    foreign = {arg for arg, (state, _) in tree.row_args.items() if state != "ST"} | set(tree.list_args) | \
        set(tree.event_args) | set(tree.inputs.states) | set(tree.index_lists)
    if not rows:
        return None
    indexed = set(rows) | set(tree.per_element_args)
    body = [s for s in statements if not isinstance(s, ast.Return)]
    for stmt in body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] \
            if isinstance(stmt, ast.AugAssign) else None
        if targets is None or len(targets) != 1 or \
                not (isinstance(targets[0], ast.Name) or _whole_row(targets[0], rows)):
            return stmt
        for node in ast.walk(stmt.value):
            if isinstance(node, ast.Name) and node.id in foreign or isinstance(node, (ast.Subscript, ast.Attribute))\
                    and not _numpy_function(node):
                return stmt
    element = _Element(indexed)
    body = [ast.fix_missing_locations(element.visit(stmt)) for stmt in body]
    size = f"{rows[0]}.shape[0]"
    guard = ast.parse(f"_obj_i = cuda.grid(1)\nif _obj_i < {size}:\n    pass").body
    first = origin(body[0]) if body else None
    guard[1].body = body
    tree.prelude, tree.body = [], located(guard, first)
    tree.epilogue = [s for s in statements if isinstance(s, ast.Return)]
    return GridShape("", size)


def _whole_row(target: ast.expr, rows: list[str]) -> bool:
    return isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in rows \
        and isinstance(target.slice, ast.Slice) and not (target.slice.lower or target.slice.upper or target.slice.step)


def _numpy_function(node: ast.AST) -> bool:
    """Whether ``node`` is ``np.<f>`` of a function that works element by element (a reduction is not)."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np" and \
        node.attr in _MATH | set(_NUMPY_RENAMED) | _NUMPY_SCALARS | {"logical_and", "logical_or", "logical_not",
                                                                     "where"}


class _Element(ast.NodeTransformer):
    """Fields and per-element parameters at ``_obj_i``; NumPy's logical functions and ``where`` as Python's."""

    _LOGICAL = {"logical_and": ast.And, "logical_or": ast.Or}

    def __init__(self, indexed: set[str]):
        self.indexed = indexed

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in self.indexed and isinstance(node.slice, ast.Slice):
            return ast.Subscript(ast.Name(node.value.id, ast.Load()), ast.Name("_obj_i", ast.Load()), node.ctx)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.indexed and isinstance(node.ctx, ast.Load):
            return ast.Subscript(ast.Name(node.id, ast.Load()), ast.Name("_obj_i", ast.Load()), ast.Load())
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        return self.python_form(node)

    @classmethod
    def python_form(cls, node: ast.Call) -> ast.expr:
        """``np.logical_and(a, b)`` as ``a and b`` (likewise ``or``, ``not``, ``where``); other calls as they are."""
        name = node.func.attr if _numpy_function(node.func) else ""
        if name in cls._LOGICAL and len(node.args) == 2:
            return ast.BoolOp(cls._LOGICAL[name](), list(node.args))
        if name == "logical_not" and len(node.args) == 1:
            return ast.UnaryOp(ast.Not(), node.args[0])
        if name == "where" and len(node.args) == 3:
            return ast.IfExp(node.args[0], node.args[1], node.args[2])
        return node


def _exits_to_return(tree: StepTree, body: list[ast.stmt], events: bool) -> list[ast.stmt]:
    """``continue`` of the loop that became the grid ends the thread; so does ``break`` of an event scan.

    An event scan breaks at the first event beyond the synapse's presynaptic range; events are in
    order of elements, so every later one is beyond it too and ending each such thread is the same.
    """
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.Continue) or isinstance(stmt, ast.Break) and events:
            out.append(located([ast.Return(value=None)], origin(stmt))[0])
        elif isinstance(stmt, ast.Break):
            raise _refuse(tree, stmt, "a 'break' of the element loop stops the elements after it, which run "
                                      "at the same time on the GPU.")
        elif isinstance(stmt, ast.If):
            stmt.body = _exits_to_return(tree, stmt.body, events)
            stmt.orelse = _exits_to_return(tree, stmt.orelse, events)
            out.append(stmt)
        else:  # loops inside keep their own break and continue
            out.append(stmt)
    return out


class _DeviceRewriter:
    """Atomics for shared stores, the device flag for finite checks, ``math`` for NumPy; refusals."""

    def __init__(self, tree: StepTree):
        self.tree = tree
        self.events = {arg for arg, (_, _, part) in tree.event_args.items() if part in ("lo", "hi")}
        self.random = False
        self.own = {"_obj_i"} if tree.scalar else set()
        if not tree.scalar:
            for stmt in tree.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                    self.own.add(stmt.targets[0].id)  # the grid's own variable (an element, not an event)

    def block(self, statements: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in statements:
            out += located(self.statement(stmt), origin(stmt))
        return out

    def statement(self, stmt: ast.stmt) -> list[ast.stmt]:
        if isinstance(stmt, ast.Return):
            return [] if stmt.value is not None else [stmt]
        if isinstance(stmt, (ast.If, ast.For, ast.While)):
            self.expressions(stmt, [stmt.test] if not isinstance(stmt, ast.For) else [stmt.iter])
            stmt.body = self.block(stmt.body)
            stmt.orelse = self.block(stmt.orelse)
            return [stmt]
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == "_nonfinite":
            return self.flag(stmt)
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name) and \
                stmt.targets[0].id == "_nonfinite":
            return []
        if isinstance(stmt, ast.Expr) and _called(stmt.value) == "index_update":
            return self.index_update(stmt, stmt.value, None)
        if isinstance(stmt, (ast.Assign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            self.expressions(stmt, [stmt.value])
            shared = [t for t in targets if isinstance(t, ast.Subscript) and not self.owned(t)]
            if not shared:
                return [stmt]
            if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, (ast.Add, ast.Sub)):
                value = stmt.value if isinstance(stmt.op, ast.Add) else ast.UnaryOp(ast.USub(), stmt.value)
                return [self.atomic_add(stmt.target, value)]
            raise _refuse(self.tree, stmt, "many threads may store to one element here; on the GPU only "
                                           "'+=' and '-=' of shared elements are allowed (as atomic adds).")
        if isinstance(stmt, (ast.Expr, ast.Pass)):
            if isinstance(stmt, ast.Expr):
                self.expressions(stmt, [stmt.value])
            return [stmt]
        raise _refuse(self.tree, stmt, f"a '{type(stmt).__name__}' statement has no GPU form here.")

    def owned(self, target: ast.Subscript) -> bool:
        """Whether the store is to the thread's own element (its index is the grid variable)."""
        if self.tree.scalar and self.tree.element_local:
            return True
        return isinstance(target.slice, ast.Name) and target.slice.id in self.own

    def atomic_add(self, target: ast.Subscript, value: ast.expr) -> ast.stmt:
        call = ast.parse(f"cuda.atomic.add({ast.unparse(target.value)}, {ast.unparse(target.slice)}, 0)").body[0]
        call.value.args[2] = value
        return call

    def flag(self, stmt: ast.AugAssign) -> list[ast.stmt]:
        if _called(stmt.value) == "index_update":
            return self.index_update(stmt, stmt.value, True)
        self.expressions(stmt, [stmt.value])
        check = ast.parse(f"if _test:\n    cuda.atomic.min({FLAG_ARG}, 0, {STEP_ARG})").body[0]
        check.test = stmt.value
        return [check]

    def index_update(self, stmt: ast.stmt, call: ast.Call, checked: bool | None) -> list[ast.stmt]:
        """``index_update(target, index, value, op)``: a loop of atomic adds over ``index``."""
        target, index, value, op = call.args
        if not (isinstance(op, ast.Constant) and op.value in ("+", "-")):
            raise _refuse(self.tree, stmt, "a fancy-indexed store other than '+=' or '-=' may let many threads "
                                           "store to one element.")
        self.expressions(stmt, [target, index, value])
        j, old = self.tree.names.fresh("_j"), self.tree.names.fresh("_old")
        per_synapse = isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice)
        term = f"({ast.unparse(value)})[{j}]" if per_synapse else f"({ast.unparse(value)})"
        term = term if op.value == "+" else f"-{term}"
        lines = [f"for {j} in range(({ast.unparse(index)}).shape[0]):",
                 f"    {old} = cuda.atomic.add({ast.unparse(target)}, ({ast.unparse(index)})[{j}], {term})"]
        if checked:
            lines += [f"    if ({old} + {term}) * 0.0 != 0.0:", f"        cuda.atomic.min({FLAG_ARG}, 0, {STEP_ARG})"]
        return ast.parse("\n".join(lines)).body

    def expressions(self, stmt: ast.stmt, exprs: list[ast.expr]) -> None:
        """Rewrite calls and event bounds inside ``exprs`` in place; refuse calls with no device form."""
        for expr in exprs:
            for node in ast.walk(expr):
                for name, child in ast.iter_fields(node):
                    if isinstance(child, ast.expr):
                        setattr(node, name, self.expression(stmt, child))
                    elif isinstance(child, list):
                        setattr(node, name, [self.expression(stmt, c) if isinstance(c, ast.expr) else c
                                             for c in child])
        for k, expr in enumerate(exprs):  # a top-level expression itself
            replaced = self.expression(stmt, expr)
            if replaced is not expr:
                _replace_in(stmt, expr, replaced)

    def expression(self, stmt: ast.stmt, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Name) and node.id in self.events and isinstance(node.ctx, ast.Load):
            return ast.Subscript(value=node, slice=ast.Constant(0), ctx=ast.Load())
        if not isinstance(node, ast.Call):
            return node
        func = node.func
        draw = self.draw(node)
        if draw is not None:
            return draw
        if isinstance(func, ast.Name):
            if func.id in _BUILTINS or func.id in DEVICE_HELPERS:
                return node
            if func.id == "any_in_block" and isinstance(node.args[2], ast.Constant) and \
                    node.args[2].value in _COMPARISONS:
                node.func = ast.Name(f"any_in_block_{_COMPARISONS[node.args.pop(2).value]}", ast.Load())
                return node
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id == "cuda" or func.value.id == "math":
                return node
            if func.value.id == "np":
                if func.attr in _MATH:
                    node.func = ast.Attribute(ast.Name("math", ast.Load()), _RENAMED.get(func.attr, func.attr),
                                              ast.Load())
                    return node
                if func.attr in _NUMPY_RENAMED:
                    node.func = ast.Name(_NUMPY_RENAMED[func.attr], ast.Load())
                    return node
                if func.attr in _NUMPY_SCALARS:
                    return node
                logical = _Element.python_form(node)
                if logical is not node:
                    return logical
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and \
                ast.unparse(func.value) == "cuda.atomic":
            return node
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id == self.tree.inputs.rng:
            raise _refuse(self.tree, stmt, f"the random draw '{func.attr}' has no GPU form: on the GPU a step draws "
                                           f"one number at a time from its thread's generator (random, uniform, "
                                           f"standard_normal, normal, exponential).")
        raise _refuse(self.tree, stmt, f"'{ast.unparse(func)}(...)' has no GPU form (on the GPU a step may call "
                                       f"arithmetic, NumPy's scalar math functions and integrators only).")


    def draw(self, node: ast.Call) -> ast.expr | None:
        """A draw of one number from the network's generator as one from the thread's; None if not one."""
        rng, func = self.tree.inputs.rng, node.func
        if isinstance(func, ast.Name) and func.id == "normal_like" and node.args and \
                isinstance(node.args[0], ast.Name) and node.args[0].id == rng:
            method, given = "standard_normal", {}  # an SDE's Wiener increment, one per element
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == rng \
                and func.attr in _DRAWS and len(node.args) <= len(_DRAWS[func.attr]) \
                and all(k.arg in dict(_DRAWS[func.attr]) for k in node.keywords):
            method = func.attr
            given = {name: ast.unparse(a) for (name, _), a in zip(_DRAWS[method], node.args)}
            given.update({k.arg: ast.unparse(k.value) for k in node.keywords})
        else:
            return None
        self.random = True
        values = {name: given.get(name, default) for name, default in _DRAWS.get(method, ())}
        uniform, normal = f"{_UNIFORM}({RNG_ARG}, cuda.grid(1))", f"{_NORMAL}({RNG_ARG}, cuda.grid(1))"
        text = {"random": uniform, "standard_normal": normal,
                "normal": f"({values.get('loc')}) + ({values.get('scale')}) * {normal}",
                "uniform": f"({values.get('low')}) + (({values.get('high')}) - ({values.get('low')})) * {uniform}",
                "exponential": f"-({values.get('scale')}) * math.log(1.0 - {uniform})"}[method]
        return ast.parse(f"({text})", mode="eval").body


def _called(expr: ast.expr) -> str:
    return expr.func.id if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) else ""


def _replace_in(stmt: ast.stmt, old: ast.expr, new: ast.expr) -> None:
    for name, child in ast.iter_fields(stmt):
        if child is old:
            setattr(stmt, name, new)
        elif isinstance(child, list):
            setattr(stmt, name, [new if c is old else c for c in child])
