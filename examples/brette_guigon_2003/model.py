"""Reliability of spike timing (Brette & Guigon 2003, Fig. 10D,E; Brian2's ``frompapers/Brette_Guigon_2003``).

``N`` non-physiological neurons, leaky or anti-leaky depending on the sign of their input,

    tau dv/dt = v I + 1 + sigma sqrt(2 tau) xi,   I = 0.5 + 3 p B(t),   B = tanh(x)

(threshold 1, reset 0), all driven by the same fluctuating input ``x`` (an Ornstein-Uhlenbeck process,
``taux dx/dt = -x + sqrt(2 taux) xi``) and differing only in the gain ``p = i / N``. Spike timing is
reproducible across neurons, robust to the change of ``p``, and most precise where the input crosses the
threshold (``p`` above 0.5).
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau, taux, sigma = 33., 20., 0.02  # ms, ms, 1


@bp.integrate(method='euler')
def int_v(v, t, I):
    return (v * I + 1.) / tau, sigma * np.sqrt(2. / tau)


def update(ST, _t):
    v = int_v(ST['v'], _t, 0.5 + 3. * ST['p'] * ST['B'])
    ST['spike'] = 0.
    if v > 1.:
        v = 0.
        ST['spike'] = 1.
    ST['v'] = v


neuron = bp.NeuType(name='BretteGuigon', ST=bp.types.NeuState({'v': 0., 'p': 0., 'B': 0., 'spike': 0.}),
                    steps=update, mode='scalar')


def shared_input(n_steps: int, dt: float, rng: np.random.Generator) -> np.ndarray:
    """``B = tanh(x)`` at each step, ``x`` an Ornstein-Uhlenbeck process from 0 (Euler-Maruyama, as Brian2)."""
    x = np.empty(n_steps)
    x[0] = 0.
    kicks = np.sqrt(2. / taux * dt) * rng.standard_normal(n_steps - 1)
    for k in range(n_steps - 1):
        x[k + 1] = x[k] - x[k] / taux * dt + kicks[k]
    return np.tanh(x)


def run(duration: float = 1000., N: int = 500, seed: int = 0) -> dict:
    """Run the neurons (dt 0.1 ms) from uniformly random ``v``; returns the spikes (indices, times in ms), the
    gains ``p``, the shared input ``B`` per step and the run time (s)."""
    rng = np.random.default_rng(seed)
    with bp.profile.override(dt=0.1, seed=seed):
        n_steps = int(round(duration / 0.1))
        B = shared_input(n_steps, 0.1, rng)
        group = bp.NeuGroup(neuron, N, monitors=['spike'])
        group.ST['p'] = np.arange(N) / N
        group.ST['v'] = rng.uniform(size=N)
        net = bp.Network(group)
        inputs = (group, 'ST.B', B, '=')  # one value per step, the same for every neuron
        net.build(duration, inputs=inputs)
        t0 = time.perf_counter()
        net.run(duration, inputs=inputs)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'p': np.arange(N) / N, 'B': B, 'n': N, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run()
    print(f"{out['spike_time'].size / out['n']:.1f} Hz, run {out['run_s']:.3f} s")
