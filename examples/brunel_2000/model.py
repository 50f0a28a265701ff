"""Brunel (2000): a sparse network of excitatory and inhibitory LIF neurons with a synaptic delay and an
external Poisson drive (Brian2's ``frompapers/Brunel_2000`` example, Fig. 8).

``N_E`` excitatory and ``N_E / 4`` inhibitory neurons, ``tau dV/dt = -V`` (threshold 20 mV, reset 10 mV,
refractory 2 ms); every neuron receives each excitatory neuron's spikes with probability ``epsilon``
(a jump of ``J``) and each inhibitory neuron's (a jump of ``-g J``), 1.5 ms later, plus ``C_E`` Poisson
sources at ``nu_ratio`` times the threshold rate. ``J`` is scaled so that ``J C_E`` stays the paper's
100 mV when the network is made smaller.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau, theta, V_r, tau_rp, D = 20., 20., 10., 2., 1.5  # ms, mV, mV, ms, ms


@bp.integrate(method='exponential')
def int_V(V, t):
    return -V / tau


def neuron_update(ST, _t, _dt):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > tau_rp - 0.5 * _dt:  # refractory for whole steps, as Brian2 counts them
        V = int_V(ST['V'] + ST['input'], _t)  # inputs reach only non-refractory neurons (as in Brian2)
        if V > theta:
            V = V_r
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['V'] = V
    ST['input'] = 0.


def syn_update(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def syn_output(ST, post):
    post['input'] += J * ST['s']


J = 0.1  # replaced by each SynConn's pars['J']

LIF = bp.NeuType(name='Brunel_LIF', ST=bp.types.NeuState({'V': 0., 'input': 0., 'spike': 0.,
                                                                 't_last_spike': -1e7}),
                 steps=neuron_update, mode='scalar')
delta_synapse = bp.SynType(name='delta_synapse', ST=bp.types.SynState(['s']),
                           requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input'])),
                           steps=(syn_update, syn_output), mode='scalar')


def build(N_E: int = 10000, epsilon: float = 0.1, g: float = 5., nu_ratio: float = 2., seed: int = 0):
    """The network and its neuron group; dt 0.1 ms (the profile is changed, as in the spec's tutorials)."""
    N_I = round(0.25 * N_E)
    C_E = epsilon * N_E
    J_E = 0.1 * 1000. / C_E
    nu_thr = theta / (J_E * C_E * tau) * 1000.  # Hz
    bp.profile.set(dt=0.1, seed=seed)
    driven = bp.inputs.poisson_drive(LIF, 'input', N=int(C_E), rate=nu_ratio * nu_thr, weight=J_E)
    group = bp.NeuGroup(driven, N_E + N_I, monitors=['spike'])
    group.ST['V'] = np.random.default_rng(seed).uniform(0., theta, N_E + N_I)
    exc = bp.SynConn(delta_synapse, pre_group=group[:N_E], post_group=group,
                     conn=bp.connect.FixedProb(epsilon, seed=seed), delay=D)
    inh = bp.SynConn(delta_synapse, pre_group=group[N_E:], post_group=group,
                     conn=bp.connect.FixedProb(epsilon, seed=seed + 1), delay=D)
    exc.pars['J'], inh.pars['J'] = J_E, -g * J_E
    return bp.Network(group, exc, inh), group


def run(duration: float = 1000., N_E: int = 10000, epsilon: float = 0.1, g: float = 5., nu_ratio: float = 2.,
        seed: int = 0) -> dict:
    """Build and run the network; returns its spikes (indices, times in ms), size and the run time (s)."""
    net, group = build(N_E, epsilon, g, nu_ratio, seed)
    net.build(duration)
    t0 = time.perf_counter()
    net.run(duration)
    run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'n': group.num, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run(duration=600., N_E=2000)
    print(f"{out['spike_time'].size / out['n'] / 0.6:.1f} Hz, run {out['run_s']:.2f} s")
