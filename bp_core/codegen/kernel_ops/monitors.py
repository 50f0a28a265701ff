"""Monitor operations: record a monitored field at the current step, one operation per kind of record.

Each kind registers itself in the ``'monitor'`` family with the test of the monitors it records
(``applies``) and how it plans them (``plan``: the bindings and records it needs). A new kind of
record is one more class here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import ClassVar

from bp_core.codegen.kernel_ops.base import KernelOp, Schedule, register
from bp_core.codegen.kernel_ops.plans import MonitorPlan, ObjectPlan
from bp_core.codegen.kernel_ops.syntax import expression, statement, statements

__all__ = ["RecordRow", "RecordSelected", "RecordEvents"]


def _every(schedule: Schedule, mon: MonitorPlan) -> str:
    """The variable holding the epoch's first record row of a monitor that records every n-th step."""
    if mon.every <= 1:
        return ""
    first = f"_first_row_{mon.var}"
    # rows are counted over the epoch, so a run cut into advance() chunks records the same steps
    schedule.bind(first, expression("(_step0 - _mon0 + LAG) // EVERY", LAG=mon.every - 1, EVERY=mon.every))
    return first


def _sampled(record: ast.expr, every: int) -> list[ast.stmt]:
    if every <= 1:
        return [ast.Expr(record)]
    return [statement("if _i % EVERY == 0:\n    RECORD", EVERY=every, RECORD=record)]


def _row(every: int, first: str) -> ast.expr:
    if every <= 1:
        return expression("_mon0 + _k")
    return expression("_i // EVERY - FIRST", EVERY=every, FIRST=first)


@register(family="monitor")
@dataclass
class RecordRow(KernelOp):
    """Store the whole field in the record's row of this step (every ``every``-th step)."""

    kind: ClassVar[str] = "record_row"
    var: str
    values: str
    every: int = 1
    first: str = ""

    @classmethod
    def applies(cls, obj: ObjectPlan, mon: MonitorPlan) -> bool:
        """A dense record of every element."""
        return not mon.events and not mon.selected

    @classmethod
    def plan(cls, schedule: Schedule, obj: ObjectPlan, mon: MonitorPlan) -> list[KernelOp]:
        """Bind the field's row; record it."""
        first = _every(schedule, mon)
        return [cls(mon.var, schedule.bind_row(obj, "ST", mon.key), mon.every, first)]

    def lower(self) -> list[ast.stmt]:
        record = expression("record_row(VAR, ROW, VALUES)", VAR=self.var, ROW=_row(self.every, self.first),
                            VALUES=self.values)
        return _sampled(record, self.every)


@register(family="monitor")
@dataclass
class RecordSelected(KernelOp):
    """Store the elements listed in ``<var>_sel`` in the record's row of this step."""

    kind: ClassVar[str] = "record_selected"
    var: str
    values: str
    every: int = 1
    first: str = ""

    @classmethod
    def applies(cls, obj: ObjectPlan, mon: MonitorPlan) -> bool:
        """A dense record of some elements."""
        return not mon.events and mon.selected

    @classmethod
    def plan(cls, schedule: Schedule, obj: ObjectPlan, mon: MonitorPlan) -> list[KernelOp]:
        """Bind the field as a flat array; record the selected elements."""
        first = _every(schedule, mon)
        return [cls(mon.var, schedule.bind_flat_row(obj, mon.key), mon.every, first)]

    def lower(self) -> list[ast.stmt]:
        record = expression("record_selected(VAR, ROW, VALUES, SELECTED)", VAR=self.var,
                            ROW=_row(self.every, self.first), VALUES=self.values, SELECTED=f"{self.var}_sel")
        return _sampled(record, self.every)


@register(family="monitor")
@dataclass
class RecordEvents(KernelOp):
    """Append (element, step[, value]) of the field's nonzero elements to the event record.

    ``<var>_lo`` keeps where this step's events start: later steps may follow them instead of
    scanning the field (``passes.follow_event_lists``).
    """

    kind: ClassVar[str] = "record_events"
    var: str
    values: str

    @classmethod
    def applies(cls, obj: ObjectPlan, mon: MonitorPlan) -> bool:
        """An event record."""
        return mon.events

    @classmethod
    def plan(cls, schedule: Schedule, obj: ObjectPlan, mon: MonitorPlan) -> list[KernelOp]:
        """Bind the field as a flat array; reserve room for a step's events; record them."""
        values = schedule.bind_flat_row(obj, mon.key)
        schedule.event_record(obj, mon, values)
        return [cls(mon.var, values)]

    def lower(self) -> list[ast.stmt]:
        return statements("V_lo = V_count[0]\n"
                          "V_count[0] = record_events(VALUES, _i, V_index, V_step, V_value, V_count[0])",
                          {"V": self.var}, VALUES=self.values)
