"""Current-based random network (Vogels & Abbott 2005; benchmark 2 of Brette et al. 2007, "Simulation of
networks of spiking neurons"; Brian2's ``CUBA`` example).

4,000 LIF neurons, the first 3,200 excitatory, connected with probability 0.02:

    taum dv/dt = ge + gi - (v - El)   (not while refractory, 5 ms),   taue dge/dt = -ge,   taui dgi/dt = -gi

threshold -50 mV, reset -60 mV, El = -49 mV; an excitatory spike adds 1.62 mV to ``ge``, an inhibitory one
-9 mV to ``gi``. Potentials start uniformly between reset and threshold; the network settles into
asynchronous irregular firing at about 5 Hz.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

taum, taue, taui, Vt, Vr, El, t_ref = 20., 5., 10., -50., -60., -49., 5.   # ms, mV
we, wi = 60 * 0.27 / 10, -20 * 4.5 / 10   # mV


@bp.integrate(method='exponential')
def int_v(v, t, ge, gi):
    return (ge + gi - (v - El)) / taum


@bp.integrate(method='exponential')
def int_ge(ge, t):
    return -ge / taue


@bp.integrate(method='exponential')
def int_gi(gi, t):
    return -gi / taui


def neuron_update(ST, _t, _dt):
    ge, gi = ST['ge'], ST['gi']
    ST['ge'] = int_ge(ge, _t)
    ST['gi'] = int_gi(gi, _t)
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > t_ref - 0.5 * _dt:
        v = int_v(ST['V'], _t, ge, gi)
        if v > Vt:
            v = Vr
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['V'] = v


def exc_on_pre(ST, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['ge'][pre2post[i]] += we


def inh_on_pre(ST, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['gi'][pre2post[i]] += wi


lif = bp.NeuType(name='CUBA_LIF',
                 ST=bp.types.NeuState({'V': Vr, 'ge': 0., 'gi': 0., 'spike': 0., 't_last_spike': -1e7}),
                 steps=neuron_update, mode='scalar')
_requires = dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['ge', 'gi']), pre2post=bp.types.ListConn())
exc_synapse = bp.SynType(name='CUBA_exc', ST=bp.types.SynState([]), requires=_requires, steps=exc_on_pre, mode='vector')
inh_synapse = bp.SynType(name='CUBA_inh', ST=bp.types.SynState([]), requires=_requires, steps=inh_on_pre, mode='vector')


def run(duration: float = 1000., N: int = 4000, p: float = 0.02, seed: int = 0) -> dict:
    """Run the network (dt 0.1 ms); returns the spikes (indices, times in ms), size and run time (s)."""
    Ne = int(0.8 * N)
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(lif, N, monitors=['spike'])
        group.ST['V'] = Vr + np.random.default_rng(seed).uniform(size=N) * (Vt - Vr)
        exc = bp.SynConn(exc_synapse, pre_group=group[:Ne], post_group=group, conn=bp.connect.FixedProb(p, seed=seed))
        inh = bp.SynConn(inh_synapse, pre_group=group[Ne:], post_group=group,
                         conn=bp.connect.FixedProb(p, seed=seed + 1))
        net = bp.Network(group, exc, inh)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'n': N, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run()
    print(f"{out['spike_time'].size / out['n']:.2f} Hz, run {out['run_s']:.2f} s")
