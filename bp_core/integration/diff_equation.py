"""Analysis of a user's derivative function into a differential equation.

A derivative function computes the right-hand side of ``dx/dt = f(x, t) + g(x, t) dW``::

    def int_x(x, t, a, b):       # variable first, time second, then other inputs
        c = a * x                # any statements
        return c + b             # ODE: f
        # return f, g            # SDE: drift and noise coefficient
        # return (f,), v1, v2    # ODE plus intermediate values returned to the caller
        # return (f, g), v1, v2  # SDE plus intermediate values

The function's source is parsed (never executed) and split into its statements,
its returned expressions and the names it reads from outside.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import numbers
import textwrap
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from bp_core.errors import DiffEquationError

__all__ = ["DiffEquation", "Expression", "TIME_NAMES"]

TIME_NAMES = ("t", "_t")
_FORBIDDEN_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal,
                         ast.Return, ast.Yield, ast.YieldFrom, ast.Lambda)


@dataclass(frozen=True)
class Expression:
    """One assignment ``var = code`` of a derivative function."""

    var: str
    code: str

    @property
    def identifiers(self) -> set[str]:
        """Names the expression reads."""
        return {n.id for n in ast.walk(ast.parse(self.code, mode="eval")) if isinstance(n, ast.Name)}

    def get_code(self, subs: dict[str, str] | None = None) -> str:
        """Return the expression with whole names replaced following ``subs``."""
        if not subs:
            return self.code
        tree = ast.parse(self.code, mode="eval")
        tree = _NameSubstituter({k: ast.parse(v, mode="eval").body for k, v in subs.items()}).visit(tree)
        return ast.unparse(tree)


class _NameSubstituter(ast.NodeTransformer):
    def __init__(self, mapping: dict[str, ast.expr]):
        self.mapping = mapping

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and node.id in self.mapping:
            return self.mapping[node.id]
        return node


def _read_function_node(func: Callable) -> ast.FunctionDef | ast.Lambda:
    name = getattr(func, "__name__", repr(func))
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        raise DiffEquationError(
            f"cannot read the source of derivative function {name!r}; define it with 'def' in a file "
            f"or a notebook cell so its source is available."
        ) from None
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a lambda cut out of a larger expression
        try:
            tree = ast.parse(source.strip().rstrip(",").split("=", 1)[-1].strip())
        except SyntaxError:
            raise DiffEquationError(f"cannot read the derivative function {name!r} from its source line "
                                    f"({source.strip()!r}); write it with 'def'.") from None
    if name == "<lambda>":
        lambdas = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
        if len(lambdas) != 1:
            raise DiffEquationError("cannot tell which lambda on its source line is the derivative function; "
                                    "write it with 'def'.")
        return lambdas[0]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return node
    raise DiffEquationError(f"cannot find the definition of derivative function {name!r} in its source.")


def _stored_names(nodes: list[ast.AST]) -> list[str]:
    names: list[str] = []
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)) and sub.id not in names:
                names.append(sub.id)
    return names


def _loaded_names(node: ast.AST | list[ast.AST]) -> set[str]:
    nodes = node if isinstance(node, list) else [node]
    return {s.id for n in nodes for s in ast.walk(n) if isinstance(s, ast.Name) and isinstance(s.ctx, ast.Load)}


class DiffEquation:
    """A differential equation ``dx/dt = f(x, t) + g(x, t) dW`` read from a Python function.

    Parameters
    ----------
    func : callable
        The derivative function (see the module documentation for its forms).

    Raises
    ------
    DiffEquationError
        When the function has no return, several returns, fewer than two arguments,
        a second argument that is not the time (``t`` or ``_t``), or assigns to its arguments.
    """

    def __init__(self, func: Callable):
        if not callable(func):
            raise DiffEquationError(f"a derivative function must be callable, got {func!r}.")
        self.func = func
        name = getattr(func, "__name__", "derivative")
        self.func_name: str = name if name.isidentifier() else "lambda_derivative"
        node = _read_function_node(func)
        code = getattr(func, "__code__", None)
        self.source_file: str = (code.co_filename if code else None) or "<unknown>"
        self.first_line: int = code.co_firstlineno if code else 1
        self._lambda = isinstance(node, ast.Lambda)
        self._read_arguments(node.args)
        body = [ast.Return(value=node.body)] if isinstance(node, ast.Lambda) else list(node.body)
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]  # docstring
        self._read_body(body)

    # -- parsing -----------------------------------------------------------------------------

    def _read_arguments(self, args: ast.arguments) -> None:
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            raise DiffEquationError(
                f"derivative function {self.func_name!r} must take plain positional arguments "
                f"(x, t, ...); *args, **kwargs and keyword-only arguments are not supported."
            )
        names = [a.arg for a in args.args]
        if len(names) < 2:
            raise DiffEquationError(
                f"derivative function {self.func_name!r} takes ({', '.join(names)}) but must take the "
                f"variable first and the time second, e.g. def {self.func_name}(x, t, ...)."
            )
        if names[1] not in TIME_NAMES or names[0] in TIME_NAMES:
            raise DiffEquationError(
                f"derivative function {self.func_name!r} takes ({', '.join(names)}): its first argument "
                f"must be the integrated variable and its second the time, named 't' or '_t', "
                f"e.g. def {self.func_name}({names[0] if names[0] not in TIME_NAMES else 'x'}, t, ...)."
            )
        self.var_name: str = names[0]
        self.t_name: str = names[1]
        self.arg_names: list[str] = names[2:]

    def where(self, node: ast.AST) -> str:
        """``'<file>, line <n>'``: the line of the user's source ``node`` (of this function's body) is on."""
        line = self.first_line if self._lambda else self.first_line + getattr(node, "lineno", 1) - 1
        return f"{self.source_file}, line {line}"

    def _read_body(self, body: list[ast.stmt]) -> None:
        name = self.func_name
        if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
            has_return = any(isinstance(n, ast.Return) for stmt in body for n in ast.walk(stmt))
            where = "at its end" if has_return else "at all"
            raise DiffEquationError(
                f"derivative function {name!r} has no return statement {where}; it must end with "
                f"'return f' (ODE) or 'return f, g' (SDE)."
            )
        self.body: list[ast.stmt] = body[:-1]
        for stmt in self.body:
            for node in ast.walk(stmt):
                if isinstance(node, _FORBIDDEN_STATEMENTS):
                    what = "a return before its end" if isinstance(node, ast.Return) else type(node).__name__
                    raise DiffEquationError(
                        f"derivative function {name!r} contains {what} (line {node.lineno} of its "
                        f"definition); only statements computing values and one final return are supported."
                    )
        self._read_return(body[-1].value)
        self.local_names: list[str] = _stored_names(self.body)
        fixed = {self.var_name, self.t_name, *self.arg_names}
        reassigned = [n for n in self.local_names if n in fixed]
        if reassigned:
            raise DiffEquationError(
                f"derivative function {name!r} assigns to its argument {reassigned[0]!r}; "
                f"store the new value under another name."
            )
        loaded = _loaded_names(self.body + self.returned_nodes)
        self.free_names: list[str] = sorted(loaded - fixed - set(self.local_names))

    def _read_return(self, value: ast.expr) -> None:
        name = self.func_name
        self.extra_exprs: list[ast.expr] = []
        head = value
        if isinstance(value, ast.Tuple) and value.elts and isinstance(value.elts[0], ast.Tuple):
            head, self.extra_exprs = value.elts[0], list(value.elts[1:])
            parts = head.elts
        elif isinstance(value, ast.Tuple):
            parts = value.elts
        else:
            parts = [value]
        if not 1 <= len(parts) <= 2 or any(isinstance(p, (ast.Tuple, ast.Starred)) for p in parts):
            raise DiffEquationError(
                f"derivative function {name!r} returns {ast.unparse(value)!r}; return 'f' or '(f,), extras...' "
                f"for an ODE and 'f, g' or '(f, g), extras...' for an SDE."
            )
        self.f_expr: ast.expr = parts[0]
        self.g_expr: ast.expr | None = parts[1] if len(parts) == 2 else None
        self.is_multi_return: bool = isinstance(value, ast.Tuple) and head is not value

    # -- properties ---------------------------------------------------------------------------

    @property
    def returned_nodes(self) -> list[ast.expr]:
        """Every expression of the return statement (f, g if any, extras)."""
        return [self.f_expr] + ([self.g_expr] if self.g_expr is not None else []) + self.extra_exprs

    @property
    def is_stochastic(self) -> bool:
        """True for an SDE (the function returns a noise coefficient g)."""
        return self.g_expr is not None

    @property
    def is_straight_line(self) -> bool:
        """True when the body is only assignments to plain names (no branches or loops)."""
        return all(
            (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name))
            or (isinstance(s, (ast.AugAssign, ast.AnnAssign)) and isinstance(s.target, ast.Name)
                and getattr(s, "value", None) is not None)
            for s in self.body
        )

    @property
    def uses_time(self) -> bool:
        """True when the derivative reads the time argument."""
        return self.t_name in _loaded_names(self.body + self.returned_nodes)

    @property
    def is_functional_noise(self) -> bool:
        """True when the noise coefficient g depends on the variable (multiplicative noise)."""
        return self.g_expr is not None and self.depends_on_var(self.g_expr)

    @property
    def stochastic_type(self) -> str | None:
        """None for an ODE, else 'multiplicative' or 'additive' noise."""
        if not self.is_stochastic:
            return None
        return "multiplicative" if self.is_functional_noise else "additive"

    @property
    def expr_names(self) -> list[str]:
        """Names assigned in the body, in order of first assignment."""
        return list(self.local_names)

    def depends_on_var(self, expr: ast.expr) -> bool:
        """Return True when ``expr`` (evaluated after the body) depends on the variable."""
        dependent = {self.var_name}
        for stmt in self.body:
            targets = set(_stored_names([stmt]))
            reads_dependent = bool(_loaded_names(stmt) & dependent)
            plain_assign = isinstance(stmt, (ast.Assign, ast.AnnAssign)) and all(
                isinstance(t, ast.Name) for t in getattr(stmt, "targets", [getattr(stmt, "target", None)]))
            if reads_dependent:
                dependent |= targets
            elif plain_assign:  # overwritten by a value that does not depend on the variable
                dependent -= targets
        return bool(_loaded_names(expr) & dependent)

    def resolve_free_names(self, missing: set[str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Look up the names the function reads from outside.

        A name defined nowhere raises, unless ``missing`` is given: it is then added to ``missing`` (a model
        may be defined before the numbers it reads; they must exist by its first run).

        Returns
        -------
        parameters : dict
            Numeric values (numbers and numeric arrays): runtime parameters.
        scope : dict
            Everything else (modules, functions): compile-time names.

        Raises
        ------
        DiffEquationError
            When a name is not defined anywhere.
        """
        parameters, scope = {}, {}
        for name in self.free_names:
            value = lookup_global(self.func, name)
            if value is MISSING and missing is not None:
                missing.add(name)
                continue
            if value is MISSING:
                raise DiffEquationError(
                    f"name {name!r} used in derivative function {self.func_name!r} is not defined; "
                    f"define it before the function is first called, or pass it as an argument."
                )
            if value is BUILTIN:
                continue
            (parameters if is_numeric_parameter(value) else scope)[name] = value
        return parameters, scope

    # -- BrainPy-compatible views ----------------------------------------------------------

    def get_f_expressions(self) -> list[Expression]:
        """The body's assignments followed by the drift ``f``, as Expressions."""
        return self._expressions(self.f_expr, f"_d{self.var_name}_dt")

    def get_g_expressions(self) -> list[Expression]:
        """The body's assignments followed by the noise coefficient ``g`` (empty for an ODE)."""
        if self.g_expr is None:
            return []
        return self._expressions(self.g_expr, f"_g_{self.var_name}")

    def replace_f_expressions(self, name: str, y_sub: str, t_sub: str | None = None) -> list[Expression]:
        """The f expressions evaluated at ``y_sub`` (and ``t_sub``), the last named ``name``."""
        return self._replaced(self.get_f_expressions(), name, y_sub, t_sub)

    def replace_g_expressions(self, name: str, y_sub: str, t_sub: str | None = None) -> list[Expression]:
        """The g expressions evaluated at ``y_sub`` (and ``t_sub``), the last named ``name``."""
        return self._replaced(self.get_g_expressions(), name, y_sub, t_sub)

    def _expressions(self, last: ast.expr, last_name: str) -> list[Expression]:
        if not self.is_straight_line:
            raise DiffEquationError(f"derivative function {self.func_name!r} has branches or loops; "
                                    f"it cannot be listed as plain expressions.")
        out = []
        for stmt in self.body:
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
            value = stmt.value
            if isinstance(stmt, ast.AugAssign):
                value = ast.BinOp(left=ast.Name(target.id, ast.Load()), op=stmt.op, right=stmt.value)
            out.append(Expression(target.id, ast.unparse(value)))
        out.append(Expression(last_name, ast.unparse(last)))
        return out

    def _replaced(self, exprs: list[Expression], name: str, y_sub: str, t_sub: str | None) -> list[Expression]:
        subs = {self.var_name: y_sub, **({self.t_name: t_sub} if t_sub else {})}
        out = []
        for expr in exprs:
            out.append(Expression(expr.var, expr.get_code(subs)))
            subs.pop(expr.var, None)  # a reassigned name no longer refers to the argument
        return out[:-1] + [Expression(name, out[-1].code)] if out else out

    def __repr__(self) -> str:
        kind = "SDE" if self.is_stochastic else "ODE"
        return f"<DiffEquation {kind} d{self.var_name}/d{self.t_name} from {self.func_name!r}>"


class _Sentinel:
    def __init__(self, label: str):
        self.label = label

    def __repr__(self) -> str:
        return self.label


MISSING = _Sentinel("<missing>")
BUILTIN = _Sentinel("<builtin>")


def lookup_global(func: Callable, name: str) -> Any:
    """Return the current value of a free name of ``func`` (closure, then globals, then builtins)."""
    code = getattr(func, "__code__", None)
    if code is not None and func.__closure__:
        cells = dict(zip(code.co_freevars, func.__closure__))
        if name in cells:
            try:
                return cells[name].cell_contents
            except ValueError:
                return MISSING
    globals_ = getattr(func, "__globals__", {})
    if name in globals_:
        return globals_[name]
    if hasattr(builtins, name):
        return BUILTIN
    return MISSING


def is_numeric_parameter(value: Any) -> bool:
    """True for values passed to generated code as runtime data: real numbers and numeric arrays."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, numbers.Real):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind in "iuf"
