"""What every kernel operation is, and the registry of operation kinds.

A kernel operation is one small piece of work of the run kernel (call a step, record a monitor,
push a delay line, ...), held as a dataclass of the names and numbers it needs. It has one
lowering, ``lower()``, to Python statements (syntax trees the emitter prints); what it reads,
``reads()``, is the set of names those statements load, so the kernel's arguments follow from
its operations.

Families whose items come in several forms (a monitor records dense rows, selected elements
or events) choose the operation for an item through the registry: ``register(family=...)``
adds a kind with an ``applies`` test, and ``choose`` gives the first kind that applies, so a
new form is one new class in its family's module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

from bp_core.codegen.emit import Comment
from bp_core.codegen.kernel_ops.syntax import names_read, statement

__all__ = ["KernelOp", "Bind", "Header", "Schedule", "register", "unregister", "choose", "kinds", "advance",
           "STATUS_OK", "STATUS_NONFINITE", "STATUS_STEP_ERROR", "STATUS_GROW"]

STATUS_OK, STATUS_NONFINITE, STATUS_STEP_ERROR, STATUS_GROW = 0, 1, 2, 3
"""What the kernel returns first: it ran, a value went NaN/inf, a step raised, an event record is full."""


class KernelOp:
    """One operation of the run kernel (subclasses are dataclasses).

    Attributes
    ----------
    kind : str
        Its name in the registry and in listings.
    """

    kind: ClassVar[str] = "op"

    def lower(self) -> list[ast.stmt]:
        """The statements this operation stands for."""
        raise NotImplementedError

    def lowered(self) -> list[ast.stmt]:
        """``lower()``, made once (the walker asks for an operation's reads and then for its statements)."""
        cached = self.__dict__.get("_lowered")
        if cached is None:
            cached = self.__dict__["_lowered"] = self.lower()
        return cached

    def reads(self) -> set[str]:
        """The names its statements read."""
        return names_read(self.lowered())

    def describe(self) -> str:
        """One line for listings: the kind and the operation's first statement."""
        lowered = self.lower()
        first = ast.unparse(lowered[0]).split("\n")[0] if lowered else ""
        more = " ..." if len(lowered) > 1 or "\n" in ast.unparse(lowered[0]) else ""
        return f"{self.kind:<18} {first}{more}"


class Schedule(Protocol):
    """What a family's ``plan`` may ask of the walk (``walker.KernelSchedule`` is the one implementation)."""

    def bind(self, var: str, value: ast.expr) -> str:
        """Bind ``var`` to ``value`` once per kernel call, before the time loop."""

    def bind_row(self, obj: Any, state: str, key: str) -> str:
        """The kernel variable holding one field of a state."""

    def bind_flat_row(self, obj: Any, key: str) -> str:
        """The kernel variable holding one field of ST as a flat array."""

    def event_record(self, obj: Any, mon: Any, values: str) -> int:
        """Register an event record; its number in ``KernelPlan.event_monitors``."""


def advance(counter: str) -> ast.stmt:
    """``counter[0] = (counter[0] + 1) % counter[1]``: the next slot of a ring of ``counter[1]`` slots."""
    return statement("COUNTER[0] = (COUNTER[0] + 1) % COUNTER[1]", COUNTER=counter)


@dataclass
class Bind(KernelOp):
    """``var = value``: a kernel variable bound once (before the time loop, or at the start of each step)."""

    kind: ClassVar[str] = "bind"
    var: str
    value: ast.expr

    def lower(self) -> list[ast.stmt]:
        return [statement("VAR = VALUE", VAR=self.var, VALUE=self.value)]


@dataclass
class Header(KernelOp):
    """A comment opening the operations of one object."""

    kind: ClassVar[str] = "header"
    text: str

    def lower(self) -> list[ast.stmt]:
        return [Comment(" ".join(self.text.split()))]


_KINDS: dict[str, type[KernelOp]] = {}
_CHOICES: dict[str, list[type[KernelOp]]] = {}

K = TypeVar("K", bound=type)


def register(cls: K | None = None, *, family: str | None = None, first: bool = False) -> Any:
    """Class decorator: add an operation kind to the registry.

    Parameters
    ----------
    family : str, optional
        The family whose items the kind may stand for (``'monitor'``, ``'input'``); the class
        then has ``applies(obj, item)`` and ``plan(schedule, obj, item)`` class methods.
    first : bool
        Try it before the kinds registered earlier (a more specific form).
    """
    def add(kind: K) -> K:
        _KINDS[kind.kind] = kind
        if family is not None:
            choices = _CHOICES.setdefault(family, [])
            if kind not in choices:
                choices.insert(0, kind) if first else choices.append(kind)
        return kind
    return add(cls) if cls is not None else add


def unregister(cls: type[KernelOp]) -> None:
    """Remove an operation kind from the registry."""
    if _KINDS.get(cls.kind) is cls:
        del _KINDS[cls.kind]
    for choices in _CHOICES.values():
        if cls in choices:
            choices.remove(cls)


def choose(family: str, obj: Any, item: Any) -> Any:
    """The first registered kind of ``family`` that applies to ``item`` of the planned object ``obj``."""
    for kind in _CHOICES.get(family, []):
        if kind.applies(obj, item):  # type: ignore[attr-defined]
            return kind
    raise LookupError(f"no kernel operation of family {family!r} stands for {item!r}")


def kinds() -> dict[str, type[KernelOp]]:
    """Every registered operation kind, by name."""
    return dict(_KINDS)



register(Bind)
register(Header)
