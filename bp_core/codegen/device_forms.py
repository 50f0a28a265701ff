"""What a step's statements become inside a GPU kernel (the rewrites ``passes.grid_loop`` makes in the grid).

Since threads run at once, what many threads may write to one element is made atomic: ``x[k] += v``
becomes ``cuda.atomic.add(x, k, v)``, and a fancy-indexed row update (``index_update``) a loop of such
adds. A kernel returns nothing: the safe mode's ``_nonfinite |= <test>`` becomes a device flag holding
the earliest step at which a stored value was NaN or infinite. NumPy's scalar functions become
``math``'s (numba-cuda compiles those). Random numbers come from one xoroshiro128+ generator per thread
(``numba.cuda.random``): ``random``, ``uniform``, ``standard_normal``, ``normal``, ``exponential``,
``binomial`` and ``geometric`` draws of one number, and the Wiener increments of SDE integrators. A helper of the step's
scope that names its device form (``bp_device_form = '<name>'``, a device function of the GPU runtime)
is called as that. A ``raise`` lowers the kernel's error value (``device_bounds.BOUNDS_ARG``) to its step
and line and ends the thread; the host reports it as the CPU's exception. What has no faithful GPU form
is refused with ``ModelUseError``, naming the step and the user's line.
"""

from __future__ import annotations

import ast

from bp_core.backend.runtime import GENERATOR_DRAWS
from bp_core.codegen.device_bounds import BOUNDS_ARG, LINE_BITS
from bp_core.codegen.tree import StepTree, located, origin
from bp_core.errors import ModelUseError

__all__ = ["DeviceRewriter", "FLAG_ARG", "STEP_ARG", "RNG_ARG", "DEVICE_HELPERS", "refuse", "refuse_random",
           "numpy_function", "python_form"]

FLAG_ARG = "_gpu_flag"
"""Kernel argument: one int64, the earliest step at which the step stored a NaN or an infinity."""
STEP_ARG = "_gpu_step"
"""Kernel argument: the number of the current step (what the flag records)."""
RNG_ARG = "_gpu_rng"
"""Kernel argument: the random generators' states, one per thread of the grid."""
_UNIFORM, _NORMAL = "xoroshiro128p_uniform_float64", "xoroshiro128p_normal_float64"
_DRAWS = {"random": (), "standard_normal": (), "normal": (("loc", "0.0"), ("scale", "1.0")),
          "uniform": (("low", "0.0"), ("high", "1.0")), "exponential": (("scale", "1.0"),),
          "binomial": (("n", None), ("p", None)), "geometric": (("p", None),)}
_BINOMIAL, _GEOMETRIC = "binomial_draw", "geometric_draw"
_HELPER_DRAWS = {helper: method for method, helper in GENERATOR_DRAWS.items()}  # -> (method, arguments)

_MATH = {"exp", "log", "log10", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
         "sinh", "cosh", "tanh", "floor", "ceil", "isnan", "isinf", "isfinite", "fabs", "arctan2", "hypot"}
_RENAMED = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arctan2": "atan2"}
_BUILTINS = {"range", "len", "min", "max", "abs", "float", "int", "bool"}
_NUMPY_SCALARS = {"float64", "float32", "int64", "int32", "bool_"}
_NUMPY_RENAMED = {"abs": "abs", "absolute": "abs", "minimum": "min", "maximum": "max", "fmin": "min", "fmax": "max"}
_COMPARISONS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "==": "eq", "!=": "ne"}
DEVICE_HELPERS = {"exprel", "floor_divide", "remainder", _UNIFORM, _NORMAL, _BINOMIAL, _GEOMETRIC,
                  "gpu_binomial_from_cdf"} | \
    {f"any_in_block_{c}" for c in _COMPARISONS.values()}
"""Runtime helpers generated device code may call (the GPU target provides them as device functions)."""
SIMD_FORMS = {"simd_exp": "exp", "simd_expm1": "expm1"}
"""The CPU's forms of math functions (``passes.simd_math``) -> the device's ``math`` function."""
_LOGICAL = {"logical_and": ast.And, "logical_or": ast.Or}


def refuse(tree: StepTree, node: ast.AST, why: str) -> ModelUseError:
    step = tree.inputs.step
    line = origin(node) if isinstance(node, ast.stmt) else None
    where = f"{step.source_file}, line {line}" if line is not None else f"{step.source_file}, line {step.first_line}"
    return ModelUseError(f"{tree.inputs.description or step.name} cannot run on the GPU: {why}\n  at {where}\n"
                         f"Run it with bp.profile.set(device='cpu').")


def refuse_random(tree: StepTree) -> None:
    rng = tree.inputs.rng
    for stmt in tree.statements():
        for inner in ast.walk(stmt):
            if isinstance(inner, ast.stmt):
                for node in ast.walk(inner):
                    random = isinstance(node, ast.Name) and node.id == rng or \
                        isinstance(node, ast.Attribute) and node.attr == "random"
                    if random:
                        raise refuse(tree, inner, "on the GPU a step draws one number at a time from its "
                                                   "thread's generator (random, uniform, standard_normal, "
                                                   "normal, exponential, binomial, geometric); this draw has "
                                                   "no GPU form.")


def numpy_function(node: ast.AST) -> bool:
    """Whether ``node`` is ``np.<f>`` of a function that works element by element (a reduction is not)."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np" and \
        node.attr in _MATH | set(_NUMPY_RENAMED) | _NUMPY_SCALARS | {"logical_and", "logical_or", "logical_not",
                                                                     "where"}


def python_form(node: ast.Call) -> ast.expr:
    """``np.logical_and(a, b)`` as ``a and b`` (likewise ``or``, ``not``, ``where``); other calls as they are."""
    name = node.func.attr if numpy_function(node.func) else ""
    if name in _LOGICAL and len(node.args) == 2:
        return ast.BoolOp(_LOGICAL[name](), list(node.args))
    if name == "logical_not" and len(node.args) == 1:
        return ast.UnaryOp(ast.Not(), node.args[0])
    if name == "where" and len(node.args) == 3:
        return ast.IfExp(node.args[0], node.args[1], node.args[2])
    return node


class DeviceRewriter:
    """Atomics for shared stores, the device flag for finite checks, ``math`` for NumPy; refusals."""

    def __init__(self, tree: StepTree):
        self.tree = tree
        self.events = {arg for arg, (_, _, part) in tree.event_args.items() if part in ("lo", "hi")}
        self.random = False
        self.raises: dict[int, str] = {}  # user's line -> what its raise raises
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
            raise refuse(self.tree, stmt, "many threads may store to one element here; on the GPU only "
                                           "'+=' and '-=' of shared elements are allowed (as atomic adds).")
        if isinstance(stmt, ast.Raise):
            return self.raised(stmt)
        if isinstance(stmt, (ast.Expr, ast.Pass)):
            if isinstance(stmt, ast.Expr):
                self.expressions(stmt, [stmt.value])
            return [stmt]
        raise refuse(self.tree, stmt, f"a '{type(stmt).__name__}' statement has no GPU form here.")

    def raised(self, stmt: ast.Raise) -> list[ast.stmt]:
        """``raise E(message)``: the error value lowered to this step and line; the thread ends."""
        line = origin(stmt) or 0
        exc = stmt.exc
        kind = ast.unparse(exc.func if isinstance(exc, ast.Call) else exc) if exc is not None else "Exception"
        args = exc.args if isinstance(exc, ast.Call) else []
        said = args[0].value if len(args) == 1 and isinstance(args[0], ast.Constant) else \
            ", ".join(ast.unparse(a) for a in args)
        self.raises[line] = f"{kind}: {said}" if said else kind
        return ast.parse(f"cuda.atomic.min({BOUNDS_ARG}, 0, {STEP_ARG} * {2 ** LINE_BITS} + {line})\nreturn").body

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
            raise refuse(self.tree, stmt, "a fancy-indexed store other than '+=' or '-=' may let many threads "
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
            form = getattr(self.tree.inputs.step.all_scope().get(func.id), "bp_device_form", None)
            if form in DEVICE_HELPERS:  # a helper of the step's scope with a device form: called as that
                node.func = ast.Name(form, ast.Load())
                return node
            if func.id in _BUILTINS or func.id in DEVICE_HELPERS:
                return node
            if func.id in SIMD_FORMS:  # the CPU's vectorisable exp (passes.simd_math): the device has its own
                node.func = ast.Attribute(ast.Name("math", ast.Load()), SIMD_FORMS[func.id], ast.Load())
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
                logical = python_form(node)
                if logical is not node:
                    return logical
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and \
                ast.unparse(func.value) == "cuda.atomic":
            return node
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id == self.tree.inputs.rng:
            raise refuse(self.tree, stmt, f"the random draw '{func.attr}' has no GPU form: on the GPU a step draws "
                                           f"one number at a time from its thread's generator (random, uniform, "
                                           f"standard_normal, normal, exponential, binomial, geometric).")
        raise refuse(self.tree, stmt, f"'{ast.unparse(func)}(...)' has no GPU form (on the GPU a step may call "
                                       f"arithmetic, NumPy's scalar math functions and integrators only).")


    def draw(self, node: ast.Call) -> ast.expr | None:
        """A draw of one number from the network's generator as one from the thread's; None if not one."""
        rng, func = self.tree.inputs.rng, node.func
        if isinstance(func, ast.Name) and func.id == "normal_like" and node.args and \
                isinstance(node.args[0], ast.Name) and node.args[0].id == rng:
            method, given = "standard_normal", {}  # an SDE's Wiener increment, one per element
        elif isinstance(func, ast.Name) and func.id in _HELPER_DRAWS and not node.keywords and node.args and \
                isinstance(node.args[0], ast.Name) and node.args[0].id == rng and \
                len(node.args) == 1 + _HELPER_DRAWS[func.id][1]:
            method = _HELPER_DRAWS[func.id][0]  # a draw as the CPU's helper call (passes.rewrite_access)
            given = {name: ast.unparse(a) for (name, _), a in zip(_DRAWS[method], node.args[1:])}
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == rng \
                and func.attr in _DRAWS and len(node.args) <= len(_DRAWS[func.attr]) \
                and all(k.arg in dict(_DRAWS[func.attr]) for k in node.keywords):
            method = func.attr
            given = {name: ast.unparse(a) for (name, _), a in zip(_DRAWS[method], node.args)}
            given.update({k.arg: ast.unparse(k.value) for k in node.keywords})
        else:
            return None
        values = {name: given.get(name, default) for name, default in _DRAWS.get(method, ())}
        if None in values.values():  # a draw without a default (binomial's n and p) must be given them
            return None
        self.random = True
        uniform, normal = f"{_UNIFORM}({RNG_ARG}, cuda.grid(1))", f"{_NORMAL}({RNG_ARG}, cuda.grid(1))"
        text = {"random": uniform, "standard_normal": normal,
                "normal": f"({values.get('loc')}) + ({values.get('scale')}) * {normal}",
                "uniform": f"({values.get('low')}) + (({values.get('high')}) - ({values.get('low')})) * {uniform}",
                "exponential": f"-({values.get('scale')}) * math.log(1.0 - {uniform})",
                "binomial": f"{_BINOMIAL}({RNG_ARG}, cuda.grid(1), {values.get('n')}, {values.get('p')})",
                "geometric": f"{_GEOMETRIC}({RNG_ARG}, cuda.grid(1), {values.get('p')})"}[method]
        return ast.parse(f"({text})", mode="eval").body


def _called(expr: ast.expr) -> str:
    return expr.func.id if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) else ""


def _replace_in(stmt: ast.stmt, old: ast.expr, new: ast.expr) -> None:
    for name, child in ast.iter_fields(stmt):
        if child is old:
            setattr(stmt, name, new)
        elif isinstance(child, list):
            setattr(stmt, name, [new if c is old else c for c in child])
