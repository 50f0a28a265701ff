"""Calcium-based synaptic plasticity (Graupner & Brunel 2012, PNAS 109:3991, Fig. 2C, panel DP; Brian2's
``frompapers/Graupner_Brunel_2012``): a synapse's efficacy ``rho`` is bistable (states 0 and 1) and moves with
the calcium ``c`` that pre- and postsynaptic spikes bring,

    tau drho/dt = -rho (1 - rho) (rho* - rho) + gamma_p (1 - rho) [c > theta_p] - gamma_d rho [c > theta_d]
                  + sigma sqrt(tau) sqrt([c > theta_p] + [c > theta_d]) xi
    dc/dt = -c / tau_Ca,   presynaptic spike (after D = 13.7 ms): c += C_pre,   postsynaptic spike: c += C_post

A pre-post pair 60 times at 1 Hz switches some synapses from DOWN to UP (probability ``U``) and others from UP
to DOWN (``D``); with UP synapses ``b`` = 5 times stronger than DOWN ones and half the synapses DOWN at the
start, the mean strength changes by ``((1 - U) beta + D (1 - beta) + b (U beta + (1 - D)(1 - beta))) /
(beta + (1 - beta) b)`` as a function of the pair's time difference: the STDP curve.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau = 150000.  # ms (150 s)
tau_Ca = 20.  # ms
rho_star = .5
gamma_p, theta_p = 321.808, 1.3
gamma_d, theta_d = 200., 1.
sigma = 2.8284
C_pre, C_post = 1., 2.
D = 13.7  # ms, the delay of the presynaptic spikes' calcium
PAIRING_PERIOD = 1000.  # ms
T_PRE = 100.  # ms, the first presynaptic spike: t > T_PRE
BETA, B = .5, 5.  # DOWN share at the start, UP / DOWN strength


def spike_update(ST, _t):
    ST['spike'] = 0.
    if _t > ST['t_first'] and _t - ST['t_last_spike'] >= PAIRING_PERIOD:
        ST['spike'] = 1.
        ST['t_last_spike'] = _t


@bp.integrate(method='heun')
def int_rho(rho, t, c):
    potentiating = c > theta_p
    depressing = c > theta_d
    drift = (-rho * (1. - rho) * (rho_star - rho) + gamma_p * (1. - rho) * potentiating
             - gamma_d * rho * depressing) / tau
    return drift, sigma * np.sqrt(tau) * np.sqrt(depressing + potentiating) / tau


@bp.integrate(method='heun')
def int_c(c, t):
    return -c / tau_Ca


def synapse_update(ST, _t, pre, post):
    ST['pre_spike'] = pre['spike']
    c = ST['c']
    ST['rho'] = int_rho(ST['rho'], _t, c)
    c = int_c(c, _t)
    if post['spike'] > 0.:
        c += C_post
    ST['c'] = c


@bp.delayed
def on_pre(ST, _t):
    if ST['pre_spike'] > 0.:
        ST['c'] += C_pre


spike_generator = bp.NeuType(name='PeriodicSpikes',
                             ST=bp.types.NeuState({'t_first': 0., 't_last_spike': -1e7, 'spike': 0.}),
                             steps=spike_update, mode='scalar')
calcium_synapse = bp.SynType(name='CalciumPlasticity', ST=bp.types.SynState({'rho': 0., 'c': 0., 'pre_spike': 0.}),
                             requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['spike'])),
                             steps=(synapse_update, on_pre), mode='scalar')


def run(duration: float = 60000., dts: tuple = (-100., -30., 10.), repetitions: int = 100,
        seed: int = 0) -> dict:
    """One presynaptic neuron firing at ``t > 100`` ms every second; for each time difference ``dt`` in ``dts``
    (ms), ``2 * repetitions`` postsynaptic neurons firing at ``t > 100 + dt`` every second, each with one
    synapse from it, half of them starting DOWN (``rho = 0``) and half UP (``rho = 1``). dt 0.1 ms, Heun.
    Returns the final and initial ``rho`` per synapse, the time difference of each, and the run time (s)."""
    dts = np.asarray(dts, dtype=float)
    n = dts.size * 2 * repetitions
    pair_dt = np.repeat(dts, 2 * repetitions)
    rho_initial = np.tile(np.repeat([0., 1.], repetitions), dts.size)
    with bp.profile.override(dt=0.1, seed=seed):
        pre = bp.NeuGroup(spike_generator, 1)
        pre.ST['t_first'] = T_PRE
        post = bp.NeuGroup(spike_generator, n)
        post.ST['t_first'] = T_PRE + pair_dt
        synapses = bp.SynConn(calcium_synapse, pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                              delay=D)
        synapses.ST['rho'] = rho_initial
        net = bp.Network(pre, post, synapses)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'rho': np.asarray(synapses.ST['rho']).copy(), 'rho_initial': rho_initial, 'pair_dt': pair_dt,
            'dts': dts, 'run_s': run_s}


def switching(out: dict) -> dict:
    """Per time difference the probabilities of switching up (``U``) and down (``D``) and the change in mean
    synaptic strength (after / before)."""
    stats = {'U': [], 'D': [], 'change': []}
    for dt in out['dts']:
        mine = out['pair_dt'] == dt
        up = float(np.mean(out['rho'][mine & (out['rho_initial'] < .5)] > .5))
        down = float(np.mean(out['rho'][mine & (out['rho_initial'] > .5)] < .5))
        stats['U'].append(up)
        stats['D'].append(down)
        stats['change'].append(((1 - up) * BETA + down * (1 - BETA) + B * (up * BETA + (1 - down) * (1 - BETA)))
                               / (BETA + (1 - BETA) * B))
    return {k: np.asarray(v) for k, v in stats.items()}


if __name__ == '__main__':
    result = run()
    print({k: np.round(v, 3).tolist() for k, v in switching(result).items()}, f"run {result['run_s']:.2f} s")
