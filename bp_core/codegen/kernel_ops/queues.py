"""Spike-queue operations: capture a step's events, deliver those whose delay is over, advance the queue.

``codegen.queue_ops`` says what a spike queue is and names its kernel variables (``Q_`` below
stands for the queue's prefix ``QueuePlan.var``); ``codegen.event_delays`` decides when one
stands for a delay line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import ClassVar

from bp_core.codegen.kernel_ops.base import KernelOp, advance, register
from bp_core.codegen.kernel_ops.syntax import expression, statement, statements
from bp_core.codegen.queue_ops import QueuePlan

__all__ = ["QueueCapture", "QueueArrival", "AdvanceQueue", "QueueOutput"]

_STORE = ("if Q_x != 0:\n"
          "    Q_ev[Q_c, Q_m] = Q_e\n"
          "    Q_val[Q_c, Q_m] = Q_x\n"
          "    Q_m += 1")

_FROM_MONITOR = ("for Q_k in range(M_lo, M_count[0]):\n"
                 "    Q_e = Q_lookup[M_index[Q_k]]\n"
                 "    if Q_e < 0:\n"  # a neuron of the parent group outside the presynaptic subgroup
                 "        continue\n"
                 "    Q_x = VALUES[M_index[Q_k]]\n"
                 "    STORE")

_FROM_SCAN = ("for Q_e in range(Q_src.shape[0]):\n"
              "    Q_x = VALUES[Q_src[Q_e]]\n"
              "    STORE")


def _with_store(loop: ast.stmt, names: dict[str, str]) -> ast.stmt:
    assert isinstance(loop, ast.For)
    loop.body[-1] = statement(_STORE, names)
    return loop


@register
@dataclass
class QueueCapture(KernelOp):
    """Record the events of this step in the queue's current row (its last).

    Attributes
    ----------
    queue : str
        The queue's prefix.
    values : str
        Kernel variable of the presynaptic field (of the whole parent group).
    monitor : str
        Prefix of an event monitor of that field that has just listed this step's events ('' when none:
        the neurons with synapses here are scanned).
    factors : tuple of str
        Kernel variables of the parameters the event's value is stored times (``QueuePlan.captured``): the
        values they have when the event leaves.
    """

    kind: ClassVar[str] = "queue_capture"
    queue: str
    values: str
    monitor: str = ""
    factors: tuple[str, ...] = ()

    def lower(self) -> list[ast.stmt]:
        names = {"Q": self.queue, "M": self.monitor}
        loop = statement(_FROM_MONITOR if self.monitor else _FROM_SCAN, names, VALUES=self.values)
        store = _with_store(loop, names)
        if self.factors:  # the parameters' product first, as the GPU's capture takes it
            stored = store.body[-1].body[1]
            assert isinstance(stored, ast.Assign)
            product: ast.expr = ast.Name(self.factors[0], ast.Load())
            for name in self.factors[1:]:
                product = ast.BinOp(product, ast.Mult(), ast.Name(name, ast.Load()))
            stored.value = expression("Q_x * FACTOR", names, FACTOR=product)
        return (statements("Q_c = Q_pos[1]\nQ_m = 0", names) + [store]
                + [statement("Q_n[Q_c] = Q_m", names)])


_PUSH = ("Q_w = Q_pos[0]\n"
         "Q_c = Q_pos[1]\n"
         "Q_n[Q_w] = Q_n[Q_c]\n"
         # element loops, not slice assignments: numba compiles those several times slower
         "for Q_e in range(Q_n[Q_c]):\n"
         "    Q_ev[Q_w, Q_e] = Q_ev[Q_c, Q_e]\n"
         "    Q_val[Q_w, Q_e] = Q_val[Q_c, Q_e]\n")

_ARRIVALS = (_PUSH +
             "Q_na = 0\n"
             # delay pos[3] + a: the slot pushed that many steps ago (a delay of 0 is this step's)
             "for Q_a in range(Q_pos[2]):\n"
             "    Q_s = (Q_w - Q_pos[3] - Q_a) % Q_c\n"
             "    for Q_e in range(Q_n[Q_s]):\n"
             "        Q_x = Q_val[Q_s, Q_e]\n"
             "        Q_r = Q_ev[Q_s, Q_e] * Q_pos[2] + Q_a\n"
             "        for Q_k in range(Q_ptr[Q_r], Q_ptr[Q_r + 1]):\n"
             "            Q_y = Q_syn[Q_k]\n"
             "            Q_arr[Q_na] = Q_y\n"
             "            Q_na += 1")


@register
@dataclass
class QueueArrival(KernelOp):
    """Push the current events into this step's slot; list the synapses the events of each delay reach now.

    Attributes
    ----------
    queue : str
    scaled_rows : tuple of (int, float)
        (row of ``<queue>_dval``, scale) of each event field: its delayed value is ``scale * value``.
    walked : bool
        The delayed step walks the arriving events itself (``queue_ops.QueueWalk``): only the push is left,
        and the kernel does not take the list and the delayed values (the GPU's lowering of the same plan,
        which lists the arrivals in them, binds them itself: ``codegen.device_plan``).
    """

    kind: ClassVar[str] = "queue_arrival"
    queue: str
    scaled_rows: tuple[tuple[int, float], ...]
    walked: bool = False

    @classmethod
    def of(cls, queue: QueuePlan, walked: bool = False) -> QueueArrival:
        """The arrivals of ``queue`` (``walked``: see the class)."""
        return cls(queue.var, tuple((row, queue.scales[key]) for key, row in queue.rows.items()), walked)

    def lower(self) -> list[ast.stmt]:
        names = {"Q": self.queue}
        if self.walked:
            return statements(_PUSH, names)
        lines = statements(_ARRIVALS, names)
        innermost = lines[-1].body[-1].body[-1]
        assert isinstance(innermost, ast.For)
        innermost.body[-1:-1] = [statement("Q_dval[0, ROW, Q_y] = SCALE * Q_x", names, ROW=row, SCALE=scale)
                                 for row, scale in self.scaled_rows]
        return lines


@register
@dataclass
class AdvanceQueue(KernelOp):
    """Move the queue's slot on, after the synapse's other work of this time step."""

    kind: ClassVar[str] = "advance_queue"
    queue: str

    def lower(self) -> list[ast.stmt]:
        return [advance(f"{self.queue}_pos")]


@register
@dataclass
class QueueOutput(KernelOp):
    """When the kernel returns: write the event fields of the copy step the queue replaces.

    That step would have left ``scale * value`` (times the synapse's static factors) at the synapses of
    each current event and 0 elsewhere. ``scaled_rows`` holds (row of ``state``, scale) of each event
    field, ``factor_rows`` the rows of ``state`` of its static factors (``QueuePlan.factors``), in the same
    order.
    """

    kind: ClassVar[str] = "queue_output"
    queue: str
    state: str
    scaled_rows: tuple[tuple[int, float], ...]
    factor_rows: tuple[tuple[int, ...], ...] = ()

    @classmethod
    def of(cls, queue: QueuePlan, state: str, field_rows: dict[str, int]) -> QueueOutput:
        """The output of ``queue`` into ``state`` (``field_rows``: field -> row, the event fields' and their
        factors')."""
        return cls(queue.var, state, tuple((field_rows[key], queue.scales[key]) for key in queue.rows),
                   tuple(tuple(field_rows[f] for f in queue.factors.get(key, ())) for key in queue.rows))

    def lower(self) -> list[ast.stmt]:
        names = {"Q": self.queue}
        clear = statement("for Q_k in range(ST.shape[1]):\n    pass", names, ST=self.state)
        assert isinstance(clear, ast.For)
        clear.body = [statement("ST[ROW, Q_k] = 0.0", names, ST=self.state, ROW=row) for row, _ in self.scaled_rows]
        write = statements("Q_c = Q_pos[1]\n"
                           "for Q_e in range(Q_n[Q_c]):\n"
                           "    Q_v = Q_ev[Q_c, Q_e]\n"
                           "    for Q_k in range(Q_ptr[Q_v * Q_pos[2]], Q_ptr[(Q_v + 1) * Q_pos[2]]):\n"
                           "        pass", names)
        factors = self.factor_rows or ((),) * len(self.scaled_rows)
        # the copy step's product, scale * value first, then each static factor of the synapse
        write[-1].body[-1].body = [
            statement("ST[ROW, Q_syn[Q_k]] = SCALE * Q_val[Q_c, Q_e]" + "".join(
                f" * ST[{f}, Q_syn[Q_k]]" for f in rows), names, ST=self.state, ROW=row, SCALE=scale)
            for (row, scale), rows in zip(self.scaled_rows, factors)]
        return [clear] + write
