"""The network the spike-queue tests build twice (once with queues, once with delay lines) and compare."""

from __future__ import annotations

import numpy as np
import bp_core as bp
from tests.bp_core.simulation.test_spike_queue import DT, N, N_EXC, NEURON


def queue_network(model, delays, mode='once', monitors=(), inhibitory_sign=-1., inhibitory_pars=None,
                  factors=None):
    """40 neurons, an excitatory pathway of ``model`` with ``delays`` (ms, one or one per synapse) and an
    inhibitory one with one delay, weights multiples of 1/4 (negative by ``inhibitory_sign``, or made inhibitory
    by ``inhibitory_pars``); ``factors(exc, inh, rng)`` sets further static factors."""
    bp.profile.set(dt=DT)
    group = bp.NeuGroup(NEURON, N, monitors=['spike'])
    group.ST['I'] = np.linspace(1.05, 1.6, N)
    group.ST['V'] = np.linspace(0., 0.9, N)[::-1]
    rng = np.random.default_rng(3)
    exc = bp.SynConn(model, pre_group=group[:N_EXC], post_group=group, conn=bp.connect.FixedProb(0.3, seed=2),
                     monitors=list(monitors))
    if np.ndim(delays):
        delays = np.random.default_rng(5).choice(delays, size=exc.num)
    exc.delay = delays
    exc.ST['w'] = rng.choice([0.25, 0.5, 0.75], size=exc.num)
    inh = bp.SynConn(model, pre_group=group[N_EXC:], post_group=group, conn=bp.connect.FixedProb(0.5, seed=3),
                     delay=0.3)
    inh.ST['w'] = inhibitory_sign * rng.choice([0.25, 0.5], size=inh.num)
    for name, value in (inhibitory_pars or {}).items():
        inh.pars[name] = value
    if factors is not None:
        factors(exc, inh, rng)
    return bp.Network(group, exc, inh, mode=mode), group


def delay_note(net, syn) -> str:
    """What ``show_passes`` says of how ``syn``'s delayed step is delayed."""
    return str(net.passes(syn, next(s.name for s in syn.model.steps if s.is_delayed))[0])


def uses_queue(net, syn) -> bool:
    text = delay_note(net, syn)
    queue, line = "delayed through a spike queue" in text, "delayed through a delay line" in text
    assert queue != line
    return queue
