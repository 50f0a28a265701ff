"""The host's launch of each operation of a step on the GPU (``ops``), by the operation's type.

A step kernel (``Launch``) is launched by the call itself (``call.Call.step``: its grid, host values and
errors); the runtime's kernels for inputs, monitors, delay lines, spike queues and checks are launched
here, one function per kind of operation, registered in ``LAUNCHERS``.
"""

from __future__ import annotations

from typing import Any, Callable

from bp_core.backend.cuda import queues, runtime
from bp_core.backend.cuda.ops import (
    AdvanceDelay,
    AdvanceQueue,
    ApplyInput,
    CheckFinite,
    Launch,
    PushDelay,
    QueueArrival,
    QueueCapture,
    RecordEvents,
    RecordRow,
    Ref,
)

__all__ = ["launch", "LAUNCHERS"]


def launch(run: Any, number: int, op: Any, t: float, i: int, row: int, step0: int, mon0: int) -> None:
    """Launch operation ``number`` of the plan (``op``) for step ``i`` (time ``t``, monitor row ``row``) of ``run``."""
    LAUNCHERS[type(op)](run, number, op, t, i, row, step0, mon0)


def _step(run: Any, number: int, op: Launch, t: float, i: int, row: int, step0: int, mon0: int) -> None:
    run.step(number, op, t, i)


def _apply_input(run: Any, number: int, op: ApplyInput, t: float, i: int, row: int, step0: int, mon0: int) -> None:
    target = run.ref(op.target, t, i)
    values = run.input_values(op)
    run.grid(runtime.apply_input, target.shape[0], target, values[row] if op.iterated else values,
             runtime.OPS[op.op])


def _record_events(run: Any, number: int, op: RecordEvents, t: float, i: int, row: int, step0: int, mon0: int
                   ) -> None:
    values = run.ref(op.values, t, i)
    count = run.device[f"{op.var}_count"]
    runtime.mark_start[1, 1](count, run.starts[op.var])
    kept = run.device.get(f"{op.var}_value", run.host[f"{op.var}_value"])
    run.grid(runtime.record_events, values.shape[0], values, i, run.device[f"{op.var}_index"],
             run.device[f"{op.var}_step"], kept, count)


def _record_row(run: Any, number: int, op: RecordRow, t: float, i: int, row: int, step0: int, mon0: int) -> None:
    if op.every > 1:
        if i % op.every:
            return
        row = i // op.every - (step0 - mon0 + op.every - 1) // op.every
    values = run.ref(op.values, t, i)
    record = run.device[op.var][row]
    if op.selected:
        selected = run.device[f"{op.var}_sel"]
        run.grid(runtime.copy_selected, selected.shape[0], record, values, selected)
    else:
        run.grid(runtime.copy_row, values.shape[0], record, values)


def _push_delay(run: Any, number: int, op: PushDelay, t: float, i: int, row: int, step0: int, mon0: int) -> None:
    write = run.delay_rows[op.index]
    for buffer_row, field in op.rows:
        if op.per_element:
            target, values = run.device[op.buffer][write, buffer_row], run.device[op.state][field]
        else:
            target = run.device[op.buffer][write, buffer_row:buffer_row + 1]
            values = run.device[op.state][field:field + 1]
        run.grid(runtime.copy_row, values.shape[0], target, values)


def _advance_delay(run: Any, number: int, op: AdvanceDelay, t: float, i: int, row: int, step0: int, mon0: int
                   ) -> None:
    # the write row lives on the host: the device reads the rows the host names
    run.delay_rows[op.index] = (run.delay_rows[op.index] + 1) % int(run.host[op.index][1])


def _queue(run: Any, number: int, op: Any, t: float, i: int, row: int, step0: int, mon0: int) -> None:
    queues.launch(run, op, t, i)


def _check_finite(run: Any, number: int, op: CheckFinite, t: float, i: int, row: int, step0: int, mon0: int
                  ) -> None:
    values = run.ref(op.values, t, i)
    run.grid(runtime.check_finite, values.shape[0], values, run.ref(Ref("flag", row=op.site), t, i), i)


LAUNCHERS: dict[type, Callable[..., None]] = {
    Launch: _step, ApplyInput: _apply_input, RecordEvents: _record_events, RecordRow: _record_row,
    PushDelay: _push_delay, AdvanceDelay: _advance_delay, QueueCapture: _queue, QueueArrival: _queue,
    AdvanceQueue: _queue, CheckFinite: _check_finite}
"""Operation type -> the function that launches it."""
