"""Exact integration of linear ODE systems with constant coefficients (``method='linear'``).

For ``dX/dt = A X + b`` with ``A`` and ``b`` constant over a step the solution one step
``dt`` later is ``X(t + dt) = E X(t) + F b`` with ``E = expm(A dt)`` and
``F = int_0^dt expm(A s) ds`` (``A^-1 (E - I)`` where ``A`` is invertible). The step has
no truncation error: ``n`` steps of ``dt / n`` give the same result as one step of ``dt``.

What is constant over a step: every argument after the time (inputs such as a
current added through the neuron step) and every parameter the function reads from
outside. ``A`` may depend on them, ``b`` too; neither may depend on the state
variables or the time, which :func:`analyse_linear` refuses.

The propagator is derived symbolically (sympy's matrix exponential, as Brian2's
``linear`` state updater does) with the parameters and inputs as symbols, and printed
as code evaluated at every step. This choice keeps parameters runtime data (a new value
between runs, ``repeat`` mode, needs no recompilation and no host-side precomputation),
works unchanged inside compiled kernels in vector and scalar modes, and lets ``A`` read
per-neuron inputs. Its costs: the analysis takes seconds of sympy for a 3-variable
system (cached on disk), and a closed form can divide by zero where two eigenvalues
coincide only for particular values (e.g. two equal time constants written as two
parameters, or critical damping): write such a system with the shared parameter. When
the closed form holds square roots (an oscillator: its eigenvalues are complex for some
parameter values) the propagator is evaluated in complex arithmetic and its real part
taken.
"""

from __future__ import annotations

import ast
import copy
import functools
import hashlib
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bp_core.backend import cache
from bp_core.errors import IntegratorError
from bp_core.integration.diff_equation import DiffEquation, _loaded_names
from bp_core.integration.rendering import StepCode, StepContext

__all__ = ["LinearEquations", "LinearPropagator", "analyse_linear", "render_linear", "linear_equations",
           "render_linear_step"]

_ADVICE = "Integrate it with method='exponential' or method='rk4' instead."


@dataclass(frozen=True)
class LinearEquations:
    """The parts of a derivative function the linear method needs.

    Attributes
    ----------
    func_name : str
    var_names : list of str
        The state variables, in the order of the returned derivatives.
    t_name : str
    body : list of ast.stmt
        Straight-line assignments computing the derivatives.
    derivatives : list of ast.expr
        One returned expression per variable.
    """

    func_name: str
    var_names: list
    t_name: str
    body: list
    derivatives: list


@dataclass(frozen=True)
class LinearPropagator:
    """The one-step update as text over the function's names and ``dt_name``.

    ``E[i][j]``, ``F[i][j]`` and ``b[i]`` are Python expressions (``None`` for zero) that may read the
    temporaries ``common`` defines, in order (``[name, expression]`` pairs); ``is_complex`` says the E
    and F entries are complex and their real part is the value.
    """

    common: list
    E: list
    F: list
    b: list
    is_complex: bool
    dt_name: str


def _statement_value(stmt: ast.stmt) -> tuple[str, ast.expr]:
    target = stmt.targets[0].id if isinstance(stmt, ast.Assign) else stmt.target.id
    if isinstance(stmt, ast.AugAssign):
        return target, ast.BinOp(left=ast.Name(target, ast.Load()), op=stmt.op, right=stmt.value)
    return target, stmt.value


def _is_straight_line(body: list) -> bool:
    return all(
        (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name))
        or (isinstance(s, (ast.AugAssign, ast.AnnAssign)) and isinstance(s.target, ast.Name)
            and getattr(s, "value", None) is not None)
        for s in body)


def analyse_linear(eqs: LinearEquations, dt_name: str) -> LinearPropagator:
    """Check that ``eqs`` is linear with constant coefficients and derive its exact step.

    Raises
    ------
    IntegratorError
        Naming the function and the variable when the system has branches, depends on the time,
        is not linear in its variables, or reads them through a function sympy does not know.
    """
    if not _is_straight_line(eqs.body):
        raise IntegratorError(f"method 'linear' cannot analyse {eqs.func_name!r}: its body has branches or loops. "
                              f"Use plain assignments, or another method. {_ADVICE}")
    key = [ast.dump(ast.Module(body=list(eqs.body), type_ignores=[])),
           *(ast.dump(d) for d in eqs.derivatives), repr(eqs.var_names), eqs.t_name, dt_name,
           *_fingerprint()]
    found = cache.memoized("linear", key, lambda: _symbolic_step(eqs, dt_name))
    if "error" in found:
        raise IntegratorError(found["error"])
    opaque = {name: ast.parse(text, mode="eval").body for name, text in found["opaque"].items()}

    def restore(text: str | None) -> str | None:
        if text is None:
            return None
        return ast.unparse(_Substitute(opaque).visit(ast.parse(text, mode="eval")))

    return LinearPropagator(common=[[name, restore(value)] for name, value in found["common"]],
                            E=[[restore(e) for e in row] for row in found["E"]],
                            F=[[restore(e) for e in row] for row in found["F"]],
                            b=[restore(e) for e in found["b"]], is_complex=found["complex"], dt_name=dt_name)


class _Substitute(ast.NodeTransformer):
    """Replace whole names by expressions (copied at each use)."""

    def __init__(self, mapping: dict[str, ast.expr]):
        self.mapping = mapping

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return copy.deepcopy(self.mapping[node.id]) if node.id in self.mapping else node


def _symbolic_step(eqs: LinearEquations, dt_name: str) -> dict:
    """The propagator as JSON data (``E``, ``F``, ``b``, ``opaque``, ``complex``) or ``{'error': ...}``."""
    # sympy is imported here: it takes a large part of a second, and a cached result does not need it
    import sympy

    from bp_core.integration.sympy_tools import SympyPrinter, SympyRender

    render = SympyRender()
    env: dict = {}
    for stmt in eqs.body:
        target, value = _statement_value(stmt)
        env[sympy.Symbol(target, real=True)] = render.render_node(value).xreplace(env)
    rhs = [render.render_node(d).xreplace(env) for d in eqs.derivatives]
    # the render's symbols are real; plain symbols let sympy write the exponential of a matrix whose
    # eigenvalues may be complex without splitting it into re(...) and im(...) parts
    plain = {s: sympy.Symbol(s.name) for expr in rhs for s in expr.free_symbols}
    rhs = [expr.xreplace(plain) for expr in rhs]
    state = [sympy.Symbol(v) for v in eqs.var_names]
    opaque = {name: ast.unparse(node) for name, node in render.opaque.items()}
    watched = set(eqs.var_names) | {eqs.t_name}
    for name, node in render.opaque.items():
        if _loaded_names(node) & watched and sympy.Symbol(name) in set().union(*(e.free_symbols for e in rhs)):
            return {"error": f"method 'linear' cannot analyse {eqs.func_name!r}: '{ast.unparse(node)}' reads "
                             f"{sorted(_loaded_names(node) & watched)[0]!r} through a function sympy does not "
                             f"know. Write it with arithmetic. {_ADVICE}"}
    time = sympy.Symbol(eqs.t_name)
    n = len(state)
    A = sympy.zeros(n, n)
    b = []
    for i, (var, expr) in enumerate(zip(eqs.var_names, rhs)):
        if time in expr.free_symbols:
            return {"error": f"method 'linear' cannot integrate {eqs.func_name!r}: the derivative of {var!r} "
                             f"depends on the time {eqs.t_name!r}, so its coefficients are not constant. "
                             f"Give time-dependent inputs as arguments (constant over a step). {_ADVICE}"}
        for j, other in enumerate(state):
            coefficient = sympy.diff(expr, other)
            if coefficient.free_symbols & set(state):
                worst = sorted(s.name for s in coefficient.free_symbols & set(state))[0]
                return {"error": f"method 'linear' cannot integrate {eqs.func_name!r}: the derivative of {var!r} "
                                 f"is not linear in {eqs.var_names[j]!r} (its coefficient "
                                 f"'{coefficient}' depends on {worst!r}). {_ADVICE}"}
            A[i, j] = coefficient
        b.append(sympy.expand(expr - sum(A[i, j] * state[j] for j in range(n))))
    dt = sympy.Symbol(dt_name, positive=True)
    E = (A * dt).exp()
    if A.det() != 0:
        F = A.inv() * (E - sympy.eye(n))
    else:  # a variable without leak (dx/dt = I): integrate the exponential entry by entry
        s = sympy.Symbol("_s", positive=True)
        Es = (A * s).exp()
        F = Es.applyfunc(lambda e: sympy.integrate(e, (s, 0, dt), conds="none"))
    F = sympy.Matrix(n, n, lambda i, j: F[i, j] if b[j] != 0 else 0)  # a column without input is unused
    is_complex = any(_has_root(m) or m.has(sympy.I) for m in (E, F))
    printer = _complex_printer_class()() if is_complex else SympyPrinter()
    # the entries share most of their parts (exponentials, roots of the discriminant): computed once each
    entries = [*E, *F]
    common, reduced = sympy.cse(entries, symbols=sympy.numbered_symbols("_common"))

    def text(expr) -> str | None:
        return None if expr == 0 else printer.doprint(expr)

    return {"E": [[text(reduced[i * n + j]) for j in range(n)] for i in range(n)],
            "F": [[text(reduced[n * n + i * n + j]) for j in range(n)] for i in range(n)],
            "common": [[str(symbol), printer.doprint(value)] for symbol, value in common],
            "b": [None if e == 0 else SympyPrinter().doprint(e) for e in b],
            "opaque": opaque, "complex": is_complex}


def _has_root(matrix) -> bool:
    import sympy

    return any(p.exp.is_Rational and not p.exp.is_integer for p in matrix.atoms(sympy.Pow))


@functools.lru_cache(maxsize=None)
def _complex_printer_class():
    import sympy

    from bp_core.integration.sympy_tools import SympyPrinter

    class ComplexPrinter(SympyPrinter):
        """Prints roots of possibly negative numbers as complex roots, and the imaginary unit as 1j."""

        def _print_Pow(self, expr, rational=False):
            if expr.exp.is_Rational and not expr.exp.is_integer:
                base = f"({self._print(expr.base)} + 0j)"
                if expr.exp == sympy.S.Half:
                    return f"np.sqrt{base}"
                return f"{base} ** ({self._print(expr.exp)})"
            return super()._print_Pow(expr, rational)

        def _print_ImaginaryUnit(self, expr):
            return "1j"

    return ComplexPrinter


@functools.lru_cache(maxsize=None)
def _fingerprint() -> tuple[str, str]:
    # what shapes the propagator's text besides its inputs: sympy's version and this engine's printers
    here = Path(__file__).parent
    sources = "".join((here / name).read_text() for name in ("linear.py", "sympy_tools.py"))
    return importlib.metadata.version("sympy"), hashlib.sha1(sources.encode()).hexdigest()


def render_linear(prop: LinearPropagator, state: list, names, results: list, mapping: dict) -> list:
    """Lines computing the new values of the state.

    Parameters
    ----------
    prop : LinearPropagator
    state : list of str
        Caller's expressions of the current values, in the variables' order.
    names : NameAllocator
        Source of fresh temporaries.
    results : list of str
        Names the new values are stored under.
    mapping : dict
        The function's argument and parameter names (and ``prop.dt_name``) -> the caller's names.
    """
    nodes = {k: ast.parse(v, mode="eval").body for k, v in mapping.items()}

    def code(text: str) -> str:
        return ast.unparse(_Substitute(nodes).visit(ast.parse(text, mode="eval")))

    lines: list[str] = []
    for name, text in prop.common:  # shared parts of the propagator, under names free in the caller
        fresh = names.fresh(name)
        lines.append(f"{fresh} = {code(text)}")
        nodes[name] = ast.Name(fresh, ast.Load())
    inputs = []
    for i, text in enumerate(prop.b):  # the constant part, held fixed over the step
        if text is None:
            inputs.append(None)
            continue
        name = names.fresh(f"_b{i}")
        lines.append(f"{name} = {code(text)}")
        inputs.append(name)
    for i, result in enumerate(results):
        terms = []
        for j, x in enumerate(state):
            if prop.E[i][j] is not None:
                terms.append(f"({code(prop.E[i][j])}) * {x}")
        for j, c in enumerate(inputs):
            if c is not None and prop.F[i][j] is not None:
                terms.append(f"({code(prop.F[i][j])}) * {c}")
        total = " + ".join(terms) or "0.0"
        if prop.is_complex:
            total = f"({total}).real"
        lines.append(f"{result} = {total}")
    return lines


def linear_equations(eq) -> LinearEquations:
    """The parts of a one-variable :class:`DiffEquation` or of a system (``var_names``, ``derivatives``)."""
    if isinstance(eq, DiffEquation):
        if eq.is_stochastic:
            raise IntegratorError(f"method 'linear' cannot integrate {eq.func_name!r}, which returns a noise "
                                  f"term: it integrates ordinary differential equations only.")
        return LinearEquations(eq.func_name, [eq.var_name], eq.t_name, eq.body, [eq.f_expr])
    return LinearEquations(eq.func_name, eq.var_names, eq.t_name, eq.body, eq.derivatives)


def render_linear_step(eq: DiffEquation, ctx: StepContext, **options: Any) -> StepCode:
    """The registry's renderer: one exact step of a one-variable linear equation."""
    if eq.is_multi_return:
        raise IntegratorError(f"method 'linear' cannot integrate {eq.func_name!r}: it returns intermediate "
                              f"values, which an exact step never evaluates. Return the derivative only.")
    prop = analyse_linear(linear_equations(eq), "_dt_linear")
    result = ctx.names.fresh(ctx.result or f"_{eq.var_name}_new")
    mapping = {**ctx.args, prop.dt_name: ctx.dt}
    lines = render_linear(prop, [ctx.x], ctx.names, [result], mapping)
    return StepCode(lines, result, [])
