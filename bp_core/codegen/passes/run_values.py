"""Values a step computes from parameters alone: computed once per kernel call instead of at every step.

The hoisting passes move work that does not change from one element to the next out of a step's element
loop, into its prelude, which still runs at every time step: ``np.exp(-_dt / tau)`` of an exact update,
the reciprocals of parameters, ``bp.inputs``' binomial table (an allocation and a loop over its terms).
Values of the prelude that read nothing but uniform parameters, ``_dt``, literals, NumPy's pure functions,
the step's helpers marked ``bp_pure = True`` and each other do not change during a run either, so the
CPU kernel computes them once, before its time loop, and the step takes them as arguments::

    def drive(ST, _dt, drive_N, drive_rate, ...):       def drive(ST, drive_N, p, table, ...):
        p = drive_rate * _dt / 1000.0                ->       for _obj_i in ...
        table = binomial_cdf(drive_N, p)
        for _obj_i in ...                                run_kernel: before the time loop
                                                             _run_G_drive_p = G_drive_rate * _dt / 1000.0
                                                             _run_G_drive_table = binomial_cdf(G_drive_N,
                                                                                               _run_G_drive_p)

In the element loop, a value that calls a function and reads per-element parameters at the element's index
(a table of each neuron's own rate) becomes a list the kernel computes once per run, one entry per element,
and the step reads its element's entry (``table = table_run[_obj_i]``). So does a part of a statement that holds
for the run inside one that does not, where computing it costs more than reading it (a call or a division), in the
statements every element of a synapse step runs (those before the loop's first block; a neuron step's list would
keep its group off the blocked kernel): exponential Euler's
``u + _dt * exprel(_dt * (-1 / F)) * du`` of a synapse's own constant ``F`` computes the product once per run
(Maass et al.'s liquid: 2.8x faster).

The same expressions of the same values are computed, so results are bit for bit those of computing them
at every step. An assignment is taken only when its name is assigned nowhere else in the step. A helper
marked pure must not raise: it now runs before the time loop, also for elements whose step would have
refused the values first. The GPU's step kernels take the pure helpers' values from the host instead
(``device_host_values``): the CPU's translation (``step_translation``) runs this after the pipeline of
passes, on what they left, and ``show_passes`` shows its result in the generated function's arguments.
"""

from __future__ import annotations

import ast
import copy
from collections import Counter
from typing import Any, Callable

from bp_core.codegen.ast_facts import is_invariant, pure_helpers
from bp_core.codegen.tree import StepTree, located, origin

__all__ = ["lift_run_values", "kernel_run_values", "run_invariant", "written_out", "RUN_PREFIX"]

RUN_PREFIX = "_run_"
"""Start of the kernel variable holding a step's per-run value (``_run_<function>_<name>``)."""


def lift_run_values(tree: StepTree) -> None:
    """Move to ``tree.run_values`` the assignments whose value holds for a whole run.

    Those of the prelude move as they are; the step then reads each name as an argument. In the element
    loop, an assignment that calls a function and reads per-element parameters at the element's index
    (besides what a prelude value may read) becomes a read of a list the kernel computes once per run,
    one value per element (``x = table(rate[_obj_i])`` -> ``x = x_run[_obj_i]``).
    """
    stores, once = _stores(tree)
    invariant = run_invariant(tree)
    pure = pure_helpers(tree.inputs.step.all_scope())
    kept: list[ast.stmt] = []
    for stmt in tree.prelude:
        name = _assigned_once(stmt, once)
        if name is not None and name in invariant:
            tree.run_values.append(stmt)  # type: ignore[arg-type]
        else:
            kept.append(stmt)
    tree.prelude = kept
    loop = next((s for s in tree.body if isinstance(s, ast.For) and isinstance(s.target, ast.Name)
                 and s.target.id == "_obj_i"), None)
    constant = {arg for arg, (state, key) in tree.row_args.items()
                if state == "ST" and key in tree.inputs.constant_fields}
    per_element = (tree.per_element_args | constant) - set(stores)
    if loop is not None and per_element:
        _lift_per_element(tree, loop, invariant, per_element, once, pure)


def run_invariant(tree: StepTree) -> set[str]:
    """The names that hold for a whole run: uniform parameters, ``_dt``, and the prelude's values of them."""
    stores, once = _stores(tree)
    # an argument the step assigns is not the value it came in with
    invariant = (set(tree.param_args.values()) - tree.per_element_args | {"_dt"}) - set(stores)
    pure = pure_helpers(tree.inputs.step.all_scope())
    for stmt in tree.prelude:
        name = _assigned_once(stmt, once)
        if name is not None and is_invariant(stmt.value, invariant, pure=pure):  # type: ignore[attr-defined]
            invariant.add(name)
    return invariant


def _stores(tree: StepTree) -> tuple[Counter[str], set[str]]:
    """How often the step assigns each name, and the names it assigns once (not its arguments)."""
    stores: Counter[str] = Counter(node.id for stmt in tree.statements() for node in ast.walk(stmt)
                                   if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)))
    return stores, {name for name, count in stores.items() if count == 1} - set(tree.inputs.step.args)


def _lift_per_element(tree: StepTree, loop: ast.For, invariant: set[str], per_element: set[str], once: set[str],
                      pure: frozenset[str]) -> None:
    values: dict[str, ast.expr] = {}  # element-loop local -> its value, with the locals it reads written out

    def at_element(node: ast.AST) -> bool:
        return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
            node.value.id in per_element and isinstance(node.slice, ast.Name) and node.slice.id == "_obj_i" or \
            isinstance(node, ast.Name) and node.id in values

    def per_run_list(name: str, value: ast.expr) -> ast.Subscript | None:
        """The read of a list of ``value`` per element, computed once per run (None: it reads no element)."""
        sizes = sorted({n.value.id for n in ast.walk(value) if isinstance(n, ast.Subscript)})  # type: ignore
        if not sizes:
            return None
        arg = tree.names.fresh(f"{name}_run")
        element = _Reindex().visit(copy.deepcopy(value))
        size = ast.parse(f"range({sizes[0]}.shape[0])", mode="eval").body
        listed = ast.ListComp(element, [ast.comprehension(ast.Name(_ELEMENT, ast.Store()), size, [], 0)])
        tree.run_values.append(ast.Assign([ast.Name(arg, ast.Store())], listed, lineno=0))
        return ast.Subscript(ast.Name(arg, ast.Load()), ast.Name("_obj_i", ast.Load()), ast.Load())

    # the statements before the loop's first block run for every element at every step; only synapses' parts are
    # lifted: a neuron step's list would keep its group off the blocked kernel, which runs neuron steps on slices
    unconditional = "pre" in tree.inputs.states
    for k, stmt in enumerate(loop.body):
        unconditional = unconditional and not isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Try))
        name = _assigned_once(stmt, once)
        if name is None or not is_invariant(stmt.value, invariant, leaf=at_element, pure=pure):  # type: ignore
            if unconditional and isinstance(stmt, (ast.Assign, ast.AugAssign)):
                _lift_parts(stmt, lambda node: is_invariant(node, invariant, leaf=at_element, pure=pure) and
                            _costly(written_out(node, values)),
                            lambda node: per_run_list("_part", written_out(node, values)))
            continue
        value = written_out(stmt.value, values)  # type: ignore[attr-defined]
        values[name] = value
        if not any(isinstance(n, ast.Call) for n in ast.walk(stmt.value)):  # type: ignore
            continue  # computing it costs less than reading it back
        read_value = per_run_list(name, value)
        if read_value is None:
            continue
        read = ast.Assign([ast.Name(name, ast.Store())], read_value, lineno=0)
        loop.body[k] = located([ast.copy_location(read, stmt)], origin(stmt))[0]


def _costly(node: ast.AST) -> bool:
    """Whether computing ``node`` costs more than reading its value back: a call (``exprel``, ``exp``) or a
    division."""
    return any(isinstance(n, ast.Call) or isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)
               for n in ast.walk(node))


def _lift_parts(stmt: ast.stmt, worth: Callable[[ast.AST], bool],
                lift: Callable[[ast.expr], ast.expr | None]) -> None:
    """Replace the largest parts of ``stmt``'s value that are ``worth`` lifting (they hold for the run and cost
    more than a read) by ``lift`` of them (Maass's ``_dt * exprel(_dt * A_u)`` of a synapse's own constant ``F``,
    inside ``u + ... * du``)."""
    class Parts(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> ast.AST:
            if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call)) and worth(node):
                read = lift(node)  # type: ignore[arg-type]
                if read is not None:
                    return ast.copy_location(read, node)
            if isinstance(node, (ast.IfExp, ast.BoolOp, ast.Lambda, ast.ListComp, ast.GeneratorExp)):
                return node  # evaluated only sometimes: a part computed for every element could raise
            return super().visit(node)

    stmt.value = Parts().visit(stmt.value)  # type: ignore[attr-defined]


_ELEMENT = "_run_j"


class _Reindex(ast.NodeTransformer):
    """``par[_obj_i]`` -> ``par[_run_j]``: the comprehension's element."""

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name(_ELEMENT, node.ctx) if node.id == "_obj_i" else node


def written_out(value: ast.expr, values: dict[str, ast.expr]) -> ast.expr:
    """``value`` with each element-loop local it reads replaced by that local's own value."""
    class Substitute(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return copy.deepcopy(values[node.id]) if node.id in values and isinstance(node.ctx, ast.Load) else node
    return Substitute().visit(copy.deepcopy(value))


def _assigned_once(stmt: ast.stmt, once: set[str]) -> str | None:
    """The name ``stmt`` assigns, when it is ``name = value`` and the step assigns ``name`` nowhere else."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
            stmt.targets[0].id in once:
        return stmt.targets[0].id
    return None


def kernel_run_values(function: str, lifted: list[ast.Assign], variable: Callable[[str], Any],
                      bind: Callable[[str, ast.expr], str]) -> dict[str, str]:
    """Bind the per-run values of the step ``function`` in its kernel; return step argument -> kernel variable.

    Parameters
    ----------
    function : str
        The generated step's name.
    lifted : list of ast.Assign
        Its per-run values (:func:`lift_run_values`), in order.
    variable : callable
        ``variable(name)``: the kernel variable (a name or an expression) a name the values read stands for
        (a parameter argument, ``_dt``), or None for a name of the module (a helper function).
    bind : callable
        ``bind(var, value)`` binds a kernel variable once per call, before the time loop.
    """
    own: dict[str, str] = {}

    def rename(node: ast.AST) -> ast.AST:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id in own:
                return ast.Name(own[node.id], ast.Load())
            value = None if node.id in _MODULES else variable(node.id)
            if value is not None:
                return ast.Name(value, ast.Load()) if isinstance(value, str) else copy.deepcopy(value)
        for name, child in ast.iter_fields(node):
            if isinstance(child, ast.AST):
                setattr(node, name, rename(child))
            elif isinstance(child, list):
                setattr(node, name, [rename(c) if isinstance(c, ast.AST) else c for c in child])
        return node

    for stmt in lifted:
        name = stmt.targets[0].id  # type: ignore[attr-defined]
        value = rename(copy.deepcopy(stmt.value))
        own[name] = bind(f"{RUN_PREFIX}{function}_{name}", value)  # type: ignore[arg-type]
    return own


_MODULES = frozenset({"np", "numpy", "math"})
