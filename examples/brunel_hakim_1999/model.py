"""Brunel & Hakim (1999): a sparse network of inhibitory LIF neurons driven by noise, whose neurons fire
irregularly at low rates while the population oscillates fast (Brian2's ``frompapers/Brunel_Hakim_1999``).

``N`` neurons, ``tau dV/dt = -V + mu_ext + sigma_ext sqrt(tau) xi`` (threshold 20 mV, reset 10 mV, no
threshold for 2 ms after a spike; ``V`` keeps integrating meanwhile); every pair is connected with probability
``C / N`` and a spike lowers the postsynaptic ``V`` by ``J`` 2 ms later. ``J`` is scaled so that ``J C`` stays
the paper's 100 mV when ``C`` is made smaller.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau, theta, V_r, tau_rp, D = 20., 20., 10., 2., 2.  # ms, mV, mV, ms, ms
mu_ext, sigma_ext = 25., 1.  # mV


@bp.integrate(method='euler')
def int_V(V, t):
    # Brian2's xi has units 1/sqrt(time): the noise term sigma sqrt(tau) xi / tau is sigma / sqrt(tau) dW
    return (-V + mu_ext) / tau, sigma_ext / np.sqrt(tau)


def neuron_update(ST, _t, _dt):
    V = int_V(ST['V'], _t)
    ST['spike'] = 0.
    if V > theta and _t - ST['t_last_spike'] > tau_rp - 0.5 * _dt:  # refractoriness blocks the threshold only
        V = V_r
        ST['spike'] = 1.
        ST['t_last_spike'] = _t
    ST['V'] = V


def syn_update(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def syn_output(ST, post):
    post['V'] -= J * ST['s']


J = 0.1  # replaced by the SynConn's pars['J']

LIF = bp.NeuType(name='BrunelHakim_LIF', ST=bp.types.NeuState({'V': V_r, 'spike': 0., 't_last_spike': -1e7}),
                 steps=neuron_update, mode='scalar')
inhibitory_synapse = bp.SynType(name='BrunelHakim_inhibition', ST=bp.types.SynState(['s']),
                                requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['V'])),
                                steps=(syn_update, syn_output), mode='scalar')


def build(N: int = 5000, C: int = 1000, seed: int = 0) -> tuple[bp.Network, bp.NeuGroup]:
    """The network and its neuron group; dt 0.1 ms (the profile is changed, as in the spec's tutorials)."""
    bp.profile.set(dt=0.1, seed=seed)
    group = bp.NeuGroup(LIF, N, monitors=['spike'])
    conn = bp.SynConn(inhibitory_synapse, pre_group=group, post_group=group,
                      conn=bp.connect.FixedProb(C / N, seed=seed), delay=D)
    conn.pars['J'] = 0.1 * 1000. / C
    return bp.Network(group, conn), group


def run(duration: float = 100., N: int = 5000, C: int = 1000, seed: int = 0) -> dict:
    """Build and run the network; returns its spikes (indices, times in ms), size and the run time (s)."""
    net, group = build(N, C, seed)
    net.build(duration)
    t0 = time.perf_counter()
    net.run(duration)
    run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'n': group.num, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run(duration=300., N=1000, C=200)
    print(f"{out['spike_time'].size / out['n'] / 0.3:.1f} Hz, run {out['run_s']:.2f} s")
