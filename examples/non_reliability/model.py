"""Reliability of spike timing under a constant input (Mainen & Sejnowski 1995; Brian2's ``non_reliability``
example): identical leaky integrate-and-fire neurons, all starting at ``x = 0`` under the same constant
drive, each with its own white noise,

    tau dx/dt = 1.1 - x + sigma sqrt(2 tau) xi,   x > 1: spike, x <- 0, refractory 5 ms,

fire together at first, then drift apart: with a constant input the noise accumulates from spike to spike, so
the spike times are not reproducible across trials (neurons).
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau = 20.  # ms
sigma = .015
t_refractory = 5.  # ms


@bp.integrate
def int_x(x, t):
    return (1.1 - x) / tau, sigma * np.sqrt(2. / tau)


def update(ST, _t):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] >= t_refractory:
        x = int_x(ST['x'], _t)
        if x > 1.:
            x = 0.
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['x'] = x


neuron = bp.NeuType(name='NoisyLIF', ST=bp.types.NeuState({'x': 0., 'spike': 0., 't_last_spike': -1e7}),
                    steps=update, mode='scalar')


def run(duration: float = 500., N: int = 25, seed: int = 0) -> dict:
    """``N`` neurons from ``x = 0``, dt 0.1 ms (Euler-Maruyama); returns the spikes and the run time (s)."""
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(neuron, N, monitors=['spike'])
        net = bp.Network(group)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index, dtype=int),
            'spike_time': np.asarray(group.mon.spike_time), 'N': N, 'duration': duration, 'run_s': run_s}


def statistics(out: dict, ranks: tuple = (1, 5, 9)) -> dict:
    """Mean rate (Hz), CV of the interspike intervals (pooled), and the spread (standard deviation over neurons,
    ms) of each neuron's ``k``-th spike time for ``k`` in ``ranks``: it grows with ``k`` (the jitter
    accumulates)."""
    trains = [np.sort(out['spike_time'][out['spike_index'] == k]) for k in range(out['N'])]
    isis = np.concatenate([np.diff(train) for train in trains])
    stats = {'rate_hz': out['spike_index'].size / out['N'] / (out['duration'] / 1000.),
             'cv_isi': float(isis.std() / isis.mean())}
    for k in ranks:
        stats[f'spread_{k}_ms'] = float(np.std([train[k - 1] for train in trains if train.size >= k]))
    return stats


if __name__ == '__main__':
    result = run()
    print({k: round(v, 4) for k, v in statistics(result).items()}, f"run {result['run_s']:.3f} s")
