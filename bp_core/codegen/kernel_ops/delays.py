"""Delay-line operations: push the delayed fields of a synapse into its delay buffer, and advance it.

``<obj>_delay_idx`` holds [write position, buffer length]: the length is data, so a new delay
needs no recompilation. The delayed step reads the row ``<obj>_delay_read``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import ClassVar

from bp_core.codegen.kernel_ops.base import KernelOp, advance, register
from bp_core.codegen.kernel_ops.plans import ObjectPlan
from bp_core.codegen.kernel_ops.syntax import statement

__all__ = ["PushDelay", "AdvanceDelay"]


@register
@dataclass
class PushDelay(KernelOp):
    """Copy the delayed fields of the state into the buffer's write row; set the row the delayed step reads.

    Attributes
    ----------
    prefix : str
        The object's code name (``<prefix>_delay_buf``, ``_delay_idx``, ``_delay_read``, ``_delay_k``).
    state : str
        Kernel variable of the state.
    rows : tuple of (int, int)
        (buffer row, state row) of each delayed field.
    per_element : bool
        The state holds one value per element (a 2-D state).
    """

    kind: ClassVar[str] = "push_delay"
    prefix: str
    state: str
    rows: tuple[tuple[int, int], ...]
    per_element: bool

    @classmethod
    def of(cls, obj: ObjectPlan) -> PushDelay:
        """The push of ``obj``'s delay line."""
        state, access = obj.states[obj.delay_state]
        rows = tuple((row, access.fields[key]) for key, row in obj.delay_rows.items())
        return cls(obj.code_name, state, rows, access.ndim == 2)

    def lower(self) -> list[ast.stmt]:
        names = {"D": self.prefix}
        if self.per_element:
            # a loop: numba compiles a slice assignment several times slower
            push: list[ast.stmt] = [statement("for D_delay_k in range(ST.shape[1]):\n    pass", names, ST=self.state)]
            push[0].body = [statement("D_delay_buf[D_delay_idx[0], ROW, D_delay_k] = ST[FIELD, D_delay_k]", names,
                                      ROW=row, FIELD=field, ST=self.state) for row, field in self.rows]
        else:
            push = [statement("D_delay_buf[D_delay_idx[0], ROW] = ST[FIELD]", names, ROW=row, FIELD=field,
                              ST=self.state) for row, field in self.rows]
        return push + [statement("D_delay_read = (D_delay_idx[0] + 1) % D_delay_idx[1]", names)]


@register
@dataclass
class AdvanceDelay(KernelOp):
    """Move the delay line's write position on, after the synapse's steps of this time step."""

    kind: ClassVar[str] = "advance_delay"
    prefix: str

    def lower(self) -> list[ast.stmt]:
        return [advance(f"{self.prefix}_delay_idx")]
