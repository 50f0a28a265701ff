"""Event-driven spike-timing-dependent plasticity: pair-based STDP and triplet STDP.

Each synapse stores its weight ``w``, its traces and ``t_last``, the time its traces were last brought up to
date. Nothing is computed for a synapse in a step without a spike at either of its ends: at a pre- or
postsynaptic spike the traces are decayed exactly from ``t_last`` to the spike's time,
``x <- x exp(-(t - t_last) / tau)``, then the weight and the traces are updated and ``t_last <- t``.
The stored traces are their values at ``t_last``; at a later time ``t`` a trace is
``x exp(-(t - t_last) / tau)``.

The steps are vector mode and scan the presynaptic spikes with ``for i in range(num_pre): if
pre['spike'][i] > 0.: for syn in pre2syn[i]: ...`` (and the postsynaptic ones through ``post2syn``), so
with spikes monitored as events the scan becomes a walk over the step's spike list. Presynaptic spikes are
applied before postsynaptic ones of the same step (the triplet rule has one step for each side). At a
presynaptic spike the synapse adds its weight (before the update) to a postsynaptic field, ``post['input']``
unless ``post_field`` names another (``post_field='ge'``: a conductance jump, as Brian2's ``on_pre='ge += w'``).
"""

from __future__ import annotations

import numpy as np

import bp_core as bp
from bp_core.model.step_source import with_fields_renamed

__all__ = ["get_STDP", "get_TripletSTDP", "TRIPLET_STDP_FITS"]


def _requires(post_field: str) -> dict:
    """The neuron fields the plasticity steps read and write."""
    return dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['spike', post_field]))


def _check_post_field(rule: str, post_field: object) -> None:
    if not isinstance(post_field, str) or not post_field.isidentifier() or post_field.startswith('_'):
        raise bp.errors.ModelUseError(f"{rule}: post_field names the postsynaptic state field a presynaptic spike "
                                      f"adds the weight to, a field name such as 'input' or 'ge', got "
                                      f"{post_field!r}.")
    if post_field == 'spike':
        raise bp.errors.ModelUseError(f"{rule}: post_field='spike' would add the weight to the postsynaptic spikes "
                                      f"the rule reads; give the field that takes the synaptic input, such as "
                                      f"'input' or 'ge'.")


def _adding_to(step, post_field: str, rule: str):
    """``step``, or its copy adding to ``post[post_field]`` where it adds to ``post['input']``."""
    return step if post_field == 'input' else with_fields_renamed(step, 'post', {'input': post_field}, rule)


def get_STDP(A_pre: float = 0.01, A_post: float = -0.0105, tau_pre: float = 20., tau_post: float = 20.,
             w_max: float = 1., post_field: str = 'input') -> bp.SynType:
    """Pair-based additive STDP with all-to-all trace interactions (Song, Miller & Abbott 2000), event-driven.

    Traces ``a_pre`` and ``a_post`` decay with ``tau_pre`` and ``tau_post`` (ms). At a presynaptic spike
    ``a_pre += A_pre`` and ``w <- clip(w + a_post, 0, w_max)``; at a postsynaptic spike ``a_post += A_post``
    and ``w <- clip(w + a_pre, 0, w_max)``. One presynaptic spike at ``t0`` and one postsynaptic spike at
    ``t0 + d`` change ``w`` by ``A_pre exp(-d / tau_pre)`` for ``d >= 0`` (potentiation with the default
    signs) and by ``A_post exp(d / tau_post)`` for ``d < 0`` (depression).

    Parameters
    ----------
    A_pre, A_post : float
        Increments of the pre- and postsynaptic traces at a spike (the weight changes of a pair at zero lag).
    tau_pre, tau_post : float
        Time constants of the traces (ms).
    w_max : float
        Upper bound of the weight; the lower bound is 0.
    post_field : str
        The postsynaptic state field a presynaptic spike adds the weight to (before the update): ``'input'``,
        or a conductance such as ``'ge'``. A postsynaptic group without it is refused when the SynConn is made.

    Returns
    -------
    bp.SynType
        A vector-mode synapse type with state ``w``, ``a_pre``, ``a_post`` and ``t_last``.
    """
    _check_post_field('get_STDP', post_field)

    def update(ST, _t, pre, post, pre2syn, post2syn, post_ids):
        for i in range(pre['spike'].shape[0]):
            if pre['spike'][i] > 0.:
                for syn in pre2syn[i]:
                    post['input'][post_ids[syn]] += ST['w'][syn]
                    elapsed = _t - ST['t_last'][syn]
                    ST['a_pre'][syn] *= np.exp(-elapsed / tau_pre)
                    ST['a_post'][syn] *= np.exp(-elapsed / tau_post)
                    ST['t_last'][syn] = _t
                    ST['a_pre'][syn] += A_pre
                    ST['w'][syn] = min(max(ST['w'][syn] + ST['a_post'][syn], 0.), w_max)
        for j in range(post['spike'].shape[0]):
            if post['spike'][j] > 0.:
                for syn in post2syn[j]:
                    elapsed = _t - ST['t_last'][syn]
                    ST['a_pre'][syn] *= np.exp(-elapsed / tau_pre)
                    ST['a_post'][syn] *= np.exp(-elapsed / tau_post)
                    ST['t_last'][syn] = _t
                    ST['a_post'][syn] += A_post
                    ST['w'][syn] = min(max(ST['w'][syn] + ST['a_pre'][syn], 0.), w_max)

    ST = bp.types.SynState({'w': 0.5 * w_max, 'a_pre': 0., 'a_post': 0., 't_last': 0.})
    return bp.SynType(name='STDP', ST=ST, requires=_requires(post_field),
                      steps=_adding_to(update, post_field, 'get_STDP'), mode='vector')


# Pfister & Gerstner 2006's fits (their Tables 3 and 4: visual cortex slices, Sjostrom et al. 2001; hippocampal
# cultures, Wang et al. 2005). Times in ms. A minimal model has A3_minus = 0, so r2 and tau_x have no effect
# there; the full visual cortex fit is insensitive to tau_x (the paper prints it in parentheses).
TRIPLET_STDP_FITS: dict[str, dict] = {
    'visual_cortex_all_to_all_minimal': dict(A2_plus=0., A3_plus=6.5e-3, A2_minus=7.1e-3, A3_minus=0.,
                                             tau_x=101., tau_y=114., interaction='all-to-all'),
    'visual_cortex_all_to_all_full': dict(A2_plus=5e-10, A3_plus=6.2e-3, A2_minus=7e-3, A3_minus=2.3e-4,
                                          tau_x=101., tau_y=125., interaction='all-to-all'),
    'hippocampal_all_to_all_minimal': dict(A2_plus=5.3e-3, A3_plus=8e-3, A2_minus=3.5e-3, A3_minus=0.,
                                           tau_x=946., tau_y=40., interaction='all-to-all'),
    'hippocampal_all_to_all_full': dict(A2_plus=6.1e-3, A3_plus=6.7e-3, A2_minus=1.6e-3, A3_minus=1.4e-3,
                                        tau_x=946., tau_y=27., interaction='all-to-all'),
    'hippocampal_nearest_spike_full': dict(A2_plus=4.6e-3, A3_plus=9.1e-3, A2_minus=3e-3, A3_minus=7.5e-9,
                                           tau_x=575., tau_y=47., interaction='nearest'),
}

INTERACTIONS = ('all-to-all', 'nearest')


def get_TripletSTDP(A2_plus: float = 0., A3_plus: float = 6.5e-3, A2_minus: float = 7.1e-3,
                    A3_minus: float = 0., tau_plus: float = 16.8, tau_x: float = 101., tau_minus: float = 33.7,
                    tau_y: float = 114., interaction: str = 'all-to-all', w_max: float = 1.,
                    post_field: str = 'input') -> bp.SynType:
    """Triplet STDP (Pfister & Gerstner 2006), event-driven, all-to-all or nearest-spike.

    Presynaptic traces ``r1`` (``tau_plus``) and ``r2`` (``tau_x``), postsynaptic traces ``o1``
    (``tau_minus``) and ``o2`` (``tau_y``). At a presynaptic spike
    ``w <- clip(w - o1 (A2_minus + A3_minus r2), 0, w_max)``, then ``r1`` and ``r2`` take the spike; at a
    postsynaptic spike ``w <- clip(w + r1 (A2_plus + A3_plus o2), 0, w_max)``, then ``o1`` and ``o2`` take it
    (``r2`` and ``o2`` are read before their own spike's change). With ``interaction='all-to-all'`` a spike
    adds 1 to its traces; with ``'nearest'`` it sets them to 1, so only the last spike counts.

    The defaults are the paper's minimal all-to-all fit to visual cortex data; ``TRIPLET_STDP_FITS`` holds
    its fits by name, e.g. ``get_TripletSTDP(**bp.models.TRIPLET_STDP_FITS['hippocampal_all_to_all_full'])``.

    Parameters
    ----------
    A2_plus, A3_plus : float
        Pair and triplet amplitudes of potentiation.
    A2_minus, A3_minus : float
        Pair and triplet amplitudes of depression.
    tau_plus, tau_x : float
        Time constants of the presynaptic traces ``r1`` and ``r2`` (ms).
    tau_minus, tau_y : float
        Time constants of the postsynaptic traces ``o1`` and ``o2`` (ms).
    interaction : {'all-to-all', 'nearest'}
        How a spike changes its traces: add 1, or set to 1.
    w_max : float
        Upper bound of the weight; the lower bound is 0.
    post_field : str
        The postsynaptic state field a presynaptic spike adds the weight to (``get_STDP``).

    Returns
    -------
    bp.SynType
        A vector-mode synapse type with state ``w``, ``r1``, ``r2``, ``o1``, ``o2`` and ``t_last``.
    """
    _check_post_field('get_TripletSTDP', post_field)
    if interaction not in INTERACTIONS:
        raise bp.errors.ModelUseError(f"get_TripletSTDP: interaction must be one of {INTERACTIONS}, got "
                                      f"{interaction!r}; 'all-to-all' adds 1 to a trace at a spike, 'nearest' "
                                      f"sets it to 1.")
    keep = 1. if interaction == 'all-to-all' else 0.  # what a trace keeps of its value at its own spike

    # two steps, presynaptic spikes first: one step of both would take more arguments than a compiled call
    # can (the parameters, traces, index lists and event lists are each one argument)
    def on_pre(ST, _t, pre, post, pre2syn, post_ids):
        for i in range(pre['spike'].shape[0]):
            if pre['spike'][i] > 0.:
                for syn in pre2syn[i]:
                    post['input'][post_ids[syn]] += ST['w'][syn]
                    elapsed = _t - ST['t_last'][syn]
                    ST['r1'][syn] *= np.exp(-elapsed / tau_plus)
                    ST['r2'][syn] *= np.exp(-elapsed / tau_x)
                    ST['o1'][syn] *= np.exp(-elapsed / tau_minus)
                    ST['o2'][syn] *= np.exp(-elapsed / tau_y)
                    ST['t_last'][syn] = _t
                    dw = ST['o1'][syn] * (A2_minus + A3_minus * ST['r2'][syn])
                    ST['w'][syn] = min(max(ST['w'][syn] - dw, 0.), w_max)
                    ST['r1'][syn] = keep * ST['r1'][syn] + 1.
                    ST['r2'][syn] = keep * ST['r2'][syn] + 1.

    def on_post(ST, _t, post, post2syn):
        for j in range(post['spike'].shape[0]):
            if post['spike'][j] > 0.:
                for syn in post2syn[j]:
                    elapsed = _t - ST['t_last'][syn]
                    ST['r1'][syn] *= np.exp(-elapsed / tau_plus)
                    ST['r2'][syn] *= np.exp(-elapsed / tau_x)
                    ST['o1'][syn] *= np.exp(-elapsed / tau_minus)
                    ST['o2'][syn] *= np.exp(-elapsed / tau_y)
                    ST['t_last'][syn] = _t
                    dw = ST['r1'][syn] * (A2_plus + A3_plus * ST['o2'][syn])
                    ST['w'][syn] = min(max(ST['w'][syn] + dw, 0.), w_max)
                    ST['o1'][syn] = keep * ST['o1'][syn] + 1.
                    ST['o2'][syn] = keep * ST['o2'][syn] + 1.

    ST = bp.types.SynState({'w': 0.5 * w_max, 'r1': 0., 'r2': 0., 'o1': 0., 'o2': 0., 't_last': 0.})
    return bp.SynType(name='TripletSTDP', ST=ST, requires=_requires(post_field),
                      steps=(_adding_to(on_pre, post_field, 'get_TripletSTDP'), on_post), mode='vector')
