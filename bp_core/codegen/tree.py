"""The intermediate form every pass reads and rewrites: a step's statements and what is known about them.

A step is translated as one Python AST from start to end. ``StepTree`` holds it in three parts
(``prelude`` runs once before the element loop, ``body`` once per element in scalar mode,
``epilogue`` once at the end) together with the facts passes share: which arguments the
rewritten code reads, which fields may become non-finite, whether the element loop may run in
parallel.

Each statement carries the line of the user's source it came from (the ``bp_line`` attribute).
The user's statements are stamped when the tree is made; a pass that writes new statements
stamps them with the line they were derived from (``located``), and the pipeline gives any
statement still unstamped the line of its neighbour or parent (``fill_origins``). The emitter
turns these into the line map.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from bp_core.codegen.step_inputs import StepInputs
from bp_core.integration.rendering import NameAllocator

__all__ = ["StepTree", "Pass", "ORIGIN", "origin", "located", "fill_origins", "as_identifier"]

ORIGIN = "bp_line"
"""Attribute of a statement node: the line of the user's file it was translated from."""


def origin(node: ast.AST) -> int | None:
    """The user's line ``node`` came from, if known."""
    return getattr(node, ORIGIN, None)


def located(statements: Iterable[ast.stmt], line: int | None) -> list[ast.stmt]:
    """``statements``, each (nested ones too) stamped with ``line`` unless it already has a line."""
    out = list(statements)
    if line is None:
        return out
    for stmt in out:
        for node in ast.walk(stmt):
            if isinstance(node, ast.stmt) and origin(node) is None:
                setattr(node, ORIGIN, line)
    return out


def fill_origins(statements: list[ast.stmt], parent: int | None = None) -> None:
    """Give every unstamped statement the line of the next stamped sibling, else the previous, else the parent."""
    lines = [origin(s) for s in statements]
    for k, stmt in enumerate(statements):
        if lines[k] is None:
            after = next((ln for ln in lines[k + 1:] if ln is not None), None)
            before = next((ln for ln in reversed(lines[:k]) if ln is not None), None)
            line = after if after is not None else before if before is not None else parent
            if line is not None:
                setattr(stmt, ORIGIN, line)
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                fill_origins(inner, origin(stmt))
        for handler in getattr(stmt, "handlers", []):
            fill_origins(handler.body, origin(stmt))


def rewrite_blocks(statements: list[ast.stmt], rewrite: Callable[[ast.stmt], list[ast.stmt]]) -> list[ast.stmt]:
    """``statements`` with each replaced by ``rewrite(stmt)``, the blocks inside it (bodies, ``else`` branches)
    rewritten first."""
    out: list[ast.stmt] = []
    for stmt in statements:
        for attr in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, attr, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                setattr(stmt, attr, rewrite_blocks(inner, rewrite))
        out.extend(rewrite(stmt))
    return out


def as_identifier(text: str) -> str:
    """``text`` with every character that cannot appear in a Python name replaced by ``_``."""
    return re.sub(r"\W", "_", text)


@dataclass
class StepTree:
    """A step function on its way to generated code (see the module docstring).

    Attributes
    ----------
    inputs : StepInputs
    body, prelude, epilogue : list of ast.stmt
    names : NameAllocator
        Every name the generated function uses or may use; passes take fresh ones from it.
    param_args : dict
        Model parameter the step reads -> argument name it takes.
    per_element_args : set of str
        Parameter arguments holding one value per element.
    row_args : dict
        Argument holding one field of a state as its own array -> ``(state, field)``.
    list_args : dict
        Argument -> compressed-row part (``'<list>_ptr'`` or ``'<list>_idx'``) of an index list.
    indexes_user_data : bool
        Whether the step indexes with anything but generated indices (then it is bounds checked).
    risky_fields : set of (state, field)
        Fields the step may make NaN or infinite.
    written_fields : set of (state, field)
        Fields the step may write.
    event_args : dict
        Argument -> ``(state, field, part)``: part ``'index'``, ``'lo'`` or ``'hi'`` of the kernel's
        list of this step's events of that field (see ``passes.follow_event_lists``).
    folded_fields : set of (state, field)
        Risky fields the step checks itself as it stores them (it then returns whether one went bad).
    element_local : bool
        Scalar mode: every iteration of the element loop writes only its own element.
    fused : bool
        Vector mode: the body is one loop over elements made of the step's element-wise lines.
    run_values : list of ast.Assign
        Assignments taken out of the prelude because their values hold for a whole run: the kernel
        computes them once per call and the step reads the names they assign as arguments.
    decays : DecayFields, optional
        The fields the step decays at its synapses' visits instead of at every step
        (``passes.decay_at_events``): the kernel decays the rest when it returns.
    uniform_arrays : set of str
        Row arguments of fields holding one value in every element, which the step reads as ``array[0]``
        (``passes.uniform_fields``): the hoisting passes take that read for a value of the whole step.
    """

    inputs: StepInputs
    body: list[ast.stmt]
    names: NameAllocator
    param_args: dict[str, str]
    per_element_args: set[str]
    index_lists: set[str]
    unique_lists: set[str]
    prelude: list[ast.stmt] = field(default_factory=list)
    epilogue: list[ast.stmt] = field(default_factory=list)
    row_args: dict[str, tuple[str, str]] = field(default_factory=dict)
    list_args: dict[str, str] = field(default_factory=dict)
    indexes_user_data: bool = False
    risky_fields: set[tuple[str, str]] = field(default_factory=set)
    written_fields: set[tuple[str, str]] = field(default_factory=set)
    event_args: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    folded_fields: set[tuple[str, str]] = field(default_factory=set)
    element_local: bool = False
    fused: bool = False
    run_values: list[ast.Assign] = field(default_factory=list)
    decays: Any = None
    uniform_arrays: set[str] = field(default_factory=set)

    @classmethod
    def from_inputs(cls, inputs: StepInputs) -> StepTree:
        """The user's step, its statements stamped with their lines, its docstring dropped."""
        step = inputs.step
        body = copy.deepcopy(step.node.body)
        for stmt in body:
            for node in ast.walk(stmt):
                if isinstance(node, ast.stmt):
                    setattr(node, ORIGIN, step.first_line + node.lineno - 1)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        taken = set(step.args) | step.locals | set(step.scope) | set(step.integrators) | \
            {"np", inputs.rng, "_obj_i", "_pre_i", "_post_i"}
        names = NameAllocator(taken)
        used = set(step.parameters)
        for integrator in step.integrators.values():
            used |= set(integrator.diff_eq.resolve_free_names()[0])
        param_args = {name: name if name not in step.locals else names.fresh(f"{name}_par")
                      for name in inputs.param_names if name in used}
        names.reserve(*param_args.values())
        index_lists = set(inputs.index_lists) & set(step.args)
        return cls(inputs=inputs, body=body, names=names, param_args=param_args,
                   per_element_args={arg for par, arg in param_args.items() if par in inputs.per_element},
                   index_lists=index_lists, unique_lists=set(inputs.unique_lists) & index_lists)

    @property
    def scalar(self) -> bool:
        """Whether the step runs once per element (scalar mode)."""
        return self.inputs.mode == "scalar"

    @property
    def parallel(self) -> bool:
        """Whether the element loop runs with ``prange``."""
        return self.scalar and self.inputs.parallel and self.element_local

    def statements(self) -> list[ast.stmt]:
        """The whole function body, in order."""
        return self.prelude + self.body + self.epilogue

    def row_argument(self, state: str, key: str) -> str:
        """The argument holding field ``key`` of ``state`` as its own array (one row of the data).

        Steps receive fields as separate arrays rather than rows of one 2-D array: LLVM then
        vectorizes scalar-mode loops, which it does not do through 2-D indexing (8x on COBA).
        """
        for name, held in self.row_args.items():
            if held == (state, key):
                return name
        name = self.names.fresh(f"{state}_{as_identifier(key)}")
        self.row_args[name] = (state, key)
        return name

    def list_argument(self, name: str, part: str) -> str:
        """The argument holding part ``'ptr'`` or ``'idx'`` of index list ``name``."""
        key = f"{name}_{part}"
        for arg, held in self.list_args.items():
            if held == key:
                return arg
        arg = self.names.fresh(key)
        self.list_args[arg] = key
        return arg


@dataclass(frozen=True)
class Pass:
    """One stage of the pipeline.

    Attributes
    ----------
    name : str
        As ``show_passes`` prints it.
    run : callable
        ``run(tree)`` rewrites the tree in place (or, for an analysis, records facts on it).
    applies : callable
        ``applies(tree)``: whether the pass runs for this step at all.
    describe : callable, optional
        An analysis: ``describe(tree)`` says what it found (it leaves the statements as they are).
    """

    name: str
    run: Callable[[StepTree], None]
    applies: Callable[[StepTree], bool] = lambda tree: True
    describe: Callable[[StepTree], str] | None = None

    @property
    def rewrites(self) -> bool:
        """Whether the pass changes the statements (an analysis does not)."""
        return self.describe is None
