"""Check operations: stop the run with a status when an event record is full or a value is NaN/inf.

The kernel returns ``(status, step, which, detail)`` instead of raising, so the network can grow a
record and go on, or name the object and field that went bad.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import ClassVar

from bp_core.codegen.kernel_ops.base import STATUS_GROW, STATUS_NONFINITE, KernelOp, register
from bp_core.codegen.kernel_ops.syntax import statement, statements

__all__ = ["CheckCapacity", "CheckFinite", "LocateNonfinite", "CheckFolded"]


@register
@dataclass
class CheckCapacity(KernelOp):
    """Before a step's work: stop (status GROW) unless the event record ``var`` has room for a whole step.

    ``number`` is the record's index in ``KernelPlan.event_monitors``; ``values`` the flat field it records.
    """

    kind: ClassVar[str] = "check_capacity"
    var: str
    values: str
    number: int

    def lower(self) -> list[ast.stmt]:
        return [statement("if V_count[0] + VALUES.shape[0] > V_index.shape[0]:\n    return STATUS, _i, NUMBER, 0",
                          {"V": self.var}, VALUES=self.values, STATUS=STATUS_GROW, NUMBER=self.number)]


@register
@dataclass
class CheckFinite(KernelOp):
    """After the steps: stop (status NONFINITE) when row ``row`` (bound as ``var``) of object ``owner`` is NaN/inf."""

    kind: ClassVar[str] = "check_finite"
    var: str
    owner: int
    row: int

    def lower(self) -> list[ast.stmt]:
        return [statement("if any_nonfinite(VAR):\n    return STATUS, _i, OWNER, ROW", VAR=self.var,
                          STATUS=STATUS_NONFINITE, OWNER=self.owner, ROW=self.row)]


@register
@dataclass
class LocateNonfinite(KernelOp):
    """Stop (status NONFINITE) at the first row of ``state`` (of object ``owner``) holding a NaN/inf.

    ``when`` is the step reported: ``'_i'`` in the time loop, ``'_step0'`` for a value set before the run.
    """

    kind: ClassVar[str] = "locate_nonfinite"
    state: str
    owner: int
    when: str = "_i"

    def lower(self) -> list[ast.stmt]:
        return statements("_bad = first_nonfinite_row(STATE)\nif _bad >= 0:\n    return STATUS, WHEN, OWNER, _bad",
                          STATE=self.state, STATUS=STATUS_NONFINITE, WHEN=self.when, OWNER=self.owner)


@register
@dataclass
class CheckFolded(KernelOp):
    """After the steps: when a step that checks what it stores found a NaN/inf, find the object it is in."""

    kind: ClassVar[str] = "check_folded"
    locate: list[LocateNonfinite] = field(default_factory=list)

    def lower(self) -> list[ast.stmt]:
        check = statement("if _nonfinite:\n    pass")
        assert isinstance(check, ast.If)
        check.body = [stmt for op in self.locate for stmt in op.lower()] or check.body
        return [check]
