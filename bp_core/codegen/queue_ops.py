"""The kernel operations of a spike queue: capture a step's events, deliver the events whose delay is over.

A synapse whose delayed fields copy presynaptic events (``codegen.event_delays``) has its events delayed
instead of its fields. Each step the kernel

1. *captures* the events where the copy step runs (or instead of it): the presynaptic neurons whose field
   is nonzero, from a monitor's list of the step's events when one holds, else by scanning the neurons
   that have synapses here (``capture_lines``);
2. just before the delayed step, *pushes* them into the queue's slot of this step and lists the synapses
   that the events of each delay reach now, with the delayed value of each event field there; the delayed
   step then runs for those synapses only (``arrival_lines``);
3. advances the queue's slot after the synapse's other work, as a delay line advances.

When the copy step only copies, the fields it would write are written once per kernel call, from the
current events, when the kernel returns (``output_lines``, ``with_outputs``).

Kernel variables ``<var>_<part>`` (``QueuePlan.var``): the queue ``ev``, ``val``, ``n``, ``pos``
(``simulation.build_state.SpikeQueue``), its routes ``src``, ``ptr``, ``syn``, ``lookup``
(``QueueRoutes``), scratch ``arr`` (synapses reached this step; ``<var>_na`` of them) and ``dval``
(delayed event-field values, by synapse); the rest are locals of the time loop.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QueuePlan", "capture_lines", "arrival_lines", "output_lines", "with_outputs"]


@dataclass
class QueuePlan:
    """A spike queue standing for the delay line of a synapse whose delayed fields follow presynaptic events.

    Attributes
    ----------
    var : str
        Prefix of its kernel variables.
    source : str
        The presynaptic field whose nonzero elements are the events.
    copy_step, delayed_step : str
    skip_copy : bool
        The copy step is replaced by the capture of the events.
    rows : dict
        Event field -> row of ``<var>_dval``.
    scales : dict
        Event field -> the number it is ``pre[source]`` times.
    """

    var: str
    source: str
    copy_step: str
    delayed_step: str
    skip_copy: bool
    rows: dict[str, int]
    scales: dict[str, float]


def capture_lines(queue: QueuePlan, values: str, monitor: str | None) -> list[str]:
    """Record the events of this step in the queue's current row (its last).

    Parameters
    ----------
    values : str
        Kernel variable of the presynaptic field (the whole parent group).
    monitor : str, optional
        Prefix of an event monitor of that field that has just listed this step's events.
    """
    q = queue.var
    lines = [f"{q}_c = {q}_pos[1]", f"{q}_m = 0"]
    store = [f"    if {q}_x != 0:",
             f"        {q}_ev[{q}_c, {q}_m] = {q}_e",
             f"        {q}_val[{q}_c, {q}_m] = {q}_x",
             f"        {q}_m += 1"]
    if monitor is not None:
        lines += [f"for {q}_k in range({monitor}_lo, {monitor}_count[0]):",
                  f"    {q}_e = {q}_lookup[{monitor}_index[{q}_k]]",
                  f"    if {q}_e < 0:",  # a neuron of the parent group outside the presynaptic subgroup
                  "        continue",
                  f"    {q}_x = {values}[{monitor}_index[{q}_k]]"] + store
    else:
        lines += [f"for {q}_e in range({q}_src.shape[0]):",
                  f"    {q}_x = {values}[{q}_src[{q}_e]]"] + store
    return lines + [f"{q}_n[{q}_c] = {q}_m"]


def arrival_lines(queue: QueuePlan) -> list[str]:
    """Push the current events into this step's slot, and list the synapses the events of each delay reach now."""
    q = queue.var
    lines = [f"{q}_w = {q}_pos[0]",
             f"{q}_c = {q}_pos[1]",
             f"{q}_n[{q}_w] = {q}_n[{q}_c]",
             # element loops, not slice assignments: numba compiles those several times slower
             f"for {q}_e in range({q}_n[{q}_c]):",
             f"    {q}_ev[{q}_w, {q}_e] = {q}_ev[{q}_c, {q}_e]",
             f"    {q}_val[{q}_w, {q}_e] = {q}_val[{q}_c, {q}_e]",
             f"{q}_na = 0",
             # delay pos[3] + a: the slot pushed that many steps ago (a delay of 0 is this step's)
             f"for {q}_a in range({q}_pos[2]):",
             f"    {q}_s = ({q}_w - {q}_pos[3] - {q}_a) % {q}_c",
             f"    for {q}_e in range({q}_n[{q}_s]):",
             f"        {q}_x = {q}_val[{q}_s, {q}_e]",
             f"        {q}_r = {q}_ev[{q}_s, {q}_e] * {q}_pos[2] + {q}_a",
             f"        for {q}_k in range({q}_ptr[{q}_r], {q}_ptr[{q}_r + 1]):",
             f"            {q}_y = {q}_syn[{q}_k]",
             f"            {q}_arr[{q}_na] = {q}_y"]
    lines += [f"            {q}_dval[0, {row}, {q}_y] = {queue.scales[key]!r} * {q}_x"
              for key, row in queue.rows.items()]
    return lines + [f"            {q}_na += 1"]


def output_lines(queue: QueuePlan, state: str, field_rows: dict[str, int]) -> list[str]:
    """Write the event fields of ``state`` (its kernel variable; field -> row) from the current events.

    The copy step the queue replaces would have left ``scale * value`` at the synapses of each current event
    and 0 elsewhere.
    """
    q = queue.var
    lines = [f"for {q}_k in range({state}.shape[1]):"]
    lines += [f"    {state}[{row}, {q}_k] = 0.0" for row in field_rows.values()]
    lines += [f"{q}_c = {q}_pos[1]",
              f"for {q}_e in range({q}_n[{q}_c]):",
              f"    {q}_v = {q}_ev[{q}_c, {q}_e]",
              f"    for {q}_k in range({q}_ptr[{q}_v * {q}_pos[2]], {q}_ptr[({q}_v + 1) * {q}_pos[2]]):"]
    return lines + [f"        {state}[{row}, {q}_syn[{q}_k]] = {queue.scales[key]!r} * {q}_val[{q}_c, {q}_e]"
                    for key, row in field_rows.items()]


def with_outputs(kernel: str, name: str, args: list[str], outputs: list[str]) -> str:
    """Wrap the kernel function ``name`` so that ``outputs`` run however it returns (done, stopped, or to grow)."""
    if not outputs:
        return kernel
    inner = "_run_steps"
    call = ", ".join(args)
    return (kernel.replace(f"def {name}(", f"def {inner}(", 1) + "\n\n"
            f"def {name}({call}):\n"
            f'    """Run the network, then write the fields its spike queues stand for, generated by bp_core."""\n'
            f"    _status = {inner}({call})\n"
            + "".join(f"    {line}\n" for line in outputs)
            + "    return _status\n")
