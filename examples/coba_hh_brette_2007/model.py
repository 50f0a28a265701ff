"""Conductance-based random network of Hodgkin-Huxley neurons (benchmark 3 of Brette et al. 2007,
"Simulation of networks of spiking neurons: a review of tools and strategies"; Brian2's ``COBAHH`` example).

4,000 single-compartment HH neurons (Traub & Miles' rate functions, area 20,000 um^2), the first 3,200
excitatory, connected with probability 0.02 through exponentially decaying conductances:

    Cm dv/dt = gl (El - v) + ge (Ee - v) + gi (Ei - v) - g_na m^3 h (v - ENa) - g_kd n^4 (v - EK)
    dx/dt = alpha_x(v) (1 - x) - beta_x(v) x  (x = m, h, n),   dge/dt = -ge / taue,   dgi/dt = -gi / taui

A spike (v above -20 mV, at most one per 3 ms) adds 6 nS to ``ge`` or 67 nS to ``gi`` of its targets.
Units: mV, ms, nS, pF (nS mV / pF = mV / ms).
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

area = 20000e-8                      # cm^2
Cm = 1e6 * area                      # pF (1 uF/cm^2)
gl, g_na, g_kd = 5e4 * area, 1e8 * area, 3e7 * area   # nS (5e-5, 100e-3, 30e-3 S/cm^2)
El, EK, ENa, VT, Ee, Ei = -60., -90., 50., -63., 0., -80.   # mV
taue, taui = 5., 10.                 # ms
we, wi = 6., 67.                     # nS
V_spike, t_ref = -20., 3.            # mV, ms


@bp.integrate(method='exponential')
def int_m(m, t, V):
    alpha = 0.32 * (13. - V + VT) / (np.exp((13. - V + VT) / 4.) - 1.)
    beta = 0.28 * (V - VT - 40.) / (np.exp((V - VT - 40.) / 5.) - 1.)
    return alpha * (1. - m) - beta * m


@bp.integrate(method='exponential')
def int_h(h, t, V):
    alpha = 0.128 * np.exp((17. - V + VT) / 18.)
    beta = 4. / (1. + np.exp((40. - V + VT) / 5.))
    return alpha * (1. - h) - beta * h


@bp.integrate(method='exponential')
def int_n(n, t, V):
    alpha = 0.032 * (15. - V + VT) / (np.exp((15. - V + VT) / 5.) - 1.)
    beta = 0.5 * np.exp((10. - V + VT) / 40.)
    return alpha * (1. - n) - beta * n


@bp.integrate(method='exponential')
def int_V(V, t, m, h, n, ge, gi):
    I = gl * (El - V) + ge * (Ee - V) + gi * (Ei - V) - g_na * m ** 3 * h * (V - ENa) - g_kd * n ** 4 * (V - EK)
    return I / Cm


@bp.integrate(method='exponential')
def int_ge(ge, t):
    return -ge / taue


@bp.integrate(method='exponential')
def int_gi(gi, t):
    return -gi / taui


def neuron_update(ST, _t, _dt):
    V, m, h, n = ST['V'], ST['m'], ST['h'], ST['n']
    ST['V'] = int_V(V, _t, m, h, n, ST['ge'], ST['gi'])
    ST['m'] = int_m(m, _t, V)
    ST['h'] = int_h(h, _t, V)
    ST['n'] = int_n(n, _t, V)
    ST['ge'] = int_ge(ST['ge'], _t)
    ST['gi'] = int_gi(ST['gi'], _t)
    ST['spike'] = 0.
    if ST['V'] > V_spike and _t - ST['t_last_spike'] > t_ref - 0.5 * _dt:
        ST['spike'] = 1.
        ST['t_last_spike'] = _t


def exc_update(ST, _t, pre, post):
    if pre['spike'] > 0.:
        post['ge'] += we


def inh_update(ST, _t, pre, post):
    if pre['spike'] > 0.:
        post['gi'] += wi


hh = bp.NeuType(name='COBA_HH', ST=bp.types.NeuState({'V': El, 'm': 0., 'h': 0., 'n': 0., 'ge': 0., 'gi': 0.,
                                                      'spike': 0., 't_last_spike': -1e7}),
                steps=neuron_update, mode='scalar')
_requires = dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['ge', 'gi']))
exc_synapse = bp.SynType(name='COBA_HH_exc', ST=bp.types.SynState([]), requires=_requires, steps=exc_update,
                         mode='scalar')
inh_synapse = bp.SynType(name='COBA_HH_inh', ST=bp.types.SynState([]), requires=_requires, steps=inh_update,
                         mode='scalar')


def run(duration: float = 1000., N: int = 4000, p: float = 0.02, seed: int = 0) -> dict:
    """Run the network (dt 0.1 ms) from Brian2's example's random start (v about El - 5 mV, ge about 40 nS,
    gi about 200 nS; m, h, n at 0); returns the spikes (indices, times in ms), v of neurons 1, 10 and 100,
    size and run time (s)."""
    Ne = int(0.8 * N)
    rng = np.random.default_rng(seed)
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(hh, N, monitors=['spike', ('V', [1, 10, 100])])
        group.ST['V'] = El + rng.normal(size=N) * 5. - 5.
        group.ST['ge'] = (rng.normal(size=N) * 1.5 + 4.) * 10.
        group.ST['gi'] = (rng.normal(size=N) * 12. + 20.) * 10.
        exc = bp.SynConn(exc_synapse, pre_group=group[:Ne], post_group=group, conn=bp.connect.FixedProb(p, seed=seed))
        inh = bp.SynConn(inh_synapse, pre_group=group[Ne:], post_group=group,
                         conn=bp.connect.FixedProb(p, seed=seed + 1))
        net = bp.Network(group, exc, inh)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'V': np.asarray(group.mon.V), 'ts': np.asarray(group.mon.ts), 'n': N, 'duration': duration,
            'run_s': run_s}


def run_alone(duration: float = 100., V: float = -65., ge: float = 100., gi: float = 20.) -> dict:
    """One unconnected neuron from ``V`` (mV), ``ge`` and ``gi`` (nS), m = h = n = 0, for ``duration`` ms at
    dt 0.1 ms: its v (mV) every step and its spike times (ms)."""
    with bp.profile.override(dt=0.1):
        group = bp.NeuGroup(hh, 1, monitors=['spike', 'V'])
        group.ST['V'], group.ST['ge'], group.ST['gi'] = V, ge, gi
        bp.Network(group).run(duration)
    return {'V': np.asarray(group.mon.V)[:, 0], 'spike_time': np.asarray(group.mon.spike_time)}


if __name__ == '__main__':
    out = run()
    print(f"{out['spike_time'].size / out['n']:.2f} Hz, run {out['run_s']:.2f} s")
