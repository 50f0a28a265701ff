"""Networks built from the model library, as examples and benchmarks use them."""

from __future__ import annotations

import numpy as np

import bp_core as bp
from bp_core.models.neurons import get_WangBuzsaki, wang_buzsaki_gates
from bp_core.models.synapses import get_GABAa2

__all__ = ["gamma_network"]


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
