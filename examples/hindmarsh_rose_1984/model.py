"""Hindmarsh & Rose (1984), "A model of neuronal bursting using three coupled first order differential
equations", Fig. 6 (Brian2's ``frompapers/Hindmarsh_Rose_1984`` example):

    dx/dt = y - a x^3 + b x^2 + I - z,   dy/dt = c - d x^2 - y,   dz/dt = r (s (x - x_1) - z)

(arbitrary time units, here ms), started at the equilibrium of the model without adaptation, under three
constant currents: I = 0.4 gives an isolated burst, 2 periodic bursting, 4 tonic firing.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

x_1, a, b, c, d, r, s = -1.6, 1., 3., 1., 5., 0.001, 4.
I = 0.4  # per-neuron array through group.pars['I']


def derivatives(x, y, z, I_ext):
    return (y - a * x ** 3 + b * x ** 2 + I_ext - z, c - d * x ** 2 - y, r * (s * (x - x_1) - z))


def update(ST, _dt):
    # classical RK4 on the coupled system (the spec's integrators step one variable with the others frozen)
    x, y, z = ST['x'], ST['y'], ST['z']
    k1x, k1y, k1z = derivatives(x, y, z, I)
    k2x, k2y, k2z = derivatives(x + 0.5 * _dt * k1x, y + 0.5 * _dt * k1y, z + 0.5 * _dt * k1z, I)
    k3x, k3y, k3z = derivatives(x + 0.5 * _dt * k2x, y + 0.5 * _dt * k2y, z + 0.5 * _dt * k2z, I)
    k4x, k4y, k4z = derivatives(x + _dt * k3x, y + _dt * k3y, z + _dt * k3z, I)
    x_new = x + _dt / 6. * (k1x + 2. * k2x + 2. * k3x + k4x)
    ST['spike'] = 0.
    if x < 1. and x_new >= 1.:
        ST['spike'] = 1.
    ST['x'] = x_new
    ST['y'] = y + _dt / 6. * (k1y + 2. * k2y + 2. * k3y + k4y)
    ST['z'] = z + _dt / 6. * (k1z + 2. * k2z + 2. * k3z + k4z)


hindmarsh_rose = bp.NeuType(name='HindmarshRose', ST=bp.types.NeuState({'x': x_1, 'y': c - d * x_1 ** 2, 'z': 0.,
                                                                        'spike': 0.}),
                            steps=update, mode='scalar')


def run(duration: float = 2100., currents=(0.4, 2., 4.), seed: int = 0) -> dict:
    """One neuron per current, dt 0.1 (time unit: ms); returns x of every neuron, its times, the spikes
    (upward crossings of x = 1: indices, times) and the run time (s)."""
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(hindmarsh_rose, len(currents), monitors=['x', 'spike'])
        group.pars['I'] = np.asarray(currents, dtype=float)
        net = bp.Network(group)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'x': np.asarray(group.mon.x), 'ts': np.asarray(group.mon.ts),
            'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'n': len(currents), 'run_s': run_s}


if __name__ == '__main__':
    out = run()
    print(np.bincount(out['spike_index'], minlength=3), out['x'].mean(axis=0))
