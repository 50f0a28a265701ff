"""Synfire chain (Diesmann, Gewaltig & Aertsen 1999, "Stable propagation of synchronous spiking in cortical
neural networks"; Brian2's ``frompapers/Diesmann_et_al_1999`` example).

``n_groups`` groups of ``group_size`` LIF neurons with alpha-shaped synaptic currents and a noisy background:

    taum dV/dt = -(V - Vr) + x,   taupsp dx/dt = -x + y,   dy/dt = -y / taupsp + 25.27 mV/ms + 39.24 mV/ms^0.5 xi

(threshold -55 mV, reset -70 mV, no threshold for 1 ms after a spike). Every neuron of a group projects to
every neuron of the next (``y += 4.86 mV``); a volley of 85 input spikes around t = 50 ms (sd 1 ms) starts
a synchronous pulse that travels down the chain.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

Vr, Vt, taum, taupsp, weight, t_ref = -70., -55., 10., 0.325, 4.86, 1.  # mV, mV, ms, ms, mV, ms


@bp.integrate(method='euler')
def int_V(V, t, x):
    return (-(V - Vr) + x) / taum


@bp.integrate(method='euler')
def int_x(x, t, y):
    return (-x + y) / taupsp


@bp.integrate(method='euler')
def int_y(y, t):
    return -y / taupsp + 25.27, 39.24


def neuron_update(ST, _t, _dt):
    V = int_V(ST['V'], _t, ST['x'])
    ST['x'] = int_x(ST['x'], _t, ST['y'])
    ST['y'] = int_y(ST['y'], _t)
    ST['spike'] = 0.
    if V > Vt and _t - ST['t_last_spike'] > t_ref - 0.5 * _dt:
        V = Vr
        ST['spike'] = 1.
        ST['t_last_spike'] = _t
    ST['V'] = V


def on_pre(ST, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['y'][pre2post[i]] += weight


neuron = bp.NeuType(name='Diesmann_LIF', ST=bp.types.NeuState({'V': Vr, 'x': 0., 'y': 0., 'spike': 0.,
                                                               't_last_spike': -1e7}),
                    steps=neuron_update, mode='scalar')
synapse = bp.SynType(name='psp_synapse', ST=bp.types.SynState([]),
                     requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['y']),
                                   pre2post=bp.types.ListConn()),
                     steps=on_pre, mode='vector')


def chain(n_groups: int, group_size: int) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) of the chain: every neuron of group k onto every neuron of group k + 1."""
    pre = np.arange((n_groups - 1) * group_size)
    first = (pre // group_size + 1) * group_size
    i = np.repeat(pre, group_size)
    j = (first[:, None] + np.arange(group_size)).ravel()
    return i, j


def run(duration: float = 100., n_groups: int = 10, group_size: int = 100, seed: int = 0) -> dict:
    """Run the chain (dt 0.1 ms); returns the spikes (indices, times in ms), the input times, the sizes and
    the run time (s)."""
    rng = np.random.default_rng(seed)
    with bp.profile.override(dt=0.1, seed=seed):
        input_times = rng.standard_normal(85) * 1. + 50.
        source = bp.inputs.SpikeTimeInput(85, times=list(input_times), indices=list(range(85)))
        group = bp.NeuGroup(neuron, n_groups * group_size, monitors=['spike'])
        group.ST['V'] = Vr + rng.uniform(size=group.num) * (Vt - Vr)
        drive = bp.SynConn(synapse, pre_group=source, post_group=group[:group_size], conn=bp.connect.All2All())
        links = bp.SynConn(synapse, pre_group=group, post_group=group, conn=chain(n_groups, group_size))
        net = bp.Network(source, group, drive, links)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'n_groups': n_groups, 'group_size': group_size, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run()
    print(f"{out['spike_time'].size} spikes, run {out['run_s']:.2f} s")
