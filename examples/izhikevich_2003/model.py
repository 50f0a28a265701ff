"""Izhikevich (2003), "Simple model of spiking neurons", Fig. 3: a random network of 800 regular-spiking
excitatory and 200 fast-spiking inhibitory neurons, all-to-all with random weights and thalamic noise
(Brian2's ``frompapers/Izhikevich_2003`` example, after the paper's net.m).

    dv/dt = 0.04 v^2 + 5 v + 140 - u + I + I_noise,   du/dt = a (b v - u)   (ms, mV)
    v >= 30 mV: v <- c, u <- u + d

Excitatory neurons have a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2; inhibitory a = 0.02 + 0.08 r,
b = 0.25 - 0.05 r, c = -65, d = 2 (r uniform on [0, 1] per neuron). A spike adds its synapse's weight
(0.5 U[0, 1] from excitatory, -U[0, 1] from inhibitory neurons) to the postsynaptic current for one 1 ms
step. I_noise is drawn every step: N(0, 5^2) for excitatory, N(0, 2^2) for inhibitory neurons.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

a, b, c, d, sigma = 0.02, 0.2, -65., 8., 5.  # per-neuron parameters: arrays set through group.pars


@bp.integrate(method='euler')
def int_v(v, t, u, I):
    return 0.04 * v * v + 5. * v + 140. - u + I


@bp.integrate(method='euler')
def int_u(u, t, v):
    return a * (b * v - u)


def neuron_update(ST, _t):
    I = ST['input'] + sigma * np.random.normal()
    v = int_v(ST['V'], _t, ST['u'], I)
    u = int_u(ST['u'], _t, ST['V'])
    ST['spike'] = 0.
    if v >= 30.:
        v = c
        u += d
        ST['spike'] = 1.
    ST['V'] = v
    ST['u'] = u
    ST['input'] = 0.


def syn_output(ST, pre, post, pre2syn, post_ids):
    for i in np.where(pre['spike'] > 0.)[0]:
        for s in pre2syn[i]:
            post['input'][post_ids[s]] += ST['w'][s]


izhikevich = bp.NeuType(name='Izhikevich_2003', ST=bp.types.NeuState({'V': -65., 'u': -13., 'input': 0., 'spike': 0.}),
                        steps=neuron_update, mode='scalar')
pulse_synapse = bp.SynType(name='pulse_synapse', ST=bp.types.SynState(['w']),
                           requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input']),
                                         pre2syn=bp.types.ListConn(), post_ids=bp.types.Array(dim=1)),
                           steps=syn_output, mode='vector')


def build(Ne: int = 800, Ni: int = 200, seed: int = 0):
    """The network (dt 1 ms, as in the paper) and its neuron group."""
    rng = np.random.default_rng(seed)
    re, ri = rng.uniform(size=Ne), rng.uniform(size=Ni)
    bp.profile.set(dt=1., seed=seed)
    group = bp.NeuGroup(izhikevich, Ne + Ni, monitors=['spike', ('V', [0])])
    group.pars['a'] = np.concatenate([np.full(Ne, 0.02), 0.02 + 0.08 * ri])
    group.pars['b'] = np.concatenate([np.full(Ne, 0.2), 0.25 - 0.05 * ri])
    group.pars['c'] = np.concatenate([-65. + 15. * re ** 2, np.full(Ni, -65.)])
    group.pars['d'] = np.concatenate([8. - 6. * re ** 2, np.full(Ni, 2.)])
    group.pars['sigma'] = np.concatenate([np.full(Ne, 5.), np.full(Ni, 2.)])
    group.ST['V'] = -65.
    group.ST['u'] = group.pars['b'] * -65.
    exc = bp.SynConn(pulse_synapse, pre_group=group[:Ne], post_group=group, conn=bp.connect.All2All())
    inh = bp.SynConn(pulse_synapse, pre_group=group[Ne:], post_group=group, conn=bp.connect.All2All())
    exc.ST['w'] = 0.5 * rng.uniform(size=exc.num)
    inh.ST['w'] = -rng.uniform(size=inh.num)
    return bp.Network(group, exc, inh), group


def run(duration: float = 1000., Ne: int = 800, Ni: int = 200, seed: int = 0) -> dict:
    """Build and run; returns the spikes (indices, times in ms), neuron 0's potential, sizes and run time (s)."""
    net, group = build(Ne, Ni, seed)
    net.build(duration)
    t0 = time.perf_counter()
    net.run(duration)
    run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'V0': np.asarray(group.mon.V)[:, 0], 'n': group.num, 'Ne': Ne, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run()
    print(f"{out['spike_time'].size / out['n']:.1f} Hz, run {out['run_s']:.2f} s")
