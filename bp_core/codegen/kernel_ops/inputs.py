"""Input operations: apply one external input to a field of a group's state each step."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import ClassVar

from bp_core.codegen.kernel_ops.base import KernelOp, Schedule, register
from bp_core.codegen.kernel_ops.plans import InputPlan, ObjectPlan
from bp_core.codegen.kernel_ops.syntax import expression

__all__ = ["ApplyInput"]

_OPERATORS: dict[str, ast.operator] = {"+": ast.Add(), "-": ast.Sub(), "*": ast.Mult(), "/": ast.Div()}


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
    """

    kind: ClassVar[str] = "apply_input"
    state: str
    row: int
    ndim: int
    op: str
    variable: str
    iterated: bool

    @classmethod
    def applies(cls, obj: ObjectPlan, inp: InputPlan) -> bool:
        """Every input."""
        return True

    @classmethod
    def plan(cls, schedule: Schedule, obj: ObjectPlan, inp: InputPlan) -> list[KernelOp]:
        """The operations applying ``inp`` to ``obj``."""
        state, access = obj.states["ST"]
        return [cls(state, inp.row, access.ndim, inp.op, inp.variable, inp.iterated)]

    def lower(self) -> list[ast.stmt]:
        index = [ast.Constant(self.row)] + [ast.Slice() for _ in range(self.ndim - 1)]
        target = ast.Subscript(ast.Name(self.state, ast.Load()), ast.Tuple(index, ast.Load()), ast.Store())
        value = expression("VALUE[_mon0 + _k]" if self.iterated else "VALUE", VALUE=self.variable)
        if self.op == "=":
            stmt: ast.stmt = ast.Assign([target], value)
        elif self.op in _OPERATORS:
            stmt = ast.AugAssign(target, _OPERATORS[self.op], value)
        else:
            raise ValueError(f"input operation {self.op!r} is not one of '=', '+', '-', '*', '/'")
        return [ast.fix_missing_locations(stmt)]

