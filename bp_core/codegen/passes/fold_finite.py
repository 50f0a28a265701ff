"""NaN/inf checks folded into the stores of a step, instead of a separate pass over the state.

The safe default stops a run at the first step that makes a state value NaN or infinite. Checked
after the step, that costs a pass over every field the step computes, each step: at 4000 LIF neurons
it is most of what the safe mode costs. But a scalar-mode step (and a synapse loop storing single
elements) has each stored value at hand, so this pass tests it right after the store::

    ST_V[_obj_i] = V
    _nonfinite |= V * 0.0 != 0.0

(``x * 0`` is 0 for finite x and NaN otherwise; a stored expression is first bound to a local) and
the step returns ``_nonfinite``. The tests of stores that follow one another (nothing between them
binds a tested local again) are one test of the sum, which is NaN as soon as one term is::

    ST_V[_obj_i] = V
    ST_w[_obj_i] = w
    _nonfinite |= V * 0.0 + w * 0.0 != 0.0
 The kernel looks for the field that went bad only when a step reports
one. A field is folded only when every one of
its stores in the step is such a single-element store (or an ``index_update``, which reports the same
way); any other use of the field's array (a whole-array store, an alias, a call) leaves it to the
per-step pass.
"""

from __future__ import annotations

import ast
import copy

import numpy as np

from bp_core.codegen.ast_facts import read_of
from bp_core.codegen.tree import Pass, StepTree, located, origin
from bp_core.integration.rendering import NameAllocator

__all__ = ["FOLD_FINITE", "fold_finite_checks", "FLAG"]

FLAG = "_nonfinite"
"""The local a folded step accumulates its finding in, and returns."""


def fold_finite_checks(statements: list[ast.stmt], row_args: dict[str, tuple[str, str]],
                       risky: set[tuple[str, str]], scalar_names: set[str], names: NameAllocator,
                       float_type: type = np.float64) -> tuple[list[ast.stmt], set]:
    """Fold the checks of ``risky`` fields into ``statements``; return them and the fields folded.

    Parameters
    ----------
    row_args : dict
        Step argument -> (state, field) it holds.
    risky : set of (state, field)
        Fields the step may make non-finite.
    scalar_names : set of str
        Names known to hold a single index (``_obj_i``); loop variables over ``range`` and names bound
        to an element of an array are added.
    names : NameAllocator
        Source of the locals that hold stored values.
    float_type : type
        The states' float type: a stored value is converted to it before it is tested.
    """
    # the folder rewrites in place, and a field that turns out unfoldable leaves the statements as they were
    module = ast.Module(body=copy.deepcopy(statements), type_ignores=[])
    if any(isinstance(n, (ast.Return, ast.Yield, ast.Lambda)) for n in ast.walk(module)):
        return statements, set()
    candidates = {arg for arg, field in row_args.items() if field in risky}
    if not candidates:
        return statements, set()
    scalars = set(scalar_names) | _scalar_names(module)
    folder = _Folder(candidates, scalars, names, np.dtype(float_type).name)
    folder.visit(module)
    # a field with some stores folded and others not stays with the per-step pass (its element checks are
    # then redundant, not wrong)
    folded = folder.folded - folder.unfolded
    if not folded:
        return statements, set()
    return [ast.fix_missing_locations(s) for s in _merge_checks(module.body)], {row_args[a] for a in folded}


def _tested_term(stmt: ast.stmt) -> ast.BinOp | None:
    """The ``held * zero`` of a folded test ``_nonfinite |= held * zero != zero``, else None."""
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == FLAG and \
            isinstance(stmt.op, ast.BitOr) and isinstance(stmt.value, ast.Compare) and \
            isinstance(stmt.value.left, ast.BinOp) and isinstance(stmt.value.left.op, ast.Mult) and \
            isinstance(stmt.value.left.left, ast.Name):
        return stmt.value.left
    return None


def _keeps(stmt: ast.stmt, held: set[str]) -> bool:
    """Whether a test of the locals ``held`` may move past ``stmt``: an assignment binding none of them."""
    if not isinstance(stmt, (ast.Assign, ast.AugAssign)) or any(isinstance(n, ast.NamedExpr) for n in ast.walk(stmt)):
        return False
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return all(isinstance(t, ast.Subscript) or isinstance(t, ast.Name) and t.id not in held for t in targets)


def _merge_checks(block: list[ast.stmt]) -> list[ast.stmt]:
    """Each run of folded tests with only assignments that keep their locals between them as one test, after
    the run's last statement (blocks nested in loops and branches too)."""
    out: list[ast.stmt] = []
    run: list[ast.stmt] = []

    def flush() -> None:
        if len(run) == 1:
            out.append(run[0])
        elif run:
            total = _tested_term(run[0])
            for stmt in run[1:]:
                total = ast.BinOp(total, ast.Add(), _tested_term(stmt))
            last = run[-1]
            merged = ast.AugAssign(ast.Name(FLAG, ast.Store()), ast.BitOr(),
                                   ast.Compare(total, [ast.NotEq()], last.value.comparators))
            out.extend(located([ast.copy_location(merged, last)], origin(last)))
        run.clear()

    for stmt in block:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                setattr(stmt, field, _merge_checks(inner))
        for handler in getattr(stmt, "handlers", []):
            handler.body = _merge_checks(handler.body)
        if _tested_term(stmt) is not None:
            run.append(stmt)
            continue
        if run and not _keeps(stmt, {_tested_term(s).left.id for s in run}):
            flush()
        out.append(stmt)
    flush()
    return out


def _scalar_names(module: ast.Module) -> set[str]:
    """Loop variables over ``range(...)`` and names bound only to ``array[name]`` of such names."""
    names: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Call) \
                and isinstance(node.iter.func, ast.Name) and node.iter.func.id in ("range", "prange"):
            names.add(node.target.id)
    bound: dict[str, list[ast.expr]] = {}
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, (ast.AugAssign, ast.For)) and isinstance(node.target, ast.Name):
            bound.setdefault(node.target.id, []).append(None)
    changed = True
    while changed:
        changed = False
        for name, values in bound.items():
            if name not in names and all(isinstance(v, ast.Subscript) and isinstance(v.slice, ast.Name) and
                                         v.slice.id in names for v in values):
                names.add(name)
                changed = True
    return names


class _Folder(ast.NodeTransformer):
    def __init__(self, candidates: set[str], scalars: set[str], names: NameAllocator, float_name: str):
        self.candidates = candidates
        self.scalars = scalars
        self.names = names
        self.float_name = float_name
        self.folded: set[str] = set()
        self.unfolded: set[str] = set()

    def _element_store(self, target: ast.expr) -> str | None:
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
                target.value.id in self.candidates and isinstance(target.slice, ast.Name) and \
                target.slice.id in self.scalars:
            return target.value.id
        return None

    def _store(self, node: ast.Assign | ast.AugAssign, target: ast.expr) -> ast.AST | list[ast.stmt]:
        """``X[i] = v`` becomes ``_s = v; X[i] = _s`` and a test of ``_s``.

        Testing the value in hand rather than reading the element back keeps the element loop free of
        a store-then-load through arrays the compiler cannot tell apart, which stops it from vectorizing.
        """
        arg = self._element_store(target)
        if arg is None:
            self.generic_visit(node)
            return node
        node.value = self.visit(node.value)
        self.folded.add(arg)
        value = node.value if isinstance(node, ast.Assign) else \
            ast.BinOp(read_of(target), node.op, node.value)
        if self.float_name != "float64":  # the test sees what the store keeps (a float32 may overflow)
            value = ast.Call(ast.Attribute(ast.Name("np", ast.Load()), self.float_name, ast.Load()), [value], [])
        if isinstance(value, ast.Name):
            held, statements = value.id, [node]
        else:
            held = self.names.fresh("_stored")
            statements = [ast.Assign([ast.Name(held, ast.Store())], value),
                          ast.Assign([target], ast.Name(held, ast.Load()))]
        zero = "0.0" if self.float_name == "float64" else f"np.{self.float_name}(0.0)"
        # x * 0 is 0 for finite x and NaN otherwise, whether the local holds a float, an int or a bool
        statements.append(ast.parse(f"{FLAG} |= {held} * {zero} != {zero}").body[0])
        return located([ast.copy_location(s, node) for s in statements], origin(node))

    def visit_Assign(self, node: ast.Assign) -> ast.AST | list[ast.stmt]:
        if len(node.targets) == 1:
            return self._store(node, node.targets[0])
        self.generic_visit(node)
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST | list[ast.stmt]:
        return self._store(node, node.target)

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        call = node.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "index_update" and \
                call.args and isinstance(call.args[0], ast.Name) and call.args[0].id in self.candidates:
            for arg in call.args[1:]:
                self.visit(arg)
            self.folded.add(call.args[0].id)
            update = ast.copy_location(ast.AugAssign(ast.Name(FLAG, ast.Store()), ast.BitOr(), call), node)
            return located([update], origin(node))[0]
        self.generic_visit(node)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        # reading or writing one element: the element stores were taken by visit_Assign/AugAssign
        if isinstance(node.value, ast.Name) and node.value.id in self.candidates:
            if isinstance(node.ctx, ast.Store) or not isinstance(node.slice, ast.Name) and \
                    isinstance(node.slice, ast.Slice):
                self.unfolded.add(node.value.id)  # a slice may be written through later
            self.visit(node.slice)
            return node
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.candidates:
            self.unfolded.add(node.id)  # the whole array escapes: it may be written anywhere
        return node


def _run(tree: StepTree) -> None:
    scalars = {"_obj_i"} if tree.scalar else set()
    tree.body, tree.folded_fields = fold_finite_checks(tree.body, tree.row_args, tree.risky_fields, scalars,
                                                       tree.names, tree.inputs.float_type)
    if tree.folded_fields:
        tree.prelude += ast.parse(f"{FLAG} = False").body
        tree.epilogue += ast.parse(f"return {FLAG}").body


# a parallel loop cannot accumulate one flag across iterations: its fields are checked after the step
FOLD_FINITE = Pass("fold finite checks", _run, applies=lambda tree: tree.inputs.check_finite and not tree.parallel)
