"""Brette (2004), Fig. 2A: phase locking of a leaky integrate-and-fire neuron driven by a sinusoidal current
(Brian2's ``frompapers/Brette_2004``).

    tau dv/dt = -v + a + 2 sin(2 pi t / tau),   v > 1: spike, v = 0,   tau = 100 ms,

for ``a`` from 2 to 4 across the neurons. Where the input crosses the threshold (``a < 3``) the neuron almost
always locks to the input, firing ``p`` spikes every ``q`` periods at ``p`` fixed phases: a devil's staircase
of the rotation number ``p / q`` against ``a``.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau = 100.  # ms, also the input's period
dt = 0.1  # ms
LOCKED_PHASES = 10
"""A neuron whose recorded spikes fall on at most this many phases (steps of the period) counts as locked."""


@bp.integrate(method='euler')
def int_v(v, t, a):
    return (-v + a + 2. * np.sin(2. * np.pi * t / tau)) / tau


def update(ST, _t):
    v = int_v(ST['v'], _t, ST['a'])
    spike = v > 1.
    ST['spike'] = spike
    ST['v'] = np.where(spike, 0., v)


neuron = bp.NeuType(name='Brette2004_LIF', ST=bp.types.NeuState({'v': 0., 'a': 0., 'spike': 0.}),
                    steps=update, mode='vector')


def run(duration: float = 5000., N: int = 2000, seed: int = 0) -> dict:
    """``N`` neurons with ``a = linspace(2, 4, N)`` from ``v = 0``: a transient of ``duration`` ms, then
    ``duration`` ms with spikes recorded (Euler, dt 0.1 ms, as the original). Returns the recorded spikes
    (indices, times in ms), ``a``, and the run time of both runs (s)."""
    with bp.profile.override(dt=dt, seed=seed):
        group = bp.NeuGroup(neuron, N, monitors=['spike'])
        group.ST['a'] = np.linspace(2., 4., N)
        net = bp.Network(group)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)  # the transient; the monitor keeps the last run only
        net.run((duration, 2. * duration))
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'a': np.linspace(2., 4., N), 'n': N, 'duration': duration, 'run_s': run_s}


def phase_locking(spike_index: np.ndarray, spike_time: np.ndarray, n: int, duration: float) -> dict:
    """Per neuron the spike count and the number of distinct spike phases (the spike's step modulo the
    period's steps); over neurons the mean rotation number (spikes per period) and the share locked."""
    steps = np.round(np.asarray(spike_time) / dt).astype(int)
    counts = np.bincount(spike_index, minlength=n)
    period = int(round(tau / dt))
    phases = np.array([np.unique(steps[spike_index == k] % period).size for k in range(n)])
    return {'counts': counts, 'phases': phases, 'rotation_mean': float(counts.mean() / (duration / tau)),
            'locked_fraction': float(np.mean(phases <= LOCKED_PHASES))}


if __name__ == '__main__':
    out = run()
    stats = phase_locking(out['spike_index'], out['spike_time'], out['n'], out['duration'])
    print(f"rotation {stats['rotation_mean']:.4f}, locked {stats['locked_fraction']:.3f}, run {out['run_s']:.3f} s")
