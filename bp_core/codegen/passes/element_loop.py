"""The loop over elements of a scalar-mode step.

A scalar-mode step is written for one element; its body now runs inside
``for _obj_i in range(n):`` (``prange`` when the iterations are independent), after the lines
that compute the indices the body reads (``_pre_i = pre_ids[_obj_i]`` of a synapse). The
prelude stays before the loop and the epilogue after it.

The delayed step of a spike queue (``StepInputs.queue_walk``) loops over the synapses its arriving
events reach, which the kernel would first list with the delayed value of each event field
(``kernel_ops.queues.QueueArrival``). When the body reads the arrivals only through the synapse index
and the delayed fields only as the values the events carry, the loop is the walk of the arriving
events itself: for each event, its row of synapses, where each delayed field is the event's value times
its scale (computed once per event). The synapses are visited in the order of the list and each at most
once, so the walk is the same computation without the list::

    _s0 = (_queue_pos[0] - _queue_pos[3]) % _queue_pos[1]            # the newest slot
    for _a in range(_queue_pos[2]):                                  # each delay
        _s = _s0 - _a                                                 # its slot (ages < slots)
        if _s < 0:
            _s += _queue_pos[1]
        for _e in range(_queue_n[_s]):                                # each event there
            _x = _queue_val[_s, _e]
            _v = 0.5 * _x                                             # ST['s'] = 0.5 * pre['spike']
            _r = _queue_ev[_s, _e] * _queue_pos[2] + _a
            for _k in range(_queue_ptr[_r], _queue_ptr[_r + 1]):      # its synapses of that delay
                _post_i = _queue_post[_k]                             # (_queue_syn[_k]: the synapse)
                post_input[_post_i] += J * _v

Otherwise (a body reading ``_obj_i``, or a delayed field otherwise than at its own synapse) the step
keeps the loop over the list.
"""

from __future__ import annotations

import ast
import copy

import numpy as np

from bp_core.codegen.queue_ops import WALK_ARGS, QueueWalk
from bp_core.codegen.tree import Pass, StepTree, located, origin

__all__ = ["ELEMENT_LOOP"]

_LIST = "_arrivals"  # the list of arriving synapses a queue's delayed step otherwise loops over
_SYN = "_syn_i"


def _run(tree: StepTree) -> None:
    walk = tree.inputs.queue_walk
    if walk is not None and not tree.parallel and _walk(tree, walk):
        return
    read = {n.id for s in tree.body for n in ast.walk(s) if isinstance(n, ast.Name)}
    indices = [f"{name} = {expr}" for name, expr in tree.inputs.scalar_indices.items() if name in read]
    loop = ast.parse(f"for _obj_i in {'prange' if tree.parallel else 'range'}({tree.inputs.loop_size}):\n"
                     + "".join(f"    {line}\n" for line in indices) + "    pass").body[0]
    first = origin(tree.body[0]) if tree.body else None
    loop.body = located(loop.body[:len(indices)], first) + (tree.body or [ast.Pass()])
    tree.body = located([loop], first)


def _walk(tree: StepTree, walk: QueueWalk) -> bool:
    """Put the body inside the walk of the queue's arriving events; False (nothing changed) when not exact."""
    delay = tree.inputs.delay
    indices = dict(tree.inputs.scalar_indices)
    if delay is None or indices.get(_SYN) != f"{_LIST}[_obj_i]" or not tree.body:
        return False
    everything = [node for stmt in tree.statements() for node in ast.walk(stmt)]
    if any(isinstance(node, ast.Name) and node.id in ("_obj_i", _LIST) for node in everything):
        return False
    values = {row: tree.names.fresh(f"_queue_v{row}") for row, _ in walk.scaled_rows}
    reads = _DelayedReads(delay.buffer, delay.read, values)
    body = [reads.visit(copy.deepcopy(stmt)) for stmt in tree.body]  # the tree stays as it is if not
    if reads.other or any(isinstance(node, ast.Name) and node.id in (delay.buffer, delay.read)
                          for stmt in body for node in ast.walk(stmt)):
        return False
    # the other indices, from the synapse's index instead of the list's entry
    derived = {name: expr.replace(f"{_LIST}[_obj_i]", _SYN) for name, expr in indices.items() if name != _SYN}
    if any("_obj_i" in expr or _LIST in expr for expr in derived.values()):
        return False
    names = {part: tree.names.fresh(f"_queue_{part}") for part in ("a", "s0", "s", "e", "x", "r", "k")}
    a, s0, s, e, x, r, k = (names[p] for p in ("a", "s0", "s", "e", "x", "r", "k"))
    ev, val, n, pos, ptr, syn, post = (WALK_ARGS[p] for p in ("ev", "val", "n", "pos", "ptr", "syn", "post"))
    read = {node.id for stmt in body for node in ast.walk(stmt) if isinstance(node, ast.Name)}
    used = {name: expr for name, expr in derived.items() if name in read}
    if used.get("_post_i") == f"_post_global[{_SYN}]":
        used["_post_i"] = f"{post}[{k}]"  # one array streamed per synaptic event instead of two
    per_synapse = [f"{name} = {expr}" for name, expr in used.items()]
    if _SYN in read or any(_SYN in expr for expr in used.values()):
        per_synapse.insert(0, f"{_SYN} = {syn}[{k}]")
    cast = "" if np.dtype(tree.inputs.float_type) == np.float64 else f"np.{np.dtype(tree.inputs.float_type).name}"
    # the value the arrival list would have stored for the synapse (in the state's float type), once per event
    per_event = [f"{values[row]} = {x}" if scale == 1.0 else f"{values[row]} = {cast}({scale!r} * {x})"
                 for row, scale in walk.scaled_rows if values[row] in reads.replaced]
    first = origin(tree.body[0])
    inner = ast.parse(f"for {k} in range({ptr}[{r}], {ptr}[{r} + 1]):\n"
                      + "".join(f"    {line}\n" for line in per_synapse) + "    pass").body[0]
    inner.body = located(inner.body[:len(per_synapse)], first) + body
    events = ast.parse(f"for {e} in range({n}[{s}]):\n"
                       f"    {x} = {val}[{s}, {e}]\n"
                       + "".join(f"    {line}\n" for line in per_event) +
                       f"    {r} = {ev}[{s}, {e}] * {pos}[2] + {a}\n"
                       "    pass").body[0]
    events.body[-1] = inner
    # the slots of delays 0, 1, ... go back from the newest one; one remainder per step, not per delay (a queue
    # spanning a thousand delay steps otherwise divides a thousand times a step, events or not)
    delays = ast.parse(f"{s0} = ({pos}[0] - {pos}[3]) % {pos}[1]\n"
                       f"for {a} in range({pos}[2]):\n"
                       f"    {s} = {s0} - {a}\n"
                       f"    if {s} < 0:\n"
                       f"        {s} += {pos}[1]\n"
                       "    pass").body
    delays[1].body[-1] = events
    tree.body = located(delays, first)
    return True


class _DelayedReads(ast.NodeTransformer):
    """``buffer[read, row, _syn_i]`` -> the local holding that row's value of the event; notes any other use."""

    def __init__(self, buffer: str, read: str, values: dict[int, str]):
        self.buffer, self.read, self.values = buffer, read, values
        self.replaced: set[str] = set()
        self.other = False

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if not (isinstance(node.value, ast.Name) and node.value.id == self.buffer):
            self.generic_visit(node)
            return node
        key = node.slice
        parts = key.elts if isinstance(key, ast.Tuple) else []
        if isinstance(node.ctx, ast.Load) and len(parts) == 3 and isinstance(parts[0], ast.Name) and \
                parts[0].id == self.read and isinstance(parts[1], ast.Constant) and parts[1].value in self.values \
                and isinstance(parts[2], ast.Name) and parts[2].id == _SYN:
            name = self.values[parts[1].value]
            self.replaced.add(name)
            return ast.copy_location(ast.Name(name, ast.Load()), node)
        self.other = True
        return node


ELEMENT_LOOP = Pass("loop over elements", _run, applies=lambda tree: tree.scalar)
