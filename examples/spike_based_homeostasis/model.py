"""Spike-based homeostasis (after O. Breitwieser, "Towards a neuromorphic implementation of spike-based
expectation maximization"; Brian2's ``advanced/spike_based_homeostasis`` example, S. Schmitt 2021).

Two leaky neurons (``tau dv/dt = -v``, not while refractory, 1 ms; threshold 1, reset -1) receive a Poisson
input whose rate steps every 10 s through 25, 50, 0 and 35 Hz (weight 2). One of them also receives a steady
50 Hz Poisson input through a plastic synapse: a presynaptic spike first adds ``w`` to ``v``, then raises
``w`` by ``dw_plus``; a postsynaptic spike lowers it by ``dw_minus`` (``w`` in [0, w_max]). The plastic
weight keeps that neuron's rate near ``dw_plus / dw_minus`` times the steady rate whatever the varying input
does, while the other neuron follows the varying input. ``n`` copies of the pair run side by side.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau, t_ref = 10., 1.  # ms
dw_plus, dw_minus, w_max, w_fixed = 0.05, 0.05, 2., 2.
steady_rate = 50.  # Hz
VARYING_RATES = (25., 50., 0., 35.)  # Hz, 10 s each
SEGMENT = 10000.  # ms


@bp.integrate(method='euler')
def int_v(v, t):
    return -v / tau


def neuron_update(ST, _t, _dt):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > t_ref - 0.5 * _dt:  # refractory for whole steps, as Brian2 counts them
        v = int_v(ST['v'], _t)
        if v > 1.:
            v = -1.
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['v'] = v


def static_update(ST, pre, post):
    if pre['spike'] > 0.:
        post['v'] += w_fixed


def plastic_update(ST, pre, post):
    if pre['spike'] > 0.:
        post['v'] += ST['w']
        ST['w'] = min(max(ST['w'] + dw_plus, 0.), w_max)
    if post['spike'] > 0.:
        ST['w'] = min(max(ST['w'] - dw_minus, 0.), w_max)


neuron = bp.NeuType(name='Homeostasis_neuron', ST=bp.types.NeuState({'v': 0., 'spike': 0., 't_last_spike': -1e7}),
                    steps=neuron_update, mode='scalar')
_requires = dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['v', 'spike']))
static = bp.SynType(name='Homeostasis_static', ST=bp.types.SynState([]), requires=_requires, steps=static_update,
                    mode='scalar')
plastic = bp.SynType(name='Homeostasis_plastic', ST=bp.types.SynState({'w': 0.}), requires=_requires,
                     steps=plastic_update, mode='scalar')


def run(n: int = 1, rates: tuple = VARYING_RATES, segment: float = SEGMENT, seed: int = 0) -> dict:
    """``n`` pairs of neurons (dt 0.1 ms), one segment of ``segment`` ms per varying rate; returns the spikes
    of the neurons with and without homeostasis (indices, times in ms), the plastic weights at the end of
    each segment, and the run time (s)."""
    with bp.profile.override(dt=0.1, seed=seed):
        steady = bp.inputs.PoissonInput(n, freqs=np.full(n, steady_rate))
        varying = bp.inputs.PoissonInput(n, freqs=np.full(n, rates[0]))
        with_h = bp.NeuGroup(neuron, n, monitors=['spike'])
        without_h = bp.NeuGroup(neuron, n, monitors=['spike'])
        one_to_one = bp.connect.One2One
        objects = [steady, varying, with_h, without_h,
                   bp.SynConn(plastic, pre_group=steady, post_group=with_h, conn=one_to_one()),
                   bp.SynConn(static, pre_group=varying, post_group=with_h, conn=one_to_one()),
                   bp.SynConn(static, pre_group=varying, post_group=without_h, conn=one_to_one())]
        synapse = objects[4]
        net = bp.Network(*objects)
        spikes = {'with': ([], []), 'without': ([], [])}
        weights, run_s = [], 0.
        for k, rate in enumerate(rates):
            varying.pars['freqs'] = np.full(n, rate)
            window = (k * segment, (k + 1) * segment)  # the clock runs on: each run continues the last
            net.build(window)
            t0 = time.perf_counter()
            net.run(window)
            run_s += time.perf_counter() - t0
            for key, group in (('with', with_h), ('without', without_h)):
                spikes[key][0].append(np.asarray(group.mon.spike_index))  # the monitors hold the last run
                spikes[key][1].append(np.asarray(group.mon.spike_time))
            weights.append(np.asarray(synapse.ST['w']).copy())
    out = {f'{key}_{part}': np.concatenate(spikes[key][j])
           for key in spikes for j, part in enumerate(('index', 'time'))}
    return {**out, 'w': np.array(weights), 'n': n, 'rates': rates, 'segment': segment, 'run_s': run_s}


def segment_rates(index: np.ndarray, times: np.ndarray, n: int, segments: int, segment: float) -> np.ndarray:
    """Mean rate (Hz) of ``n`` neurons in each of ``segments`` consecutive windows of ``segment`` ms."""
    counts = np.histogram(np.asarray(times), bins=np.arange(segments + 1) * segment)[0]
    return counts / n / (segment / 1000.)


if __name__ == '__main__':
    out = run(n=10)
    for key in ('with', 'without'):
        print(key, segment_rates(out[f'{key}_index'], out[f'{key}_time'], 10, 4, SEGMENT))
    print('w', out['w'].mean(axis=1), f"run {out['run_s']:.2f} s")
