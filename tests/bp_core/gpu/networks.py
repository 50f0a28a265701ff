"""Small networks the GPU tests run on both targets (written with the public API, as a user writes them).

A LIF group in scalar mode (refractoriness, threshold, reset, conductance decay) and its synapses in
the spec's three delivery idioms: a loop over ``pre2post[i]`` rows, the fancy-indexed
``post['ge'][pre2post[i]] += w``, and ``for i in range(len(pre2post))``.
"""

from __future__ import annotations

import numpy as np

import bp_core as bp

taum, taue, taui, Vt, Vr, t_ref = 20., 5., 10., -50., -60., 5.
El, Ee, Ei, I_drive = -60., 0., -80., 20.
w = 1.0


@bp.integrate(method='euler')
def int_V(V, t, ge, gi):
    return (ge * (Ee - V) + gi * (Ei - V) - (V - El) + I_drive) / taum


@bp.integrate(method='exponential')
def int_ge(ge, t):
    return -ge / taue


@bp.integrate(method='exponential')
def int_gi(gi, t):
    return -gi / taui


def lif_update(ST, _t, _dt):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > t_ref - 0.5 * _dt:
        V = int_V(ST['V'], _t, ST['ge'], ST['gi'])
        if V > Vt:
            V = Vr
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['V'] = V
    ST['ge'] = int_ge(ST['ge'], _t)
    ST['gi'] = int_gi(ST['gi'], _t)


def rows_to_ge(ST, _t, pre, post, pre2post):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            for j in pre2post[i]:
                post['ge'][j] += w


def fancy_to_gi(ST, _t, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['gi'][pre2post[i]] += w


def range_to_ge(ST, _t, pre, post, pre2post):
    for pre_id in range(len(pre2post)):
        if pre['spike'][pre_id] > 0.:
            post_ids = pre2post[pre_id]
            post['ge'][post_ids] += w


STATE = bp.types.NeuState({'V': -60., 'ge': 0., 'gi': 0., 'spike': 0., 't_last_spike': -1e7})
LIF = bp.NeuType(name='LIF', ST=STATE, steps=lif_update, mode='scalar')
FORMS = {
    "rows": bp.SynType(name='rows_to_ge', ST=bp.types.SynState(), steps=rows_to_ge, mode='vector'),
    "fancy": bp.SynType(name='fancy_to_gi', ST=bp.types.SynState(), steps=fancy_to_gi, mode='vector'),
    "range": bp.SynType(name='range_to_ge', ST=bp.types.SynState(), steps=range_to_ge, mode='vector'),
}


def initial_V(n: int, seed: int) -> np.ndarray:
    """Membrane potentials spread up to just above threshold, so neurons fire in the first steps."""
    return np.random.default_rng(seed).uniform(-60., -49., n)


def lif_group(n: int, seed: int = 0, monitors: tuple = ('spike',)) -> bp.NeuGroup:
    group = bp.NeuGroup(LIF, n, monitors=list(monitors))
    group.ST['V'] = initial_V(n, seed)
    return group


def coba(n: int, forms: tuple[str, ...] = ("rows", "fancy"), seed: int = 0) -> tuple[bp.Network, bp.NeuGroup]:
    """A LIF group driven by itself: 80 % of it excites through one idiom, 20 % inhibits through another."""
    np.random.seed(seed)
    group = lif_group(n, seed)
    ne = int(0.8 * n)
    exc = bp.SynConn(FORMS[forms[0]], pre_group=group[:ne], post_group=group, conn=bp.connect.FixedProb(0.1))
    inh = bp.SynConn(FORMS[forms[1]], pre_group=group[ne:], post_group=group, conn=bp.connect.FixedProb(0.1))
    exc.pars['w'], inh.pars['w'] = 0.6, 6.7
    return bp.Network(group, exc, inh), group


def spike_events(group: bp.NeuGroup) -> np.ndarray:
    """(step, neuron) of every spike the group's last run recorded, in order."""
    spikes = np.asarray(group.mon.spike)
    steps, neurons = np.nonzero(spikes)
    return np.stack([steps, neurons], axis=1)


def wang_buzsaki(n: int, seed: int = 0) -> tuple[bp.Network, bp.NeuGroup]:
    """A vector-mode model of the zoo (exponential Euler) with a per-neuron parameter, no synapses."""
    group = bp.NeuGroup(bp.models.get_WangBuzsaki(), n, monitors=['spike', 'V'])
    group.ST['V'] = np.random.default_rng(seed).uniform(-70., -50., n)
    group.pars['phi'] = np.linspace(4., 6., n)
    return bp.Network(group), group


def unmonitored(n: int, seed: int = 0) -> tuple[bp.Network, bp.NeuGroup]:
    """Delivery with no spike monitor: the synapse step scans every presynaptic neuron (no event list)."""
    np.random.seed(seed)
    group = lif_group(n, seed, monitors=("V",))
    syn = bp.SynConn(FORMS["fancy"], pre_group=group[:int(0.8 * n)], post_group=group,
                     conn=bp.connect.FixedProb(0.1))
    syn.pars['w'] = 0.5
    return bp.Network(group, syn), group


def trace_update(ST, _t, pre):
    ST['s'] = ST['s'] * 0.8 + pre['spike']


@bp.delayed
def trace_output(ST, post):
    post['ge'] += w * ST['s']


TRACE = bp.SynType(name='trace', ST=bp.types.SynState({'s': 0.}), steps=(trace_update, trace_output), mode='scalar')


def delayed(n: int, seed: int = 0) -> tuple[bp.Network, bp.NeuGroup]:
    """A scalar-mode synapse with a per-synapse trace, delivered through a 0.3 ms delay line."""
    np.random.seed(seed)
    group = lif_group(n, seed)
    syn = bp.SynConn(TRACE, pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.05), delay=0.3)
    syn.pars['w'] = 0.4
    return bp.Network(group, syn), group


def noisy_update(ST, _t):
    ST['V'] += np.random.normal(0., 2.) + 0.1 * np.random.uniform(-1., 1.) + np.random.exponential(0.5) - 0.5


NOISY_VARIANCE = 4. + 0.01 / 3. + 0.25
"""Variance of one step's increment of ``noisy_update`` (its mean is 0)."""


def noisy(n: int) -> tuple[bp.Network, bp.NeuGroup]:
    """A group whose every element takes three random draws a step."""
    group = bp.NeuGroup(bp.NeuType(name='noisy', ST=bp.types.NeuState({'V': 0.}), steps=noisy_update,
                                   mode='scalar'), n)
    return bp.Network(group), group


def shifted_to_ge(ST, _t, pre, post, pre2post):
    for i in range(len(pre2post)):
        if pre['spike'][i] > 0.:
            for j in pre2post[i]:
                post['ge'][j + shift] += w


shift = 0
"""Where ``shifted_to_ge`` delivers, relative to the synapse's target (a parameter: ``syn.pars['shift']``)."""
SHIFTED = bp.SynType(name='shifted_to_ge', ST=bp.types.SynState(), steps=shifted_to_ge, mode='vector')


def shifted(n: int, by: int, seed: int = 0) -> tuple[bp.Network, bp.NeuGroup]:
    """Delivery ``by`` elements past each target: an index out of range when ``by`` reaches past the group."""
    np.random.seed(seed)
    group = lif_group(n, seed, monitors=('spike', 'V'))
    syn = bp.SynConn(SHIFTED, pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.1))
    syn.pars['shift'] = by
    return bp.Network(group, syn), group


def copy_spike(ST, _t, pre):
    ST['s'] = pre['spike']


@bp.delayed
def queued_output(ST, post):
    post['ge'] += w * ST['s']


QUEUED = bp.SynType(name='queued', ST=bp.types.SynState({'s': 0.}), steps=(copy_spike, queued_output), mode='scalar')


def queued(n: int, per_synapse: bool, seed: int = 0) -> tuple[bp.Network, bp.NeuGroup]:
    """Delivery through a spike queue: one delay of 2 steps, or one of 1 to 3 steps per synapse."""
    def synapses(delay):
        np.random.seed(seed)
        return bp.SynConn(QUEUED, pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.05), delay=delay)

    group = lif_group(n, seed, monitors=('spike', 'V'))
    syn = synapses(0.2)
    if per_synapse:
        syn = synapses(np.random.default_rng(seed).choice([0.1, 0.2, 0.3], syn.num))
    syn.pars['w'] = 2.0
    return bp.Network(group, syn), group


def keep_draws(ST):
    ST['last'] = ST['x']
    ST['x'] = 0.


KEEPER = bp.NeuType(name='keeper', ST=bp.types.NeuState({'x': 0., 'last': 0.}), steps=keep_draws, mode='scalar')


def drawn(n: int, N: int, rate: float) -> tuple[bp.Network, bp.NeuGroup]:
    """A group whose ``last`` field is, at each step, one draw of ``bp.inputs.poisson_drive`` (weight 1)."""
    driven = bp.inputs.poisson_drive(KEEPER, 'x', N=N, rate=rate, weight=1.)
    group = bp.NeuGroup(driven, n, monitors=['last'])
    return bp.Network(group), group


def brunel(n: int, seed: int = 0) -> tuple[bp.Network, bp.NeuGroup]:
    """``examples/brunel_2000`` with ``n`` neurons (4/5 excitatory): Poisson drive, spike queues of 1.5 ms."""
    from examples.brunel_2000 import model  # the published example itself, at a small size

    return model.build(N_E=round(0.8 * n), seed=seed)
