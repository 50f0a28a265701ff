"""Summed variables: a postsynaptic field that is the sum, over a neuron's synapses, of a synapse field.

A SynType declares them with ``summed={'g': 'g_syn'}``: each step, the postsynaptic field ``g`` of
every neuron of the SynConn's post group is set to the sum of ``ST['g_syn']`` over the synapses that
end on that neuron (0 for a neuron without synapses). This is Brian2's ``g_post = g_syn : 1 (summed)``.
The value may also be an expression of one synapse, ``summed={'I_gap': "ST['w'] * (pre['V'] - post['V'])"}``
(Brian2's ``Igap_post = w * (V_pre - V_post) : 1 (summed)``; see ``model.summed_expressions``).

When: at the start of every time step, before any object's steps, from the synapses' (and for an
expression the neurons') state as the previous step left it. So the neurons' steps of step ``k`` see the
sum of the synapse state after the synapse steps of step ``k - 1``, whatever the order objects were given
to ``bp.Network``. Several
SynConns that declare the same postsynaptic field add up (the field is cleared once, then each adds
its sum); the value replaces whatever the field held, and inputs applied to the field add to it.

This module checks declarations (pure Python); ``simulation.summed_plans`` checks them against the
groups a SynConn connects and ``codegen.kernel_ops.summed`` lowers them in the run kernel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from bp_core.errors import ModelDefError, close_matches
from bp_core.model.event_fields import stored_fields
from bp_core.model.summed_expressions import expression_fields

__all__ = ["SummedVariable", "parse_summed"]

_FORM = "summed={'g': 'g_syn'} sets the postsynaptic field g to the sum of the synapse field ST['g_syn']"


@dataclass(frozen=True)
class SummedVariable:
    """One declared sum.

    Attributes
    ----------
    target : str
        The postsynaptic state field that receives the sum.
    source : str
        The synapse state field summed over each neuron's synapses, or an expression of one synapse
        (``"ST['w'] * (pre['V'] - post['V'])"``, see ``model.summed_expressions``).
    fields : tuple of (str, str)
        The ``(state, field)`` pairs the source reads (``('ST', source)`` for a field).
    """

    target: str
    source: str
    fields: tuple[tuple[str, str], ...] = ()


def parse_summed(model_name: str, summed: Any, syn_fields: list[str], post_fields: list[str] | None,
                 mode: str, steps: Sequence[Any] = (), pre_fields: list[str] | None = None
                 ) -> tuple[SummedVariable, ...]:
    """Check the ``summed`` declaration of a SynType.

    Parameters
    ----------
    model_name : str
        The SynType's name (for messages).
    summed : dict or None
        Postsynaptic field -> synapse field, or an expression of one synapse.
    syn_fields : list of str
        Fields of the synapse state (``ST``).
    post_fields : list of str, optional
        Fields of ``requires['post']`` when the model declares them.
    mode : str
        The model's mode.
    steps : sequence of StepFunction
        The model's steps (none may store into a summed postsynaptic field).
    pre_fields : list of str, optional
        Fields of ``requires['pre']`` when the model declares them.

    Returns
    -------
    tuple of SummedVariable

    Raises
    ------
    ModelDefError
        For a declaration that is not a dict of names, a synapse field that the state lacks, a field
        on the wrong side, a postsynaptic field a step also stores into, or a matrix-mode model.
    """
    if summed is None:
        return ()
    where = f"summed of SynType {model_name!r}"
    if not isinstance(summed, dict):
        raise ModelDefError(f"{where} must be a dict of postsynaptic field -> synapse field ({_FORM}), "
                            f"got {type(summed).__name__}.")
    if summed and mode == "matrix":
        raise ModelDefError(f"{where}: summed variables are declared for scalar- and vector-mode synapses; in "
                            f"matrix mode write the column sum in a step (post['g'] = ST['g'].sum(axis=0)) "
                            f"or give the model mode='vector'.")
    out = []
    for target, source in summed.items():
        if not isinstance(target, str) or not target.isidentifier():
            raise ModelDefError(f"{where}: the postsynaptic field (key) must be a field name, got {target!r} "
                                f"({_FORM}).")
        if not isinstance(source, str):
            raise ModelDefError(f"{where}: the synapse field (value) must be a field name or an expression of one "
                                f"synapse, got {source!r} ({_FORM}).")
        _check_target(where, target, source, syn_fields, post_fields)
        if source.isidentifier():
            _check_source(where, target, source, syn_fields, post_fields)
            fields: tuple[tuple[str, str], ...] = (("ST", source),)
        else:
            fields = _expression_fields(f"{where}[{target!r}]", source, syn_fields, pre_fields, post_fields)
        for step in steps:
            if target in stored_fields(step.node, "post"):
                raise ModelDefError(f"{step.where()} stores into post[{target!r}], which {where} sets each step "
                                    f"(the sum would overwrite it); leave the field to the summed variable, or "
                                    f"drop {target!r} from summed and keep the step's own sum.")
        out.append(SummedVariable(target, source, fields))
    return tuple(out)


def _expression_fields(where: str, text: str, syn_fields: list[str], pre_fields: list[str] | None,
                       post_fields: list[str] | None) -> tuple[tuple[str, str], ...]:
    fields = expression_fields(where, text)
    for state, key in fields:
        known = {"ST": syn_fields, "pre": pre_fields, "post": post_fields}[state]
        if known is not None and key not in known:
            owner = "the synapse state" if state == "ST" else f"requires[{state!r}]"
            raise ModelDefError(f"{where} reads {state}[{key!r}], which {owner} does not have; name one of "
                                f"{known}.{close_matches(key, known)}")
    return fields


def _check_source(where: str, target: str, source: str, syn_fields: list[str], post_fields: list[str] | None
                  ) -> None:
    if source in syn_fields:
        return
    if post_fields is not None and source in post_fields:
        raise ModelDefError(f"{where}[{target!r}] names {source!r}, a field of the postsynaptic state "
                            f"(requires['post']), not of the synapse state; the value names the synapse field "
                            f"to sum ({_FORM}).")
    raise ModelDefError(f"{where}[{target!r}] names {source!r}, which is not a field of the synapse state; add "
                        f"it to the SynState or name one of {syn_fields}.{close_matches(source, syn_fields)}")


def _check_target(where: str, target: str, source: str, syn_fields: list[str], post_fields: list[str] | None
                  ) -> None:
    if post_fields is None or target in post_fields:
        return
    if target in syn_fields:
        raise ModelDefError(f"{where} has the key {target!r}, a field of the synapse state, not of the postsynaptic "
                            f"state (requires['post']); the key names the postsynaptic field that receives the "
                            f"sum ({_FORM}).")
    raise ModelDefError(f"{where} has the key {target!r}, which requires['post'] does not declare; add it to "
                        f"requires['post'] or name one of {post_fields}.{close_matches(target, post_fields)}")
