"""Inlining of integrator calls: ``V = int_V(V, _t, Isyn)`` becomes the integration step itself.

A call to an integrator the step's module defines is replaced by the method's update, rendered
for the call's arguments (a non-name argument is first bound to a local, so it is computed once),
and the call by the name holding the new value. Stochastic equations draw their Wiener increment
from the network's generator. The inlined statements carry the line of the call.
"""

from __future__ import annotations

import ast

from bp_core.codegen.tree import Pass, StepTree, located, origin
from bp_core.errors import ModelDefError
from bp_core.integration.methods import render_step
from bp_core.integration.rendering import StepContext

__all__ = ["INLINE_INTEGRATORS"]


def _run(tree: StepTree) -> None:
    tree.body = _inline_block(tree, tree.body)


def _inline_block(tree: StepTree, statements: list[ast.stmt]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for stmt in statements:
        pending: list[ast.stmt] = []
        calls = _Calls(tree, pending)
        if isinstance(stmt, (ast.If, ast.While)):
            stmt.test = calls.visit(stmt.test)
        elif isinstance(stmt, ast.For):
            stmt.iter = calls.visit(stmt.iter)
        elif not isinstance(stmt, ast.With):
            stmt = calls.visit(stmt)
        for name in ("body", "orelse"):
            if isinstance(stmt, (ast.If, ast.While, ast.For, ast.With)) and hasattr(stmt, name):
                setattr(stmt, name, _inline_block(tree, getattr(stmt, name)))
        out += located(pending, origin(stmt))
        out.append(stmt)
    return out


class _Calls(ast.NodeTransformer):
    def __init__(self, tree: StepTree, pending: list[ast.stmt]):
        self.tree = tree
        self.pending = pending

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in self.tree.inputs.step.integrators:
            return _inline_call(self.tree, node.func.id, node, self.pending)
        return node


def _inline_call(tree: StepTree, name: str, call: ast.Call, pending: list[ast.stmt]) -> ast.expr:
    step = tree.inputs.step
    integrator = step.integrators[name]
    eq = integrator.diff_eq
    # a linear system (method='linear') takes several variables before the time
    system = hasattr(integrator, "render_call")
    arg_names = integrator.call_names if system else [eq.var_name, eq.t_name, *eq.arg_names]
    expected = len(arg_names)
    if len(call.args) != expected or call.keywords:
        raise ModelDefError(
            f"{step.where()} calls {name}() with {len(call.args)} positional argument(s); it takes "
            f"{expected}: ({', '.join(arg_names)}).")
    prefix = f"_{name}_"
    bound: list[str] = []
    for arg_name, node in zip(arg_names, call.args):
        if isinstance(node, ast.Name):
            bound.append(node.id)
        else:
            var = tree.names.fresh(prefix + arg_name)
            pending.append(ast.Assign([ast.Name(var, ast.Store())], node))
            bound.append(var)
    pars, _ = eq.resolve_free_names()
    if system:
        n = len(eq.var_names)
        args = dict(zip(eq.arg_names, bound[n + 1:]))
        args.update({p: tree.param_args[p] for p in pars})
        results = [tree.names.fresh(f"{prefix}{v}_new") for v in eq.var_names]
        lines = integrator.render_call(bound[:n], args, "_dt", tree.names, results)
        pending += ast.parse("\n".join(lines)).body
        names = [ast.Name(r, ast.Load()) for r in results]
        return names[0] if n == 1 else ast.Tuple(names, ast.Load())
    args = dict(zip(eq.arg_names, bound[2:]))
    args.update({p: tree.param_args[p] for p in pars})
    dw = None
    if eq.is_stochastic:
        dw = tree.names.fresh(f"{prefix}dW")
        pending += ast.parse(f"{dw} = normal_like({tree.inputs.rng}, {bound[0]}) * np.sqrt(_dt)").body
    ctx = StepContext(x=bound[0], t=bound[1], dt="_dt", args=args, names=tree.names, dW=dw,
                      result=f"{prefix}{eq.var_name}_new", local_prefix=prefix)
    code = render_step(eq, integrator.method, ctx, **integrator.options)
    pending += code.statements()
    return code.value()


INLINE_INTEGRATORS = Pass("inline integrators", _run)
