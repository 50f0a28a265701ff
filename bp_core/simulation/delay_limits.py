"""A synapse's delay as whole steps of ``dt``, and the memory its values on their way take, checked before allocating.

A delay is data the user gives in ms; at a build it becomes a count of steps, and the delay's buffer (a spike
queue, a delay line of fields or of postsynaptic spikes) holds one slot per step. A delay of 1e12 ms would ask
for terabytes, and one of 1e20 ms for more steps than an int64 counts: both are refused here naming the SynConn,
its delay and the fix, before anything is allocated, as a state too large for the memory is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import psutil

from bp_core.errors import ModelUseError

__all__ = ["delay_steps", "check_delay_memory", "check_nothing_on_the_way", "values_waiting", "refuse_dropping"]

SLOT_BYTES = 8
"""The least any delay buffer keeps per step of delay (a counter): what bounds the steps before the form is known."""


def _refuse(syn: Any, steps: float, needed: float, available: float) -> None:
    raise ModelUseError(
        f"SynConn {syn.name!r}: its delay of {steps:.4g} steps (delay={_shown(syn.delay)} ms) would keep values "
        f"on their way in {needed / 2**30:.3g} GiB, more than the {available / 2**30:.1f} GiB of memory available; "
        f"give a shorter delay (in ms) or a larger dt (bp.profile.set(dt=...)).")


def _shown(delay: Any) -> str:
    if isinstance(delay, dict):
        return "{" + ", ".join(f"{k!r}: {_shown(v)}" for k, v in delay.items()) + "}"
    return f"{delay:g}" if np.ndim(delay) == 0 else f"up to {np.max(delay):g}"


def delay_steps(syn: Any, delay: Any, dt: float) -> int | np.ndarray:
    """``delay`` (ms, one number or one per synapse, already checked finite and non-negative) in steps of ``dt``.

    Parameters
    ----------
    syn : SynConn
        Named in the error.
    delay : float or ndarray
    dt : float

    Returns
    -------
    int or ndarray
        One int, or an int64 array of one count per synapse.

    Raises
    ------
    ModelUseError
        When the longest delay needs more slots than the memory available could hold.
    """
    values = np.asarray(delay, dtype=np.float64) / dt
    longest = float(values.max()) if values.size else 0.0
    available = psutil.virtual_memory().available
    if (longest + 1.) * SLOT_BYTES > available:
        _refuse(syn, longest, (longest + 1.) * SLOT_BYTES, available)
    steps = np.rint(values).astype(np.int64)
    return int(steps) if steps.ndim == 0 else steps


def check_delay_memory(syn: Any, shape: tuple[int, ...], dtype: Any, steps: int) -> None:
    """Refuse a delay buffer of ``shape`` and ``dtype`` (for a longest delay of ``steps``) the memory cannot hold.

    Parameters
    ----------
    syn : SynConn
    shape : tuple of int
    dtype : numpy dtype
    steps : int
        The longest delay in steps (named in the error).
    """
    needed = float(np.prod(shape, dtype=np.float64)) * np.dtype(dtype).itemsize
    available = psutil.virtual_memory().available
    if needed > 0.8 * available:
        _refuse(syn, steps, needed, available)


def check_nothing_on_the_way(objects: list[Any], build_state: Any, dt: float, new_dt: float) -> None:
    """Refuse a new ``dt`` while a synapse's delay holds values on their way: they are timed in steps of the old
    one, and a delay buffer of the new one would start without them (spikes lost, with no word).

    Parameters
    ----------
    objects : list
        The network's objects.
    build_state : BuildState
        Where their delay lines and spike queues are kept.
    dt, new_dt : float
        The network's time step and the one it is asked to take.
    """
    for obj in objects:
        if values_waiting(build_state.delay_line(obj)):
            raise ModelUseError(
                f"SynConn {obj.name!r} holds values on their way through its delay, timed in steps of dt={dt:g} ms; "
                f"a network at dt={new_dt:g} ms would start its delays without them. Run at dt={dt:g} ms until the "
                f"longest delay has passed, or start the delays again from the state (set the SynConn's state, "
                f"syn.ST['s'] = syn.ST['s']) before net.refresh_profile(); the network keeps dt={dt:g} ms.")


def values_waiting(held: Any) -> bool:
    """Whether a delay buffer (a spike queue or delay line current for its state, or None) holds values on their way."""
    if held is None:  # none, or the state was set since: the delay starts from the state anyway
        return False
    if hasattr(held, "counts"):  # a spike queue: events fired within the longest delay
        return bool(held.counts[:-1].any())
    # a delay line: a history that is not one value throughout
    return bool(np.ptp(held.buffer, axis=0).any()) if held.buffer.size else False


def refuse_dropping(syn: Any, why: str = "") -> None:
    """Refuse a new delay buffer for ``syn`` while its old one holds values on their way (they would be lost).

    ``why``: what changed, when it is not the delay, the dt, the float type or a restored snapshot.
    """
    why = why or ("its delay, the network's dt or its float type changed since they were sent, or a snapshot of "
                  "another delay was restored")
    raise ModelUseError(
        f"SynConn {syn.name!r} holds values on their way through a delay buffer that no longer fits it ({why}); "
        f"a new buffer would start without them. Run with what they were sent with until the longest "
        f"delay has passed, or start the delays again from the state (syn.ST['s'] = syn.ST['s']).")
