"""The networks the spike-queue tests build twice (once with queues, once with delay lines) and compare.

Weights are multiples of 1/4 and the neurons sum their input in 'inp' before adding it to V, so the sums are
exact whatever order synapses deliver in: the two forms must agree spike for spike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import bp_core as bp

N, N_EXC = 40, 30
DT = 0.1


def neuron_step(ST):
    ST['spike'] = 0.
    V = ST['V'] + 0.05 * (ST['I'] - ST['V']) + ST['inp']
    ST['inp'] = 0.
    if V > 1.:
        V = 0.
        ST['spike'] = 1.
    ST['V'] = V


NEURON = bp.NeuType(name='drifter', ST=bp.types.NeuState({'V': 0., 'I': 0., 'inp': 0., 'spike': 0.}),
                    steps=neuron_step, mode='scalar')


def copy_spike(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def deliver(ST, post):
    post['inp'] += w * ST['s']


w = 0.25
SYNAPSE = bp.SynType(name='delta_copy', ST=bp.types.SynState(['s']), steps=(copy_spike, deliver), mode='scalar')
"""A synapse that delivers its copy of the presynaptic spike times ``w``, a delay later."""


def drifting_group(monitors: Sequence[str] = ('spike',)) -> bp.NeuGroup:
    """``N`` neurons driven above threshold at different rates (the time step set to ``DT``)."""
    bp.profile.set(dt=DT)
    group = bp.NeuGroup(NEURON, N, monitors=list(monitors))
    group.ST['I'] = np.linspace(1.05, 1.6, N)
    group.ST['V'] = np.linspace(0., 0.9, N)[::-1]
    return group


def queue_network(model, delays, mode='once', monitors=(), inhibitory_sign=-1., inhibitory_pars=None,
                  factors=None):
    """40 neurons, an excitatory pathway of ``model`` with ``delays`` (ms, one or one per synapse) and an
    inhibitory one with one delay, weights multiples of 1/4 (negative by ``inhibitory_sign``, or made inhibitory
    by ``inhibitory_pars``); ``factors(exc, inh, rng)`` sets further static factors."""
    group = drifting_group()
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
    """Whether ``syn``'s delayed step goes through a spike queue (else a delay line: one of the two is said)."""
    text = delay_note(net, syn)
    queue, line = "delayed through a spike queue" in text, "delayed through a delay line" in text
    assert queue != line
    return queue


@bp.delayed(pathway='up')
def _up(ST, post):
    post['inp'] += ST['g']


@bp.delayed(pathway='down')
def _down(ST, post):
    post['inp'] -= 0.5 * ST['g']


@bp.delayed
def _up_plain(ST, post):
    post['inp'] += ST['g']


@bp.delayed
def _down_plain(ST, post):
    post['inp'] -= 0.5 * ST['g']


def _pathway_synapses(form: str, copy: Callable, fields: Sequence[str], name: str
                      ) -> tuple[bp.NeuGroup, list[bp.SynConn]]:
    group = drifting_group()
    conn = bp.connect.FixedProb(0.3, seed=2)
    if form == "pathways":
        model = bp.SynType(name=f'updown_{name}', ST=bp.types.SynState(list(fields)), steps=(copy, _up, _down),
                           mode='scalar')
        return group, [bp.SynConn(model, pre_group=group[:N_EXC], post_group=group, conn=conn,
                                  delay={'up': 0.3, 'down': 1.1})]
    return group, [bp.SynConn(bp.SynType(name=f'only_{name}{step.__name__}', ST=bp.types.SynState(list(fields)),
                                         steps=(copy, step), mode='scalar'),
                              pre_group=group[:N_EXC], post_group=group, conn=conn, delay=delay)
                   for step, delay in ((_up_plain, 0.3), (_down_plain, 1.1))]


def pathways_and_separate_spikes(copy: Callable, fields: Sequence[str], name: str,
                                 run: Callable[[bp.Network, list[bp.SynConn]], None],
                                 prepare: Callable[[list[bp.SynConn]], None] | None = None) -> list[np.ndarray]:
    """The spikes of a drifting group whose excitatory synapses' copy step ``copy`` writes ``ST['g']`` for two
    delayed steps, 'up' (0.3 ms, adds g) and 'down' (1.1 ms, takes half of g): first as the two pathways of one
    SynConn (model ``updown_{name}``, each pathway checked to go through a spike queue), then as one SynConn each
    (models ``only_{name}_up_plain`` and ``only_{name}_down_plain``).

    ``fields`` are the synapses' state; ``prepare(synapses)`` sets them before the network is built, ``run(net,
    synapses)`` runs it.
    """
    results = []
    for form in ("pathways", "separate"):
        group, syns = _pathway_synapses(form, copy, fields, name)
        if prepare is not None:
            prepare(syns)
        net = bp.Network(group, *syns)
        run(net, syns)
        if form == "pathways":
            for member in net.objects[1:]:
                assert uses_queue(net, member)
        results.append(np.asarray(group.mon.spike).copy())
    return results
