"""The kernel's side of traces decayed at their synapses' visits (``passes.decay_at_events``).

A step that decays a field at its synapses' visits keeps, for each synapse, the last step it decayed through
(``last``) and, for the object, the step the time loop reached (``now``). Each kernel call starts with every
synapse decayed up to the step before its first (``DecayStart``) and, however it returns, decays every
synapse up to ``now`` (``DecayFlush``): between calls the fields hold the stepped values, as without the pass.

``decay_fields`` says which fields a step may decay so: the planner offers only fields nothing else reads
during a run (no monitor, input, other step, summed variable, delay line or spike queue).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from bp_core.codegen.kernel_ops.base import STATUS_NONFINITE, STATUS_OK, KernelOp, register
from bp_core.codegen.kernel_ops.syntax import expression, statement, statements
from bp_core.codegen.passes.decay_at_events import POWER

__all__ = ["DecayStart", "DecayFlush", "decay_fields"]


@register
@dataclass
class DecayStart(KernelOp):
    """Before the time loop: every synapse (and the object) has decayed through the step before the first.

    A call that left without its flush (a step raised: ``MarkedKernel`` then calls the kernel for no steps) left
    synapses behind ``now``; ``flush`` decays them first, so that no decay is lost.
    """

    kind: ClassVar[str] = "decay_start"
    last: str
    now: str
    flush: DecayFlush

    def lower(self) -> list[ast.stmt]:
        return self.flush.lower() + statements("LAST[:] = _step0 - 1\nNOW[0] = _step0 - 1", LAST=self.last,
                                               NOW=self.now)


@register
@dataclass
class DecayFlush(KernelOp):
    """When the kernel returns: decay each field of ``rows`` by its ``factors`` (of logarithms ``logs`` and tables
    of powers ``tables``) up to the step reached, as the visits do (``passes.decay_at_events.POWER``).

    With ``check`` a value gone NaN/inf stops the run (status NONFINITE, object ``owner``, row ``field_rows``
    of the field), unless an earlier status did.
    """

    kind: ClassVar[str] = "decay_flush"
    last: str
    now: str
    rows: tuple[str, ...]
    factors: tuple[str, ...]
    logs: tuple[str, ...]
    tables: tuple[str, ...]
    owner: int
    field_rows: tuple[int, ...]
    check: bool = True

    def lower(self) -> list[ast.stmt]:
        names = {"D": self.last}
        loop = statement("for D_s in range(LAST.shape[0]):\n"
                         "    D_k = D_end - LAST[D_s]\n"
                         "    if D_k != 0:\n"
                         "        LAST[D_s] = D_end", names, LAST=self.last)
        assert isinstance(loop, ast.For) and isinstance(loop.body[1], ast.If)
        for row, factor, log, table, field_row in zip(self.rows, self.factors, self.logs, self.tables,
                                                      self.field_rows):
            power = expression(POWER, T=table, L=log, K=expression("D_k", names), F=factor)
            loop.body[1].body += statements("ROW[D_s] = ROW[D_s] * P", names, ROW=row, P=power)
            if self.check:
                loop.body[1].body += statements("if ROW[D_s] * 0.0 != 0.0:\n    D_bad = FIELD", names, ROW=row,
                                                FIELD=field_row)
        out = statements("D_end = NOW[0]\nD_bad = -1", names, NOW=self.now) + [loop]
        if self.check:
            out += statements("if D_bad >= 0 and _status[0] == OK:\n    _status = (BAD, D_end, OWNER, D_bad)", names,
                              OK=STATUS_OK, BAD=STATUS_NONFINITE, OWNER=self.owner)
        return out


def decay_fields(obj: Any, step: Any, inputs: list[Any]) -> frozenset[str]:
    """The ST fields of the planned object ``obj`` that only ``step`` reads during a run (see the module
    docstring): a scalar-mode synapse with rows of synapses by neuron, float64, ``step`` not delayed."""
    access = obj.states["ST"][1]
    if obj.model.mode != "scalar" or not obj.rows or step.is_delayed or access.ndim > 2 or \
            np.dtype(obj.float_type) != np.float64:
        return frozenset()
    fields = set(access.fields)
    fields -= {mon.key for mon in obj.monitors}
    fields -= {key for key, row in access.fields.items() for inp in inputs if inp.target is obj and inp.row == row}
    fields -= set(obj.delay_rows)
    if obj.queue is not None:
        fields -= set(obj.queue.rows) | {f for factors in obj.queue.factors.values() for f in factors}
    for summed in obj.summed:
        fields -= {n.id for n in ast.walk(ast.parse(summed.source, mode="eval")) if isinstance(n, ast.Name)}
    for other in obj.steps.values():
        if other is step:
            continue
        for node in ast.walk(other.node):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "ST" and \
                    not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
                return frozenset()  # a field it names at run time could be any
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                fields.discard(node.value)
    return frozenset(fields)
