"""The blocked kernel's exchange (``codegen.blocks``): what one thread does between blocks, once all have run.

Templates filled by ``kernel_ops.syntax``: the earliest stop of any thread (``FIRST_STOP``), a block step's events
taken into an event monitor (``MONITOR``) and into a spike queue (``CAPTURE``), thread by thread so element by
element as the one-thread kernel records them; and the line map of the blocked kernel's source.
"""

from __future__ import annotations

from bp_core.codegen.emit import LineMap, LineOrigin
from bp_core.codegen.kernel_ops.plans import KernelPlan

__all__ = ["FIRST_STOP", "MONITOR", "CAPTURE", "line_map"]

# the earliest stop of any thread: the earliest step; at one step a step error (it stops the step) before a
# NaN/inf (found after it), then the first call site; _done steps are complete (a NaN/inf's step is)
FIRST_STOP = """
_code = 0
_at = 0
_which = 0
_detail = 0
_rank = 0
for _th in range(_bk_T):
    if _bk_status[_th, 0] != 0:
        _r = 0 if _bk_status[_th, 0] == ERROR else 1
        _same = _bk_status[_th, 1] == _at
        _earlier = _bk_status[_th, 1] < _at or (_same and _r < _rank)
        if _code == 0 or _earlier or (_same and _r == _rank and _bk_status[_th, 2] < _which):
            _code = _bk_status[_th, 0]
            _at = _bk_status[_th, 1]
            _which = _bk_status[_th, 2]
            _detail = _bk_status[_th, 3]
            _rank = _r
_done = _nb
if _code != 0:
    _done = _at - _i + (1 if _code == NONFINITE else 0)
"""

MONITOR = """
V_lo = V_count[0]
_c = V_count[0]
for _th in range(_bk_T):
    for _e in range(X_bk_n[_th, _j]):
        V_index[_c] = G_bk_lo[_th] + X_bk_idx[_th, _j, _e]
        V_step[_c] = _i
        if V_value.shape[0] > 0:
            V_value[_c] = X_bk_val[_th, _j, _e]
        _c += 1
V_count[0] = _c
"""

CAPTURE = """
Q_c = Q_pos[1]
Q_m = 0
for _th in range(_bk_T):
    for _e in range(X_bk_n[_th, _j]):
        Q_e = Q_lookup[G_bk_lo[_th] + X_bk_idx[_th, _j, _e]]
        if Q_e < 0:
            continue
        Q_x = X_bk_val[_th, _j, _e]
        if Q_x != 0:
            Q_ev[Q_c, Q_m] = Q_e
            Q_val[Q_c, Q_m] = Q_x
            Q_m += 1
Q_n[Q_c] = Q_m
"""


def line_map(serial: KernelPlan, pieces: list[tuple[str, list, str]]) -> LineMap:
    """The step functions' lines map as in ``serial`` (they come first, in its order); a call's line to its step."""
    line_map = LineMap()
    first = 1
    for text, origins, name in pieces:
        if name in serial.step_origin:
            for k in range(text.count("\n")):
                where = serial.line_map.get(first + k)
                if where is not None:
                    line_map.set(first + k, where)
        else:
            for k, where in enumerate(origins):
                if isinstance(where, LineOrigin):
                    line_map.set(first + k, where)
        first += text.count("\n") + 2
    return line_map

