"""Several pathways of one SynConn, each with its own delay (Brian2's ``on_pre={'up': ..., 'down': ...}``).

A SynType marks one delayed step per pathway, ``@bp.delayed(pathway='up')``, and its SynConn takes one
delay per pathway, ``delay={'up': 1., 'down': 5.}`` (each a number or an array of one delay per synapse).
A network runs such a SynConn as one SynConn per pathway: the same connectivity, the model's undelayed
steps and that pathway's delayed step, delayed by that pathway's delay, each lowered on its own (a spike
queue where its delayed fields follow presynaptic events, else a delay line). They share the SynConn's
state, parameters and connectivity arrays, so what the user sets on it reaches every pathway; the first one
records its monitors (the state they share), which ``syn.mon`` shows.

That is exact when running the undelayed steps once per pathway changes nothing: each of them only copies
presynaptic fields into event fields (``ST['s'] = pre['spike']``, or that times numbers, parameters and fields
no step writes, ``ST['g'] = J * ST['w'] * pre['spike']``), which is what
this module checks; a model whose undelayed steps do more is refused naming the step.

A pathway of postsynaptic spikes (``@bp.delayed(pathway='bp', on='post')``, Brian2's ``on_post`` with a
delay) runs as a SynConn of its own holding only that step, after the others, whose ``post['spike']`` is read
from a delay line of the postsynaptic group's spikes (``planning``); its ``ST`` is the shared state as it is
now. The model's undelayed steps then run once, with the presynaptic pathway if it has one (any undelayed
steps then, as in a model without pathways), or in one SynConn per presynaptic pathway as above.
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

from bp_core.codegen import event_delays
from bp_core.errors import ModelUseError
from bp_core.model.obj_type import SynType

__all__ = ["checked_delay", "checked_pathway_delays", "check_pathways", "pathway_members", "member_names",
           "runs_as_members"]

_FIX = "give one delay per pathway, delay={'up': 1., 'down': 5.} (each a number of ms or an array per synapse)"


def checked_delay(delay: Any) -> float | np.ndarray:
    """``delay`` as a float, or as a read-only float array of one delay per synapse."""
    message = ("delay of a SynConn must be a non-negative number of ms (delay=2. for 2 ms) or an array of one "
               "such number per synapse")
    if isinstance(delay, np.ndarray) and delay.ndim == 0:
        delay = delay.item()  # a 0-d array is one number
    if delay is None or isinstance(delay, (bool, np.bool_, str, bytes)):
        raise ModelUseError(f"{message}, got {delay!r}.")
    if isinstance(delay, (int, float, np.integer, np.floating)):
        if not np.isfinite(delay) or delay < 0:
            raise ModelUseError(f"{message}, got {delay!r}.")
        return float(delay)
    try:
        values = np.array(delay)
    except (TypeError, ValueError):
        raise ModelUseError(f"{message}, got {type(delay).__name__}.") from None
    if values.dtype.kind not in "iuf":
        # strings would be parsed, complex numbers cut and booleans read as 0 and 1 ms: none is a delay
        raise ModelUseError(f"{message}; the array given holds {values.dtype} values.")
    values = values.astype(np.float64)
    if values.ndim != 1 or not np.isfinite(values).all() or (values < 0).any():
        bad = f"is not one-dimensional ({values.ndim} dimensions)" if values.ndim != 1 else \
            "has a negative, NaN or infinite value"
        raise ModelUseError(f"{message}; the array given {bad}.")
    values.flags.writeable = False  # a change would not reach the queue's routes; assign a new array instead
    return values


def checked_pathway_delays(name: str, model: SynType, delay: Any) -> dict[str, float | np.ndarray]:
    """One checked delay per pathway of ``model``, from the dict a SynConn was given.

    Parameters
    ----------
    name : str
        The SynConn's name, for messages.
    model : SynType
    delay : dict
    """
    pathways = model.pathways
    if not isinstance(delay, dict):
        raise ModelUseError(f"SynConn {name!r} runs model {model.name!r}, whose pathways {list(pathways)} each "
                            f"take their own delay, but got delay={delay!r}; {_FIX}.")
    if len(pathways) < 2 and not model.post_pathways:
        raise ModelUseError(f"SynConn {name!r} got delays for pathways {sorted(map(str, delay))}, but model "
                            f"{model.name!r} names {'the pathway ' + repr(pathways[0]) if pathways else 'no pathway'}"
                            f"; give one number (delay=1.5), or mark each delayed step of the model "
                            f"@bp.delayed(pathway='up').")
    unknown = [key for key in delay if key not in pathways]
    if unknown:
        raise ModelUseError(f"SynConn {name!r} got a delay for pathway {unknown[0]!r}, which model {model.name!r} "
                            f"does not have (its pathways: {list(pathways)}); {_FIX}.")
    missing = [p for p in pathways if p not in delay]
    if missing:
        raise ModelUseError(f"SynConn {name!r} has no delay for pathway {missing[0]!r} of model {model.name!r}; "
                            f"{_FIX}.")
    out = {}
    for pathway in pathways:
        try:
            out[pathway] = checked_delay(delay[pathway])
        except ModelUseError as error:
            raise ModelUseError(f"SynConn {name!r}, pathway {pathway!r}: {error}") from None
    return out


def check_pathways(syn: Any) -> None:
    """Refuse what a SynConn of several pathways cannot run exactly, naming the SynConn and the fix."""
    model = syn.model
    if syn.pre_group is None:
        raise ModelUseError(f"SynConn {syn.name!r} was made with num=..., but its model's pathways "
                            f"{list(model.pathways)} need known synapses; give pre_group, post_group and conn.")
    if model.mode == "matrix":
        raise ModelUseError(f"SynConn {syn.name!r}: pathways run in scalar or vector mode, not matrix mode; "
                            f"write model {model.name!r} in scalar mode.")
    if model.summed:
        raise ModelUseError(f"SynConn {syn.name!r}: a model with several pathways cannot have summed variables "
                            f"yet; write the sum as its own SynConn.")
    for step in model.steps if len(_pre_pathways(model)) > 1 else ():
        if step.is_delayed:
            continue
        bad = next((stmt for stmt in step.node.body if not _copies_pre(stmt, model, step)), None)
        if bad is not None:
            raise ModelUseError(
                f"SynConn {syn.name!r}: step {step.name!r} of model {model.name!r} does more than copy presynaptic "
                f"fields (line {bad.lineno} of the step), so running it once per pathway would change the "
                f"result; with several pathways the undelayed steps may only copy events (ST['s'] = "
                f"pre['spike']): move the rest into a SynConn of its own.")
    for pathway, delay in syn.delay.items():
        if np.ndim(delay) and delay.size != syn.num:
            raise ModelUseError(f"SynConn {syn.name!r} got {delay.size} delays for pathway {pathway!r} and its "
                                f"{syn.num} synapses; give one delay per synapse, in the order of the synapses, or "
                                f"one number for all.")
        if np.ndim(delay) and pathway in model.post_pathways and model.mode != "scalar":
            raise ModelUseError(f"SynConn {syn.name!r}: pathway {pathway!r} delays postsynaptic spikes, and takes one "
                                f"delay per synapse only in scalar mode (model {model.name!r} is in {model.mode} "
                                f"mode); write its step in scalar mode, or give one number, delay={{{pathway!r}: 2.}}.")
    names = member_names(model)
    if len(set(names)) != len(names):
        raise ModelUseError(f"SynConn {syn.name!r}: model {model.name!r} runs as SynConns named after {names}, and "
                            f"the name 'pre' (its undelayed steps) is taken by a pathway; rename that pathway.")


def runs_as_members(model: SynType) -> bool:
    """Whether a SynConn of ``model`` runs as one SynConn per pathway (several pathways, or one of postsynaptic
    spikes beside other steps); a model of one postsynaptic pathway's step alone is a SynConn of its own."""
    return len(model.pathways) > 1 or bool(model.post_pathways) and len(model.steps) > 1


def member_names(model: SynType) -> list[str]:
    """The name each SynConn that runs ``model``'s pathways ends with (``<syn>_<name>``), in running order."""
    pre = _pre_pathways(model)
    undelayed = any(not s.is_delayed for s in model.steps)
    return (list(pre) if pre else ["pre"] if undelayed else []) + list(model.post_pathways)


def _pre_pathways(model: SynType) -> tuple[str, ...]:
    return tuple(p for p in model.pathways if p not in model.post_pathways)


def _member_steps(syn: Any) -> list[tuple[str, list, Any]]:
    """(name, step functions, delay) of each SynConn running a pathway of ``syn``."""
    model = syn.model
    undelayed = [s.func for s in model.steps if not s.is_delayed]
    step_of = {s.pathway: s.func for s in model.steps if s.is_delayed}
    out = [(p, undelayed + [step_of[p]], syn.delay[p]) for p in _pre_pathways(model)]
    if not out and undelayed:
        out = [("pre", undelayed, 0.0)]
    return out + [(q, [step_of[q]], syn.delay[q]) for q in model.post_pathways]


def pathway_members(syn: Any) -> list[Any]:
    """One SynConn per pathway of ``syn``, sharing its state, parameters and connectivity."""
    model = syn.model
    i, j = syn.local_ids()
    members: list[Any] = []
    for name, steps, delay in _member_steps(syn):
        sub = SynType(name=f"{model.name}_{name}", ST=model.ST, steps=steps, mode=model.mode,
                      requires=model.requires or None, hand_overs=model.hand_overs or None)
        member = type(syn)(sub, pre_group=syn.pre_group, post_group=syn.post_group, conn=(i, j),
                           delay=delay, monitors=None if members else syn._monitor_request)
        # one state, one set of parameters and one connectivity for every pathway
        for key in ("ST", "pars", "_data", "_connectivity", "pre_ids", "post_ids"):
            object.__setattr__(member, key, getattr(syn, key))
        members.append(member)
    return members


def _copies_pre(stmt: ast.stmt, model: SynType, step: Any) -> bool:
    """Whether ``stmt`` (of ``step``) is a docstring or ``ST[f] = pre[k]`` (or that times numbers, the step's
    parameters and fields no step writes, ``ST['g'] = J * ST['w'] * pre['spike']``)."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) or isinstance(stmt, ast.Pass):
        return True
    return event_delays.copies_events(stmt, model, frozenset(step.parameters))

