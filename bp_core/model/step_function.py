"""Analysis of a model's step function: its arguments, the state fields it touches, the names it reads."""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from typing import Any, Callable

import numpy as np

from bp_core.errors import ModelDefError
from bp_core.integration.diff_equation import BUILTIN, MISSING, is_numeric_parameter, lookup_global
from bp_core.integration.integrator import Integrator
from bp_core.model.recursion import find_recursion
from bp_core.model.reserved_names import check_free_names

__all__ = ["StepFunction", "SYSTEM_NAMES", "SCALAR_INDEX_NAMES", "delayed"]

SYSTEM_NAMES = ("_t", "_i", "_dt")
SCALAR_INDEX_NAMES = ("_obj_i", "_pre_i", "_post_i")
STATE_NAMES = ("ST", "pre", "post")


def delayed(func: Callable | str | None = None, *, pathway: str | None = None, on: str = "pre") -> Callable:
    """Mark a synapse step function as reading the delayed state (``ST[...]`` lags by the delay).

    ``@bp.delayed`` marks the model's one delayed step. A SynType with several pathways (Brian2's
    ``on_pre={'up': ..., 'down': ...}``), each with its own delay, marks one step per pathway:
    ``@bp.delayed(pathway='up')``; the SynConn then takes ``delay={'up': 1., 'down': 5.}``.
    ``@bp.delayed(pathway='bp', on='post')`` marks a postsynaptic pathway (Brian2's ``on_post`` with a
    delay): the step sees ``post['spike']`` as it was the pathway's delay ago, and ``ST``, ``pre`` and the
    other ``post`` fields as they are now (a dendritic or backpropagation delay of the postsynaptic spikes).

    Parameters
    ----------
    func : callable or str, optional
        The step function (``@bp.delayed``), or the pathway's name (``@bp.delayed('up')``).
    pathway : str, optional
        The pathway's name, a Python identifier.
    on : {'pre', 'post'}
        Whose spikes the pathway delays: ``'pre'`` (the step reads ``ST`` as it was the delay ago) or
        ``'post'`` (the step reads ``post['spike']`` as it was the delay ago; a named pathway).

    Returns
    -------
    callable
        The same function, marked (or a decorator that marks it).
    """
    if isinstance(func, str):
        func, pathway = None, func
    if pathway is not None and (not isinstance(pathway, str) or not pathway.isidentifier()):
        raise ModelDefError(f"@bp.delayed(pathway=...) takes a Python identifier as the pathway's name, "
                            f"got {pathway!r}.")
    if on not in ("pre", "post"):
        raise ModelDefError(f"@bp.delayed(on=...) takes 'pre' or 'post' (whose spikes the pathway delays), got {on!r}.")
    if on == "post" and pathway is None:
        raise ModelDefError("@bp.delayed(on='post') marks a postsynaptic pathway, which needs a name: "
                            "@bp.delayed(pathway='bp', on='post'), and the SynConn delay={'bp': 2.}.")

    def mark(step: Callable) -> Callable:
        if not callable(step):
            raise ModelDefError(f"@bp.delayed marks a step function, got {step!r}.")
        step._bp_delayed = True
        step._bp_pathway = pathway
        step._bp_on = on
        return step

    return mark if func is None else mark(func)


class StepFunction:
    """A step function of a NeuType or SynType, read from its source.

    Attributes
    ----------
    func : callable
    name : str
    args : list of str
        Argument names, in order.
    node : ast.FunctionDef
    is_delayed : bool
    pathway : str or None
        The pathway a delayed step delivers (``@bp.delayed(pathway='up')``); None for the one unnamed one.
    on : str
        Whose spikes a delayed step's pathway delays: ``'pre'``, or ``'post'`` (``post['spike']`` delayed).
    fields_used : dict
        State argument name -> field names it indexes.
    parameters : dict
        Numeric free names -> values (runtime parameters).
    integrators : dict
        Free names bound to integrators -> Integrator.
    scope : dict
        Other free names (modules, functions) -> values.
    locals : set
        Names assigned inside the function.
    """

    def __init__(self, func: Callable, model_name: str):
        if not callable(func):
            raise ModelDefError(f"steps of model {model_name!r} must be functions, got {func!r}.")
        self.func = func
        self.name = getattr(func, "__name__", "")
        self.model_name = model_name
        if not isinstance(func, types.FunctionType) or not self.name.isidentifier():
            # a lambda's source is a fragment of its line, and a callable object has no source the generator reads
            raise ModelDefError(f"steps of model {model_name!r} must be functions defined with 'def', got "
                                f"{func!r}; write 'def update(ST, _t): ...' and pass update.")
        self.is_delayed = bool(getattr(func, "_bp_delayed", False))
        self.pathway: str | None = getattr(func, "_bp_pathway", None) if self.is_delayed else None
        self.on: str = getattr(func, "_bp_on", "pre") if self.is_delayed else "pre"
        try:
            source = textwrap.dedent(inspect.getsource(func))
        except (OSError, TypeError):
            raise ModelDefError(f"cannot read the source of step function {self.name!r} of model "
                                f"{model_name!r}; define it with 'def' in a file or notebook cell.") from None
        self.source_file = inspect.getsourcefile(func) or "<unknown>"
        self.first_line = func.__code__.co_firstlineno
        try:
            parsed = ast.parse(source)
        except SyntaxError as error:
            raise ModelDefError(f"cannot parse the source of step function {self.name!r} of model {model_name!r} "
                                f"({error.msg}); define it with 'def' in a file or notebook cell.") from None
        nodes = [n for n in ast.walk(parsed) if isinstance(n, ast.FunctionDef) and n.name == self.name]
        if not nodes:
            raise ModelDefError(f"cannot find the definition of step function {self.name!r} in its source.")
        self.node: ast.FunctionDef = nodes[0]
        self.node.decorator_list = []
        self._check_signature()
        self._check_body()
        self.locals = {n.id for n in ast.walk(self.node) if isinstance(n, ast.Name)
                       and isinstance(n.ctx, (ast.Store, ast.Del))}
        self.fields_used = self._fields_used()
        self._resolve_free_names()
        self._check_calls()

    def where(self) -> str:
        """'step function 'update' of model 'LIF'' for messages."""
        return f"step function {self.name!r} of model {self.model_name!r}"

    def _check_signature(self) -> None:
        a = self.node.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.defaults:
            raise ModelDefError(f"{self.where()} must take plain named arguments (no *args, **kwargs or "
                                f"defaults); each argument names the data it needs.")
        self.args = [x.arg for x in a.args]

    def _check_body(self) -> None:
        for node in ast.walk(self.node):
            line = self.first_line + getattr(node, "lineno", 1) - 1
            if node is not self.node and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                # the code generator rewrites a step as one scope: a nested one would be rewritten with it
                raise ModelDefError(
                    f"{self.where()} defines {node.name!r} inside the step ({self.source_file}, line {line}); "
                    f"define helper functions at module level and call them from the step.")
            if isinstance(node, ast.Lambda):
                # a lambda's arguments would be read as the step's free names, and numba compiles no closure
                raise ModelDefError(
                    f"{self.where()} defines a lambda ({self.source_file}, line {line}); define the function at "
                    f"module level and call it from the step.")
            if isinstance(node, ast.GeneratorExp):
                raise ModelDefError(
                    f"{self.where()} has a generator expression ({self.source_file}, line {line}), which compiled "
                    f"code cannot run; write a list comprehension ([... for ...]) or a loop.")
            if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
                raise ModelDefError(
                    f"{self.where()} uses '{'await' if isinstance(node, ast.Await) else 'yield'}' "
                    f"({self.source_file}, line {line}); a step runs to its end (or to a bare 'return') "
                    f"at every time step: write it as a plain function.")
            if isinstance(node, ast.Return) and node.value is not None:
                raise ModelDefError(
                    f"{self.where()} returns a value ({self.source_file}, line {line}); step functions write their "
                    f"results into ST or into arrays they receive, and return nothing (a bare 'return' ends the "
                    f"step, or in scalar mode the current element's step).")
            refused = _untranslatable(node)
            if refused is not None:
                what, fix = refused
                raise ModelDefError(f"{self.where()} uses {what} ({self.source_file}, line {line}), which compiled "
                                    f"steps do not run as Python does; {fix}")
            if isinstance(node, ast.While) and _always_true(node.test) and not _leaves(node.body, True):
                # compiled, it would hold the process for ever: no Ctrl-C reaches a running kernel
                raise ModelDefError(
                    f"{self.where()} has a 'while' loop that never ends ({self.source_file}, line {line}): its test "
                    f"is always true and nothing in it breaks out, returns or raises; give it a condition that "
                    f"becomes false, or a 'break'.")

    def _check_calls(self) -> None:
        """Refuse what compiled steps cannot call faithfully: recursive helpers and formatted ``print``."""
        cycle = find_recursion(self.scope.values())
        if cycle:
            itself = any(site.callee == self.name and lookup_global(self.func, self.name) is self.func
                         for site in cycle)
            raise ModelDefError(
                f"{self.where()} {'calls itself' if itself else 'calls a recursive helper'}: "
                f"{'; '.join(map(str, cycle))}. Step functions cannot call themselves nor helpers that recurse "
                f"(numba compiles no recursion through globals); write the repetition as a loop (for/while) in "
                f"{cycle[0].caller!r}.")
        if "print" in self.args or "print" in self.locals or lookup_global(self.func, "print") is not BUILTIN:
            return
        for node in ast.walk(self.node):
            problem = _unprintable(node)
            if problem:
                raise ModelDefError(
                    f"{self.where()} prints with {problem} ({self.source_file}, line "
                    f"{self.first_line + node.lineno - 1}); compiled steps print plain values only, "
                    f"print('V', ST['V']) (at every step, one line per element in scalar mode). To look at a "
                    f"value over a run, monitor it (monitors=['V']) and print group.mon.V afterwards.")

    def _fields_used(self) -> dict[str, list[str]]:
        used: dict[str, list[str]] = {}
        for node in ast.walk(self.node):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in self.args:
                key = node.slice
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    used.setdefault(node.value.id, [])
                    if key.value not in used[node.value.id]:
                        used[node.value.id].append(key.value)
        return used

    def _resolve_free_names(self) -> None:
        loaded = {n.id for n in ast.walk(self.node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        free = sorted(loaded - set(self.args) - self.locals - set(SCALAR_INDEX_NAMES))
        self.parameters: dict[str, Any] = {}
        self.integrators: dict[str, Integrator] = {}
        self.scope: dict[str, Any] = {}
        self.late: set[str] = set()
        for name in free:
            value = lookup_global(self.func, name)
            if value is MISSING:
                # Python looks globals up when a function runs: a notebook may define the model first and its
                # numbers in a later cell. resolve_late() asks again before the first run.
                self.late.add(name)
                continue
            if value is BUILTIN:
                continue
            if isinstance(value, Integrator):
                self.integrators[name] = value
            elif is_numeric_parameter(value):
                self.parameters[name] = value
            else:
                self.scope[name] = value
        check_free_names(self.where(), self.parameters, self.scope)
        for name, integrator in self.integrators.items():
            missing: set[str] = set()
            names = integrator.diff_eq.resolve_free_names(missing)
            self.late |= missing
            check_free_names(f"derivative function {name!r} of {self.where()}", *names)
        for name in _written_through(self.node) & set(free):
            if isinstance(self.parameters.get(name, self.scope.get(name)), np.ndarray):
                raise ModelDefError(
                    f"{self.where()} writes to the module-level array {name!r}; compiled steps cannot change "
                    f"globals (and every group would share it). Keep such data in the state (ST), or declare it "
                    f"in requires=... and give each group its own array with satisfies=... or hand_overs=....")

    def resolve_late(self) -> None:
        """Look up again the names that were not defined when the model was; raise if one still is not."""
        if not self.late:
            return
        self._resolve_free_names()
        self._check_calls()
        if self.late:
            name = sorted(self.late)[0]
            raise ModelDefError(f"name {name!r} used in {self.where()} is not defined; define it before the "
                                f"model's first run (a number becomes a parameter of the model).")

    def all_parameters(self) -> dict[str, Any]:
        """Numeric names of the step function and of the integrators it calls (those defined so far)."""
        pars = dict(self.parameters)
        for integrator in self.integrators.values():
            values, _ = integrator.diff_eq.resolve_free_names(set())
            for name, value in values.items():
                if name in pars and not _same(pars[name], value):
                    raise ModelDefError(
                        f"parameter {name!r} has two values in model {self.model_name!r}: {pars[name]!r} in "
                        f"{self.where()} and {value!r} in integrator {integrator.py_func_name!r}; rename one.")
                pars[name] = value
        return pars

    def all_scope(self) -> dict[str, Any]:
        """Compile-time names of the step function and of the integrators it calls."""
        scope = dict(self.scope)
        for integrator in self.integrators.values():
            scope.update(integrator.diff_eq.resolve_free_names(set())[1])
        return scope


def _unprintable(node: ast.AST) -> str | None:
    """What in a ``print(...)`` call compiled code cannot print as Python does (numba prints an f-string's
    values as ``<object type:float64>``, and has no ``sep=``, ``end=``, ``file=``, ``%`` or ``.format``)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"):
        return None
    if node.keywords:
        return f"keyword arguments ({', '.join(f'{k.arg}=' for k in node.keywords if k.arg)})"
    for arg in node.args:
        for sub in ast.walk(arg):
            if isinstance(sub, ast.JoinedStr):
                return "an f-string"
            if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Mod) and isinstance(sub.left, ast.Constant) \
                    and isinstance(sub.left.value, str):
                return "%-formatting"
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "format":
                return "str.format()"
    return None


READING_METHODS = frozenset({"sum", "mean", "max", "min", "any", "all", "copy", "astype", "std", "var", "argmax",
                             "argmin", "nonzero", "dot", "prod", "cumsum", "tolist", "item"})
"""Array methods that only read the array they are called on (any other method may write to it)."""


def _untranslatable(node: ast.AST) -> tuple[str, str] | None:
    """``(what, fix)`` for a statement or expression of a step that has no faithful compiled form, else None.

    Refused on every backend alike, so that a model gives the same result with and without jit (numba refuses
    these, or runs them otherwise than Python).
    """
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return (f"'{'global' if isinstance(node, ast.Global) else 'nonlocal'} {', '.join(node.names)}'",
                "pass data as arguments instead (a number at module level is read as a model parameter).")
    if isinstance(node, ast.Delete):
        return "'del'", "leave the name alone (a local ends with the step) or assign it a new value."
    if isinstance(node, ast.NamedExpr):
        return (f"the assignment expression '{ast.unparse(node)}'",
                f"assign on a line of its own first ({ast.unparse(node.target)} = {ast.unparse(node.value)}) and "
                f"use {ast.unparse(node.target)} after.")
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return "a 'with' block", "write its body without 'with' (a context manager's enter and exit do not run)."
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return "an 'import'", "import at module level; the step reads the module's names from there."
    if isinstance(node, ast.ExceptHandler) and (node.name is not None or not _catches_everything(node.type)):
        caught = f"'except {ast.unparse(node.type)}{' as ' + node.name if node.name else ''}'" \
            if node.type is not None else f"'except as {node.name}'"
        return caught, "catch every error with a plain 'except:' (or 'except Exception:'), with no 'as' name."
    if isinstance(node, ast.Starred) and isinstance(node.ctx, ast.Store):
        return (f"the starred assignment target '{ast.unparse(node)}'",
                "unpack into as many names as there are values, or index the values (v[0], v[1:]).")
    return None


def _catches_everything(kind: ast.expr | None) -> bool:
    return kind is None or isinstance(kind, ast.Name) and kind.id in ("Exception", "BaseException")


def _written_through(func: ast.FunctionDef) -> set[str]:
    """Names the function writes into: ``a[...] = x``, ``a += x``, ``a.fill(x)``, ``f(x, out=a)``."""
    out: set[str] = set()
    for node in ast.walk(func):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AugAssign) else []
        for target in targets:
            base = target
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name) and (base is not target or isinstance(node, ast.AugAssign)):
                out.add(base.id)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and \
                    node.func.attr not in READING_METHODS | {"reshape", "ravel", "flatten"}:
                out.add(node.func.value.id)
            out |= {k.value.id for k in node.keywords if k.arg == "out" and isinstance(k.value, ast.Name)}
    return out


def _same(a: Any, b: Any) -> bool:
    try:
        import numpy as np

        return bool(np.all(np.asarray(a) == np.asarray(b)))
    except Exception:
        return a is b


def _always_true(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and bool(test.value)


def _leaves(nodes: list[ast.AST], own: bool) -> bool:
    """Whether ``nodes`` hold a ``return`` or ``raise``, or (``own``) a ``break`` of the loop they belong to."""
    for node in nodes:
        if isinstance(node, (ast.Return, ast.Raise)) or own and isinstance(node, ast.Break):
            return True
        if isinstance(node, (ast.For, ast.While)):
            # a break in an inner loop's body ends that loop; one in its else clause ends ours
            inner = [node.test] if isinstance(node, ast.While) else [node.iter]
            if _leaves(inner + node.body, False) or _leaves(node.orelse, own):
                return True
        elif _leaves(list(ast.iter_child_nodes(node)), own):
            return True
    return False
