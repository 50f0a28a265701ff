"""Spike-timing-dependent plasticity (Song, Miller & Abbott 2000) in scalar mode, as a BrainPy 0.3 user writes it.

Poisson inputs drive one conductance-based integrate-and-fire neuron through plastic synapses. Each synapse
keeps a presynaptic trace ``Apre`` and a postsynaptic trace ``Apost`` (exponential decays); a presynaptic spike
opens the conductance by ``w``, grows ``Apre`` and depresses ``w`` by ``Apost``; a postsynaptic spike grows
``Apost`` and potentiates ``w`` by ``Apre``; ``w`` stays in [0, gmax].
"""

import numpy as np

import bp_core as bp

taum, taue = 10., 5.
Ee, vt, vr, El = 0., -54., -60., -74.
taupre = taupost = 20.
gmax = 0.05
dApre = 0.01 * gmax
dApost = -dApre * taupre / taupost * 1.05

neu_ST = bp.types.NeuState({'v': vr, 'ge': 0., 'spike': 0.})


@bp.integrate(method='euler')
def int_v(v, t, ge):
    return (ge * (Ee - v) + El - v) / taum


@bp.integrate(method='exponential')
def int_ge(ge, t):
    return -ge / taue


def neu_update(ST, _t):
    v = int_v(ST['v'], _t, ST['ge'])
    ST['ge'] = int_ge(ST['ge'], _t)
    ST['spike'] = 0.
    if v > vt:
        v = vr
        ST['spike'] = 1.
    ST['v'] = v


LIF = bp.NeuType(name='ConductanceLIF', ST=neu_ST, steps=neu_update, mode='scalar')

syn_ST = bp.types.SynState({'w': 0., 'Apre': 0., 'Apost': 0.})


@bp.integrate(method='exponential')
def int_Apre(Apre, t):
    return -Apre / taupre


@bp.integrate(method='exponential')
def int_Apost(Apost, t):
    return -Apost / taupost


def syn_update(ST, _t, pre, post):
    Apre = int_Apre(ST['Apre'], _t)
    Apost = int_Apost(ST['Apost'], _t)
    w = ST['w']
    if pre['spike'] > 0.:
        post['ge'] += w
        Apre += dApre
        w = np.clip(w + Apost, 0., gmax)
    if post['spike'] > 0.:
        Apost += dApost
        w = np.clip(w + Apre, 0., gmax)
    ST['Apre'] = Apre
    ST['Apost'] = Apost
    ST['w'] = w


STDP = bp.SynType(name='STDP_Song2000', ST=syn_ST, steps=syn_update, mode='scalar',
                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['ge', 'spike'])))


def run(num_inputs, duration, rate=15., seed=0, dt=0.1):
    """Poisson inputs at ``rate`` Hz onto one neuron; returns the input group, the neuron and the synapses."""
    bp.profile.set(dt=dt)
    inputs = bp.inputs.PoissonInput(num_inputs, freqs=rate, monitors=['spike'])
    neuron = bp.NeuGroup(LIF, geometry=1, monitors=['v', 'spike'])
    syn = bp.SynConn(STDP, pre_group=inputs, post_group=neuron, conn=bp.connect.All2All(), monitors=['w'])
    syn.ST['w'] = np.random.RandomState(seed).rand(num_inputs) * gmax
    net = bp.Network(inputs, neuron, syn)
    net.run(duration)
    return inputs, neuron, syn


def reference(pre_spikes, w0, dt=0.1):
    """The same equations in numpy, driven by the recorded input spikes: (v, post spikes, w) histories."""
    v, ge, w = vr, 0., np.array(w0, dtype=float)
    Apre, Apost = np.zeros_like(w), np.zeros_like(w)
    n = len(pre_spikes)
    vs, spikes, ws = np.empty(n), np.empty(n), np.empty((n, w.size))
    for i in range(n):  # the network's order: inputs, neuron, synapses
        v_new = v + dt * (ge * (Ee - v) + El - v) / taum
        ge = ge * np.exp(-dt / taue)
        fired = v_new > vt
        v = vr if fired else v_new
        Apre = Apre * np.exp(-dt / taupre)
        Apost = Apost * np.exp(-dt / taupost)
        pre = pre_spikes[i] > 0
        ge += w[pre].sum()
        Apre[pre] += dApre
        w[pre] = np.clip(w[pre] + Apost[pre], 0., gmax)
        if fired:
            Apost += dApost
            w = np.clip(w + Apre, 0., gmax)
        vs[i], spikes[i], ws[i] = v, fired, w
    return vs, spikes, ws
