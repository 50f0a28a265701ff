"""Rewriting of what the user's step reads into what the generated function receives.

One walk over the tree does these, because they all replace the user's names:

- ``ST['V']``, ``pre['spike']``: the field's own array argument (``ST_V``), indexed by the element
  in scalar mode, sliced for a subgroup, or read from the delay buffer in a ``@delayed`` step;
- ``pre2post[i]`` of an index list: its compressed-row slice, and ``for j in pre2post[i]`` a loop
  over positions (numba's array iterator is slow); ``len(pre2post)`` its number of rows;
- a per-element parameter in scalar mode: its value at the element;
- ``np.random.<f>(...)``: the network's seeded generator (some single draws through runtime helpers);
- ``a // b`` and ``a % b`` by a divisor that may be 0: helpers that raise as Python does;
- NumPy names removed in NumPy 2 that models of BrainPy's time still use.
"""

from __future__ import annotations

import ast

from bp_core.backend.runtime import GENERATOR_DRAWS
from bp_core.codegen.tree import Pass, StepTree, located, origin
from bp_core.errors import ModelDefError, close_matches

__all__ = ["REWRITE_ACCESS", "RANDOM_METHODS", "REMOVED_NUMPY_ALIASES"]

RANDOM_METHODS = {
    "random": "random", "rand": "random", "random_sample": "random", "randn": "standard_normal",
    "standard_normal": "standard_normal", "normal": "normal", "uniform": "uniform", "poisson": "poisson",
    "exponential": "exponential", "binomial": "binomial", "randint": "integers", "gamma": "gamma",
    "geometric": "geometric",
}
"""Legacy ``np.random`` functions and the Generator method each becomes (seeded by the network)."""


REMOVED_NUMPY_ALIASES = {"float_": "float64", "complex_": "complex128", "bool8": "bool_", "int0": "intp",
                         "uint0": "uintp", "Inf": "inf", "NaN": "nan"}
"""NumPy names removed in NumPy 2 that BrainPy-era models still use, and what replaces them."""



class _Rewriter(ast.NodeTransformer):
    def __init__(self, tree: StepTree):
        self.t = tree
        self.states = tree.inputs.states

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in self.states and \
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
        access = self.states[state]
        if key not in access.fields:
            raise ModelDefError(f"{self.t.inputs.step.where()} uses {state}[{key!r}], but that state has no field "
                                f"{key!r}.{close_matches(key, access.fields)}")
        delay = self.t.inputs.delay
        if delay is not None and state == delay.state and key in delay.rows and isinstance(ctx, ast.Load):
            element = access.index or access.select  # a subgroup's neurons in vector mode
            read = delay.read if delay.offsets is None else \
                f"({delay.read} + {delay.offsets}[{self.states['ST'].index}]) % {delay.buffer}.shape[0]"
            index = f"{read}, {delay.rows[key]}" + (f", {element}" if element else "")
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
            var = self.t.names.fresh(f"_{name}_i")
            prefix.append(ast.parse(f"{var} = {ast.unparse(row)}").body[0])
            row = ast.Name(var, ast.Load())
        k, targets = self.t.names.fresh("_k"), self.t.names.fresh(f"_{name}_row")
        row_text = ast.unparse(row)
        # a loop over a view of the row: LLVM keeps its bounds in registers (10-15 % faster delivery than
        # indexing the whole index array between ptr[i] and ptr[i + 1])
        prefix.append(ast.parse(f"{targets} = {idx}[{ptr}[{row_text}]:{ptr}[{row_text} + 1]]").body[0])
        loop = ast.parse(f"for {k} in range({targets}.shape[0]):\n"
                         f"    {node.target.id} = {targets}[{k}]").body[0]
        loop.body += _flatten(self.visit(stmt) for stmt in node.body)
        return located([ast.copy_location(s, node) for s in prefix] + [ast.copy_location(loop, node)], origin(node))

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
        if node.id in self.t.per_element_args and isinstance(node.ctx, ast.Load) and self.t.scalar:
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
            rng = ast.Name(self.t.inputs.rng, ast.Load())
            helper = GENERATOR_DRAWS.get((RANDOM_METHODS[func.attr], len(node.args)))
            if helper is not None and not node.keywords:
                # one draw: a runtime helper numba compiles once into its cache, not into every kernel
                return ast.copy_location(ast.Call(ast.Name(helper, ast.Load()), [rng, *node.args], []), node)
            node.func = ast.Attribute(rng, RANDOM_METHODS[func.attr], ast.Load())
            if func.attr in ("rand", "randn") and len(node.args) > 1:
                node.args = [ast.Tuple(node.args, ast.Load())]
        return node


def _flatten(items) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for item in items:
        out += item if isinstance(item, list) else [item]
    return out


def _expr(text: str, like: ast.AST, ctx: ast.expr_context | None = None) -> ast.expr:
    node = ast.parse(text, mode="eval").body
    if ctx is not None and hasattr(node, "ctx"):
        node.ctx = ctx
    return ast.copy_location(node, like)


def _run(tree: StepTree) -> None:
    tree.body = _flatten(_Rewriter(tree).visit(s) for s in tree.body)


REWRITE_ACCESS = Pass("rewrite state access", _run)
