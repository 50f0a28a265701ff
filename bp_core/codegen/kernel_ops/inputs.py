"""Input operations: apply one external input to a field of a group's state each step."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from bp_core.codegen.kernel_ops.base import KernelOp, Schedule, register
from bp_core.codegen.kernel_ops.plans import InputPlan, ObjectPlan
from bp_core.codegen.kernel_ops.syntax import expression, statement

__all__ = ["ApplyInput"]

_OPERATORS: dict[str, ast.operator] = {"+": ast.Add(), "-": ast.Sub(), "*": ast.Mult(), "/": ast.Div()}
_ROW_OPS = ("=", "+", "-", "*", "/")


@register(family="input")
@dataclass
class ApplyInput(KernelOp):
    """``state[row] op= value`` (``value[k]`` of the epoch's step ``k`` when the input varies in time).

    Attributes
    ----------
    state : str
        Kernel variable of the group's state.
    row : int
        The field's row.
    ndim : int
        Dimensions of the state (a field of a 2-D state is a row: ``state[row, :]``).
    op : str
        ``'='``, ``'+'``, ``'-'``, ``'*'`` or ``'/'``.
    variable : str
        Kernel variable of the value.
    iterated : bool
    row_var : str
        Kernel variable bound to the field's row, when it is one-dimensional and of float64: the input is then a
        loop over it (``input_row``) instead of an update of a slice, which numba compiles to a broadcast
        over an array view that costs a small group's step more than its arithmetic.
    """

    kind: ClassVar[str] = "apply_input"
    state: str
    row: int
    ndim: int
    op: str
    variable: str
    iterated: bool
    row_var: str = ""

    @classmethod
    def applies(cls, obj: ObjectPlan, inp: InputPlan) -> bool:
        """Every input."""
        return True

    @classmethod
    def plan(cls, schedule: Schedule, obj: ObjectPlan, inp: InputPlan) -> list[KernelOp]:
        """The operations applying ``inp`` to ``obj``."""
        state, access = obj.states["ST"]
        row_var = ""
        if access.ndim == 2 and np.dtype(obj.float_type) == np.float64 and inp.op in _ROW_OPS:
            row_var = schedule.bind_row(obj, "ST", next(k for k, row in access.fields.items() if row == inp.row))
        return [cls(state, inp.row, access.ndim, inp.op, inp.variable, inp.iterated, row_var)]

    def lower(self) -> list[ast.stmt]:
        if self.row_var:
            return [statement(f"input_row(ROW, VALUE, {self.op!r})", ROW=self.row_var, VALUE=self._value())]
        index = [ast.Constant(self.row)] + [ast.Slice() for _ in range(self.ndim - 1)]
        target = ast.Subscript(ast.Name(self.state, ast.Load()), ast.Tuple(index, ast.Load()), ast.Store())
        value = self._value()
        if self.op == "=":
            stmt: ast.stmt = ast.Assign([target], value)
        elif self.op in _OPERATORS:
            stmt = ast.AugAssign(target, _OPERATORS[self.op], value)
        else:
            raise ValueError(f"input operation {self.op!r} is not one of '=', '+', '-', '*', '/'")
        return [ast.fix_missing_locations(stmt)]

    def _value(self) -> ast.expr:
        return expression("VALUE[_mon0 + _k]" if self.iterated else "VALUE", VALUE=self.variable)
