"""Networks built from the model library, as examples and benchmarks use them."""

from __future__ import annotations

import numpy as np

import bp_core as bp
from bp_core.models.neurons import get_LIF, get_WangBuzsaki, wang_buzsaki_gates
from bp_core.models.synapses import get_GABAa2

__all__ = ["gamma_network", "ei_network", "get_trace_synapse"]


def gamma_network(num: int = 100, seed: int = 0) -> tuple[bp.Network, bp.NeuGroup, bp.SynConn]:
    """The spec's Quickstart gamma network: ``num`` Wang-Buzsaki interneurons, all-to-all GABA_A inhibition
    with a 0.5 ms delay, ``g_max`` 0.1 / num, dt 0.04 ms (the network's own; the global profile is left as it
    is); potentials drawn uniformly from
    -70 to -50 mV with ``seed``, gates at their steady state. Spikes and V are monitored.

    Returns ``(net, neurons, synapses)``.
    """
    with bp.profile.override(dt=0.04):
        neurons = bp.NeuGroup(get_WangBuzsaki(), geometry=num, monitors=['spike', 'V'])
        synapses = bp.SynConn(get_GABAa2(), pre_group=neurons, post_group=neurons,
                              conn=bp.connect.All2All(include_self=False), delay=0.5)
        v = -70. + np.random.default_rng(seed).random(num) * 20
        neurons.ST['V'] = v
        neurons.ST['h'], neurons.ST['n'] = wang_buzsaki_gates(v)
        synapses.pars['g_max'] = 0.1 / num
        return bp.Network(neurons, synapses), neurons, synapses


def get_trace_synapse(w: float = 0.1, tau_decay: float = 2.) -> bp.SynType:
    """A current synapse: a trace ``s`` that decays with ``tau_decay`` (ms), steps up by one per presynaptic
    spike, and adds ``w * s`` to the postsynaptic input (scalar mode, as the spec's chapters write it)."""

    @bp.integrate(method='exponential')
    def int_s(s, t):
        return -s / tau_decay

    def update(ST, _t, pre):
        ST['s'] = int_s(ST['s'], _t) + pre['spike']

    def output(ST, post):
        post['input'] += w * ST['s']

    return bp.SynType(name='trace_synapse', ST=bp.types.SynState(['s']), steps=(update, output), mode='scalar',
                      units={'w': 'mV'}, descriptions={'w': 'jump of the input per unit of trace'})


def ei_network(num: int = 400, prob: float = 0.1, seed: int = 0
               ) -> tuple[bp.Network, bp.NeuGroup, bp.SynConn, bp.SynConn]:
    """An excitation/inhibition balanced network of ``num`` LIF neurons (V_rest -52, V_reset -60, V_th -50 mV,
    tau 10 ms, refractory 5 ms), the first half excitatory, connected with probability ``prob``; weights
    +-1/sqrt(prob num/2); potentials drawn uniformly between rest and threshold with ``seed``; dt 0.1 ms (the
    network's own). Spikes and V are monitored.

    Returns ``(net, neurons, excitatory synapses, inhibitory synapses)``.
    """
    v_rest, v_th = -52., -50.
    lif = get_LIF(V_rest=v_rest, V_reset=-60., V_th=v_th, tau=10., t_refractory=5.)
    half = num // 2
    with bp.profile.override(dt=0.1):
        group = bp.NeuGroup(lif, geometry=num, monitors=['spike', 'V'])
        group.ST['V'] = np.random.default_rng(seed).random(num) * (v_th - v_rest) + v_rest
        synapse = get_trace_synapse()
        exc = bp.SynConn(synapse, pre_group=group[:half], post_group=group,
                         conn=bp.connect.FixedProb(prob, seed=seed))
        inh = bp.SynConn(synapse, pre_group=group[half:], post_group=group,
                         conn=bp.connect.FixedProb(prob, seed=seed + 1))
        scale = 1 / np.sqrt(prob * half)
        exc.pars['w'], inh.pars['w'] = scale, -scale
        return bp.Network(group, exc, inh), group, exc, inh
