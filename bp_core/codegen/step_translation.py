"""Translation of a model's step function into a standalone generated function.

The user writes ``ST['V']``, ``pre['spike']``, module-level parameters and calls to
integrators; the generated function reads rows of state arrays, receives the
parameters as arguments, inlines each integrator step, and in scalar mode loops
over the elements. The result is plain Python that numba compiles and that runs
unchanged under NumPy.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field

import numpy as np

from bp_core.codegen.finite_folding import FLAG, fold_finite_checks
from bp_core.codegen.float_literals import follow_float_type
from bp_core.codegen.hoisting import hoist_invariants, hoist_per_source
from bp_core.codegen.idioms import lower_idioms
from bp_core.codegen.sparse_scan import skip_quiet_blocks
from bp_core.errors import ModelDefError, close_matches
from bp_core.integration.methods import render_step
from bp_core.integration.rendering import NameAllocator, StepContext
from bp_core.model.step_function import READING_METHODS, StepFunction

__all__ = ["StateAccess", "DelayAccess", "GeneratedStep", "translate_step", "as_identifier", "safe_text",
           "RANDOM_METHODS"]

RANDOM_METHODS = {
    "random": "random", "rand": "random", "random_sample": "random", "randn": "standard_normal",
    "standard_normal": "standard_normal", "normal": "normal", "uniform": "uniform", "poisson": "poisson",
    "exponential": "exponential", "binomial": "binomial", "randint": "integers", "gamma": "gamma",
}
"""Legacy ``np.random`` functions and the Generator method each becomes (seeded by the network)."""


REMOVED_NUMPY_ALIASES = {"float_": "float64", "complex_": "complex128", "bool8": "bool_", "int0": "intp",
                         "uint0": "uintp", "Inf": "inf", "NaN": "nan"}
"""NumPy names removed in NumPy 2 that BrainPy-era models still use, and what replaces them."""


@dataclass
class StateAccess:
    """How a step reads one state argument (``ST``, ``pre`` or ``post``).

    Attributes
    ----------
    fields : dict
        Field name -> row of the data array.
    index : str, optional
        Element index in scalar mode (``_obj_i``, ``_pre_i``, ``_post_i``).
    select : str, optional
        Vector mode on part of a group: a slice text ``'lo:hi'`` or the name of an index array argument.
    ndim : int
        Dimensions of the data array (2, or 3 for matrix-mode synapse state).
    """

    fields: dict[str, int]
    index: str | None = None
    select: str | None = None
    select_is_array: bool = False
    ndim: int = 2


@dataclass
class DelayAccess:
    """Where a delayed step reads the delayed fields of ST."""

    buffer: str
    read: str
    rows: dict[str, int]


@dataclass
class GeneratedStep:
    """A generated step function: its name, source, and argument names in order.

    ``param_args`` maps model parameters to the argument names they take; ``row_args`` maps
    arguments holding one field of a state to ``(state, field)``. ``indexes_user_data`` is False
    when every index in the step is generated (element loops, state fields, delay buffers),
    so the step needs no bounds checks. ``list_args`` maps arguments to the compressed-row part
    (``'<list>_ptr'`` or ``'<list>_idx'``) of an index list they hold. ``risky_fields`` are the
    ``(state, field)`` pairs the step may make NaN or infinite (it stores computed values in them).
    ``parallel`` is True when the element loop runs with ``prange``. ``folded_fields`` are the risky
    fields the step checks itself as it stores them; when there are any, the step returns True if it
    stored a NaN or an infinity.
    """

    name: str
    source: str
    args: list[str]
    param_args: dict[str, str] = field(default_factory=dict)
    row_args: dict[str, tuple[str, str]] = field(default_factory=dict)
    indexes_user_data: bool = True
    list_args: dict[str, str] = field(default_factory=dict)
    risky_fields: set[tuple[str, str]] = field(default_factory=set)
    parallel: bool = False
    folded_fields: set[tuple[str, str]] = field(default_factory=set)


def translate_step(step: StepFunction, func_name: str, mode: str, states: dict[str, StateAccess],
                   param_names: list[str], per_element: set[str] = frozenset(), index_lists: set[str] = frozenset(),
                   unique_lists: set[str] = frozenset(), float_type: type = np.float64, check_finite: bool = False,
                   parallel: bool = False, delay: DelayAccess | None = None, loop_size: str | None = None,
                   scalar_indices: dict[str, str] | None = None, rng: str = "_rng",
                   description: str = "") -> GeneratedStep:
    """Translate ``step`` into the source of function ``func_name``.

    Parameters
    ----------
    step : StepFunction
    func_name : str
        Name of the generated function.
    mode : str
        'scalar', 'vector' or 'matrix'.
    states : dict
        State argument ('ST', 'pre', 'post') -> how to access it.
    param_names : list of str
        The model's runtime parameters (all of them; unused ones are dropped).
    per_element : set of str
        Parameters with one value per element: scalar mode reads them at the element's index.
    parallel : bool
        Scalar mode: run the element loop with ``prange`` (on all cores) when every iteration only
        writes its own element and draws no random numbers, so iterations are independent.
    index_lists : set of str
        Arguments holding one index array per element (``pre2post``, ...). Compiled code gets each
        as two arrays, ``<name>_ptr`` and ``<name>_idx`` (compressed rows: element ``i`` owns
        ``idx[ptr[i]:ptr[i + 1]]``), which numba indexes far faster than a list of arrays.
    unique_lists : set of str
        Index lists whose rows hold no duplicate: fancy-indexed updates through them become loops.
    float_type : type
        The state's float type: numeric literals in arithmetic take it (see ``float_literals``).
    check_finite : bool
        The run checks states for NaN/inf: single-element stores test their value, and the step returns
        whether one was not finite (see ``finite_folding``).
    delay : DelayAccess, optional
        Set for ``@delayed`` steps.
    loop_size : str, optional
        Scalar mode: expression of the number of elements.
    scalar_indices : dict, optional
        Scalar mode: index name -> expression computing it from ``_obj_i`` (e.g. ``'_pre_i': 'pre_ids[_obj_i]'``).
    description : str
        First line of the generated docstring.
    """
    translator = _Translator(step, mode, states, param_names, per_element, index_lists, delay, rng, unique_lists,
                             float_type)
    translator.fold = check_finite
    translator.parallel = parallel
    body = translator.body()
    indent = "    "
    lines: list[str] = []
    reports = [f"{FLAG} = False"] if translator.folded_fields else []
    if mode == "scalar":
        lines += translator.prelude + reports
        loop = "prange" if parallel and translator.element_local else "range"
        lines.append(f"for _obj_i in {loop}({loop_size}):")
        for name, expr in (scalar_indices or {}).items():
            if translator.uses(name):
                lines.append(f"{indent}{name} = {expr}")
        lines += [indent + ln for ln in body]
    else:
        lines += reports + body
    if translator.folded_fields:
        lines.append(f"return {FLAG}")
    args = translator.arguments(scalar_indices)
    doc = safe_text(description or f"{step.name!r} step of model {step.model_name!r}")
    source = f"def {func_name}({', '.join(args)}):\n    \"\"\"{doc}, generated by bp_core.\"\"\"\n"
    source += "\n".join(indent + ln for ln in lines) + "\n"
    return GeneratedStep(func_name, source, args, translator.param_args, translator.row_args,
                         translator.indexes_user_data, translator.list_args, translator.risky_fields,
                         mode == "scalar" and parallel and translator.element_local, translator.folded_fields)


class _Translator:
    def __init__(self, step: StepFunction, mode: str, states: dict[str, StateAccess], param_names: list[str],
                 per_element: set[str], index_lists: set[str], delay: DelayAccess | None, rng: str,
                 unique_lists: set[str] = frozenset(), float_type: type = np.float64):
        self.step = step
        self.mode = mode
        self.states = states
        self.delay = delay
        self.rng = rng
        taken = set(step.args) | step.locals | set(step.scope) | set(step.integrators) | {"np", rng, "_obj_i",
                                                                                          "_pre_i", "_post_i"}
        self.names = NameAllocator(taken)
        used_pars = set(step.parameters)
        for integrator in step.integrators.values():
            used_pars |= set(integrator.diff_eq.resolve_free_names()[0])
        self.param_args: dict[str, str] = {}
        for name in param_names:
            if name in used_pars:
                self.param_args[name] = name if name not in step.locals else self.names.fresh(f"{name}_par")
        self.names.reserve(*self.param_args.values())
        self.per_element_args = {arg for par, arg in self.param_args.items() if par in per_element}
        self.row_args: dict[str, tuple[str, str]] = {}
        self.indexes_user_data = False
        self.index_lists = set(index_lists) & set(step.args)
        self.unique_lists = set(unique_lists) & self.index_lists
        self.float_type = float_type
        self.list_args: dict[str, str] = {}  # argument -> '<list>_ptr' or '<list>_idx'
        self._list_arg_of: dict[str, str] = {}
        self._row_arg_of: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()

    # -- public ---------------------------------------------------------------------------------

    def body(self) -> list[str]:
        statements = self._inline_block(copy.deepcopy(self.step.node.body))
        if self.mode != "scalar":
            vector_fields = {(state, key) for state, access in self.states.items()
                             if access.index is None and access.ndim == 2 for key in access.fields}
            selected = {state for state, access in self.states.items() if access.select_is_array}
            # matrix-mode fields are 2-D: an index-list update of them is not one element per index
            lists = self.unique_lists if self.mode == "vector" else set()
            statements = lower_idioms(statements, lists, vector_fields, selected, self.names)
        self.risky_fields = _risky_fields(statements, self.states, self.mode != "scalar")
        statements = _flatten(_Rewriter(self).visit(s) for s in statements)
        if statements and isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
            statements = statements[1:]  # the user's docstring
        statements = skip_quiet_blocks(statements, self.names)
        prelude: list[ast.stmt] = []
        if self.mode == "scalar" and not any(isinstance(n, ast.Return) for s in statements for n in ast.walk(s)):
            invariant = set(self.param_args.values()) - self.per_element_args | {"_t", "_dt", "_i"}
            pre = self.states.get("pre")
            if pre is not None and pre.index is not None:
                pre_fields = {arg for arg, (state, _) in self.row_args.items() if state == "pre"}
                prelude, statements = hoist_per_source(statements, invariant, pre.index, pre_fields, self.names)
            hoisted, statements = hoist_invariants(statements, invariant, self.names)
            prelude = hoisted + prelude
        prelude = follow_float_type(prelude, self.float_type)
        statements = follow_float_type(statements, self.float_type)
        self.prelude = _unparse(prelude) if prelude else []
        self.element_local = self.mode == "scalar" and _element_local(statements, self._own_rows(), self.rng)
        self.folded_fields: set[tuple[str, str]] = set()
        if getattr(self, "fold", False) and not (self.mode == "scalar" and self.parallel and self.element_local):
            statements, self.folded_fields = fold_finite_checks(
                statements, self.row_args, self.risky_fields, {"_obj_i"} if self.mode == "scalar" else set())
        text = "\n".join(self.prelude + _unparse(statements or [ast.Pass()]))
        self._used = {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)}
        return _unparse(statements or [ast.Pass()])

    def row_argument(self, state: str, key: str) -> str:
        """The argument holding field ``key`` of ``state`` as its own array (one row of the data).

        Steps receive fields as separate arrays rather than rows of one 2-D array: LLVM then
        vectorizes scalar-mode loops, which it does not do through 2-D indexing (8x on COBA).
        """
        name = self._row_arg_of.get((state, key))
        if name is None:
            name = self.names.fresh(f"{state}_{as_identifier(key)}")
            self._row_arg_of[(state, key)] = name
            self.row_args[name] = (state, key)
        return name

    def list_argument(self, name: str, part: str) -> str:
        """The argument holding part ``'ptr'`` or ``'idx'`` of index list ``name``."""
        key = f"{name}_{part}"
        arg = self._list_arg_of.get(key)
        if arg is None:
            arg = self._list_arg_of[key] = self.names.fresh(key)
            self.list_args[arg] = key
        return arg

    def _own_rows(self) -> set[str]:
        return {arg for arg, (state, _) in self.row_args.items() if state == "ST"}

    def uses(self, name: str) -> bool:
        return name in self._used

    def arguments(self, scalar_indices: dict[str, str] | None) -> list[str]:
        """The generated function's arguments: the user's, then whatever else the body reads."""
        used_indices = [expr for name, expr in (scalar_indices or {}).items() if name in self._used]
        index_sources = [n.id for expr in used_indices for n in ast.walk(ast.parse(expr, mode="eval"))
                         if isinstance(n, ast.Name) and n.id != "_obj_i"]
        needed = set(self._used) | set(index_sources)
        selections = [a.select for a in self.states.values() if a.select_is_array]
        candidates = selections + list(self.states) + list(self.row_args) + list(self.list_args) + \
            ["_t", "_i", "_dt"] + index_sources + [self.rng] + list(self.param_args.values())
        # an index list whose every use became compressed-row access is not passed as a list
        args = [a for a in self.step.args if a not in self.index_lists or a in needed]
        for name in candidates:
            if name in needed and name not in args:
                args.append(name)
        if self.delay is not None and self.delay.buffer in needed:
            args += [self.delay.buffer, self.delay.read]
        return args

    # -- integrators ----------------------------------------------------------------------------

    def _inline_block(self, statements: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in statements:
            pending: list[str] = []
            inliner = _IntegratorInliner(self, pending)
            if isinstance(stmt, (ast.If, ast.While)):
                stmt.test = inliner.visit(stmt.test)
                stmt.body = self._inline_block(stmt.body)
                stmt.orelse = self._inline_block(stmt.orelse)
            elif isinstance(stmt, ast.For):
                stmt.iter = inliner.visit(stmt.iter)
                stmt.body = self._inline_block(stmt.body)
                stmt.orelse = self._inline_block(stmt.orelse)
            elif isinstance(stmt, ast.With):
                stmt.body = self._inline_block(stmt.body)
            else:
                stmt = inliner.visit(stmt)
            out += ast.parse("\n".join(pending)).body if pending else []
            out.append(stmt)
        return out

    def inline_call(self, name: str, call: ast.Call, pending: list[str]) -> ast.expr:
        integrator = self.step.integrators[name]
        eq = integrator.diff_eq
        expected = 2 + len(eq.arg_names)
        if len(call.args) != expected or call.keywords:
            raise ModelDefError(
                f"{self.step.where()} calls {name}() with {len(call.args)} positional argument(s); it takes "
                f"{expected}: ({', '.join([eq.var_name, eq.t_name, *eq.arg_names])}).")
        prefix = f"_{name}_"
        bound: list[str] = []
        for arg_name, node in zip([eq.var_name, eq.t_name, *eq.arg_names], call.args):
            text = ast.unparse(node)
            if isinstance(node, ast.Name):
                bound.append(text)
            else:
                var = self.names.fresh(prefix + arg_name)
                pending.append(f"{var} = {text}")
                bound.append(var)
        pars, _ = eq.resolve_free_names()
        args = dict(zip(eq.arg_names, bound[2:]))
        args.update({p: self.param_args[p] for p in pars})
        dw = None
        if eq.is_stochastic:
            dw = self.names.fresh(f"{prefix}dW")
            pending.append(f"{dw} = normal_like({self.rng}, {bound[0]}) * np.sqrt(_dt)")
        ctx = StepContext(x=bound[0], t=bound[1], dt="_dt", args=args, names=self.names, dW=dw,
                          result=f"{prefix}{eq.var_name}_new", local_prefix=prefix)
        code = render_step(eq, integrator.method, ctx, **integrator.options)
        pending.extend(code.lines)
        if not code.extras:
            return ast.Name(code.result, ast.Load())
        return ast.Tuple([ast.Name(code.result, ast.Load())] + [ast.parse(e, mode="eval").body for e in code.extras],
                         ast.Load())


class _IntegratorInliner(ast.NodeTransformer):
    def __init__(self, translator: _Translator, pending: list[str]):
        self.translator = translator
        self.pending = pending

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in self.translator.step.integrators:
            return self.translator.inline_call(node.func.id, node, self.pending)
        return node


class _Rewriter(ast.NodeTransformer):
    """State access, parameters and random numbers, in one pass."""

    def __init__(self, translator: _Translator):
        self.t = translator

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in self.t.states and \
                isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            return self._state_item(node.value.id, node.slice.value, node.ctx, node)
        self.t.indexes_user_data = True
        if self._is_index_list_item(node) and isinstance(node.ctx, ast.Load):
            self.generic_visit(node)
            ptr, idx = (self.t.list_argument(node.value.id, part) for part in ("ptr", "idx"))
            row = ast.unparse(node.slice)
            return _expr(f"{idx}[{ptr}[{row}]:{ptr}[{row} + 1]]", node)
        self.generic_visit(node)
        return node

    def _state_item(self, state: str, key: str, ctx: ast.expr_context, node: ast.AST) -> ast.AST:
        access = self.t.states[state]
        if key not in access.fields:
            raise ModelDefError(f"{self.t.step.where()} uses {state}[{key!r}], but that state has no field "
                                f"{key!r}.{close_matches(key, access.fields)}")
        delay = self.t.delay
        if state == "ST" and delay is not None and key in delay.rows and isinstance(ctx, ast.Load):
            index = f"{delay.read}, {delay.rows[key]}" + (f", {access.index}" if access.index else "")
            return _expr(f"{delay.buffer}[{index}]", node)
        rows = self.t.row_argument(state, key)
        if access.index is not None:
            return _expr(f"{rows}[{access.index}]", node, ctx)
        if access.select is None:
            if isinstance(ctx, ast.Load):
                return _expr(rows, node)
            return _expr(f"{rows}[{', '.join([':'] * (access.ndim - 1))}]", node, ctx)
        return _expr(f"{rows}[{access.select}]", node, ctx)

    def _is_index_list_item(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
            node.value.id in self.t.index_lists and not isinstance(node.slice, (ast.Slice, ast.Tuple))

    def visit_For(self, node: ast.For) -> ast.AST | list[ast.stmt]:
        """``for j in pre2post[i]`` walks the compressed rows by position (numba's array iterator is slow)."""
        if not (self._is_index_list_item(node.iter) and isinstance(node.target, ast.Name) and not node.orelse):
            self.generic_visit(node)
            return node
        self.t.indexes_user_data = True
        self.visit(node.iter.slice)
        name = node.iter.value.id
        ptr, idx = (self.t.list_argument(name, part) for part in ("ptr", "idx"))
        prefix: list[ast.stmt] = []
        row = node.iter.slice
        if not isinstance(row, (ast.Name, ast.Constant)):
            var = self.t.names.fresh(f"_{name}_row")
            prefix.append(ast.copy_location(ast.parse(f"{var} = {ast.unparse(row)}").body[0], node))
            row = ast.Name(var, ast.Load())
        k = self.t.names.fresh("_k")
        row_text = ast.unparse(row)
        loop = ast.parse(f"for {k} in range({ptr}[{row_text}], {ptr}[{row_text} + 1]):\n"
                         f"    {node.target.id} = {idx}[{k}]").body[0]
        loop.body += _flatten(self.visit(stmt) for stmt in node.body)
        return prefix + [ast.copy_location(loop, node)]

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        """``a // b`` and ``a % b`` by a divisor that may be 0 go through ``floor_divide``/``remainder``.

        Compiled integer division by zero gives 0 (NumPy's error model) where Python raises; the helpers
        raise in both, so the run stops with an error instead of a silently wrong state.
        """
        self.generic_visit(node)
        divisor = node.right
        nonzero = isinstance(divisor, ast.Constant) and isinstance(divisor.value, (int, float)) and divisor.value != 0
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and not nonzero:
            helper = "floor_divide" if isinstance(node.op, ast.FloorDiv) else "remainder"
            return ast.copy_location(ast.Call(ast.Name(helper, ast.Load()), [node.left, node.right], []), node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.t.per_element_args and isinstance(node.ctx, ast.Load) and self.t.mode == "scalar":
            return _expr(f"{node.id}[_obj_i]", node)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.value, ast.Name) and node.value.id in ("np", "numpy") and node.attr in REMOVED_NUMPY_ALIASES:
            node.attr = REMOVED_NUMPY_ALIASES[node.attr]
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1 and \
                isinstance(node.args[0], ast.Name) and node.args[0].id in self.t.index_lists:
            return _expr(f"({self.t.list_argument(node.args[0].id, 'ptr')}.shape[0] - 1)", node)
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) \
                and func.value.attr == "random" and isinstance(func.value.value, ast.Name) \
                and func.value.value.id in ("np", "numpy") and func.attr in RANDOM_METHODS:
            node.func = ast.Attribute(ast.Name(self.t.rng, ast.Load()), RANDOM_METHODS[func.attr], ast.Load())
            if func.attr in ("rand", "randn") and len(node.args) > 1:
                node.args = [ast.Tuple(node.args, ast.Load())]
        return node


def _element_local(statements: list[ast.stmt], own_rows: set[str], rng: str) -> bool:
    """Whether loop iterations are independent: each writes only locals and its own element of ST."""
    for node in ast.walk(ast.Module(body=statements, type_ignores=[])):
        if isinstance(node, (ast.Return, ast.Break, ast.Global, ast.Nonlocal)) or \
                (isinstance(node, ast.Name) and node.id == rng):
            return False
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            return False  # an accumulation across elements
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    continue
                if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and
                        target.value.id in own_rows and isinstance(target.slice, ast.Name) and
                        target.slice.id == "_obj_i"):
                    return False
    return True


def _risky_fields(statements: list[ast.stmt], states: dict[str, StateAccess], arrays: bool
                  ) -> set[tuple[str, str]]:
    """Fields that may become non-finite: those stored with anything but a literal or the time.

    Fields only ever set to constants, to ``_t`` or incremented by a constant (a spike flag, the
    last spike time, a counter) cannot, so the per-step NaN/inf check skips them. With ``arrays``
    (vector and matrix mode, where reading a field gives a view), a field read into a local that
    is then written through, or handed to a function, counts as stored.
    """
    risky: set[tuple[str, str]] = set()
    module = ast.Module(body=statements, type_ignores=[])
    whole: set[str] = set()
    keyed: set[int] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in states:
            keyed.add(id(node.value))
    for node in ast.walk(module):
        if isinstance(node, ast.Name) and node.id in states and id(node) not in keyed:
            whole.add(node.id)  # the state itself escapes (passed on, aliased): anything may be written
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bounded = _bounded(node.value) if isinstance(node, ast.Assign) else \
                isinstance(node.op, (ast.Add, ast.Sub)) and _bounded(node.value)
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and \
                            sub.value.id in states and isinstance(sub.slice, ast.Constant) and not bounded:
                        risky.add((sub.value.id, sub.slice.value))
    for state in whole:
        risky |= {(state, key) for key in states[state].fields}
    if arrays:
        risky |= _escaping_views(module, states)
    return {(state, key) for state, key in risky if key in states[state].fields}


def _field_of(node: ast.AST, states: dict[str, StateAccess]) -> tuple[str, str] | None:
    """``(state, field)`` if ``node`` is ``state['field']``, possibly sliced or indexed further."""
    while isinstance(node, ast.Subscript):
        if isinstance(node.value, ast.Name) and node.value.id in states and isinstance(node.slice, ast.Constant):
            return node.value.id, node.slice.value
        node = node.value
    return None


def _escaping_views(module: ast.Module, states: dict[str, StateAccess]) -> set[tuple[str, str]]:
    aliases: dict[str, tuple[str, str]] = {}
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            field_ = _field_of(node.value, states)
            if field_ is not None:
                aliases[node.targets[0].id] = field_
    risky: set[tuple[str, str]] = set()

    def field_of(arg: ast.AST) -> tuple[str, str] | None:
        return _field_of(arg, states) or (aliases.get(arg.id) if isinstance(arg, ast.Name) else None)

    for node in ast.walk(module):
        if isinstance(node, ast.Call):
            func = node.func
            numpy_call = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id in ("np", "numpy", "math")
            # a NumPy function reads its first argument; any later one may be its output (np.sqrt(x, out))
            for arg in (node.args[1:] if numpy_call else node.args) + [k.value for k in node.keywords]:
                if field_of(arg) is not None:
                    risky.add(field_of(arg))
            if isinstance(func, ast.Attribute) and func.attr not in READING_METHODS and \
                    field_of(func.value) is not None:
                risky.add(field_of(func.value))  # V.fill(x), V.sort(), V.put(...) write the field
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AugAssign) else []
        for target in targets:
            base = target
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases and (base is not target or
                                                                       isinstance(node, ast.AugAssign)):
                risky.add(aliases[base.id])
    return risky


def _bounded(value: ast.expr) -> bool:
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
        return _bounded(value.operand)
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (int, float)) and np.isfinite(value.value)
    return isinstance(value, ast.Name) and value.id == "_t"


def _flatten(items) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for item in items:
        out += item if isinstance(item, list) else [item]
    return out


def _unparse(statements: list[ast.stmt]) -> list[str]:
    module = ast.Module(body=[ast.fix_missing_locations(s) for s in statements], type_ignores=[])
    return ast.unparse(module).split("\n")


def safe_text(text: str) -> str:
    """``text`` fit for a comment or docstring of generated code: no line break, quote or backslash escapes it."""
    return text.encode("unicode_escape").decode("ascii").replace('"', "'")


def as_identifier(text: str) -> str:
    """``text`` with every character that cannot appear in a Python name replaced by ``_``."""
    return re.sub(r"\W", "_", text)


def _expr(text: str, like: ast.AST, ctx: ast.expr_context | None = None) -> ast.expr:
    node = ast.parse(text, mode="eval").body
    if ctx is not None and hasattr(node, "ctx"):
        node.ctx = ctx
    return ast.copy_location(node, like)
