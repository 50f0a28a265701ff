"""Platkiewicz & Brette (2011), Fig. 5E,F: the spike threshold follows the depolarisation slope in a model
whose threshold adapts to the membrane potential (Brian2's ``frompapers/Platkiewicz_Brette_2011``).

    tau dv/dt = EL - v + mu + sigma I,    tauh dtheta/dt = vT + a [v - Vi]+ - theta,
    dI = -I / tauI dt + sqrt(2 / tauI) dW   (an Ornstein-Uhlenbeck input),

with a spike when ``v > theta`` (then ``v <- EL``; no spike for 5 ms after one). Fast depolarisations outrun the
threshold, slow ones drag it up: the potential at which a neuron fires falls as the slope of its depolarisation
before the spike rises. Units: mV, ms.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.stats import linregress

import bp_core as bp

ENa, EL, vT, Vi = 60., -70., -55., -63.  # mV
tauh = tau = tauI = 5.  # ms
ka, ki = 5., 6.  # mV
a = ka / ki
mu = 15.  # mV
sigma = 6. / np.sqrt(tauI / (tauI + tau))  # mV
refractory = 5.  # ms


@bp.integrate(method='euler')
def int_v(v, t, I):
    return (EL - v + mu + sigma * I) / tau


@bp.integrate(method='euler')
def int_theta(theta, t, v):
    return (vT + a * np.clip(v - Vi, 0., np.inf) - theta) / tauh


@bp.integrate(method='euler')
def int_I(I, t):
    return -I / tauI, np.sqrt(2. / tauI)


def update(ST, _t, _dt):
    v = int_v(ST['v'], _t, ST['I'])
    ST['theta'] = int_theta(ST['theta'], _t, ST['v'])
    ST['I'] = int_I(ST['I'], _t)
    ST['spike'] = 0.
    # refractory for whole steps, as Brian2 counts them; the potential keeps integrating meanwhile
    if v > ST['theta'] and _t - ST['t_last_spike'] > refractory - 0.5 * _dt:
        v = EL
        ST['spike'] = 1.
        ST['t_last_spike'] = _t
    ST['v'] = v


neuron = bp.NeuType(name='adaptive_threshold_neuron',
                    ST=bp.types.NeuState({'v': EL, 'theta': vT, 'I': 0., 'spike': 0., 't_last_spike': -1e7}),
                    steps=update, mode='scalar')


def slope_threshold(v: np.ndarray, ts: np.ndarray, spike_index: np.ndarray, spike_time: np.ndarray,
                    dt: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Brian2's analysis: for each spike at ``t``, the potential recorded over ``(t - tauh, t)`` (``v``: steps by
    neurons, at the start of each step at times ``ts``), its slope by linear regression (mV/ms) and its last
    value (the threshold, mV)."""
    tx = ts[(ts > 0.) & (ts < 1.5 * tauh)]
    slope, threshold = [], []
    for i, t in zip(spike_index, spike_time):
        mx = v[(ts < t - 1e-9) & (ts > t - tauh + 1e-9), i]
        slope.append(linregress(tx[:mx.size], mx).slope)
        threshold.append(mx[-1])
    return np.asarray(slope), np.asarray(threshold)


def run(duration: float = 1000., N: int = 200, seed: int = 0) -> dict:
    """``N`` neurons from ``v = EL``, ``theta = vT``, ``I = 0``, dt 0.1 ms, for ``duration`` ms. Returns the
    spikes (indices, times in ms), the depolarisation slope (mV/ms) and threshold (mV) before each spike, and the
    run time (s)."""
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(neuron, N, monitors=['spike', 'v'])
        net = bp.Network(group)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    # the monitors record after each step; Brian2's record at its start: the initial state, then all but the last
    v = np.vstack([np.full((1, N), EL), np.asarray(group.mon.v)[:-1]])
    ts = np.asarray(group.mon.ts)  # the times of the starts of steps 0, 1, ..., as Brian2's
    index, times = np.asarray(group.mon.spike_index), np.asarray(group.mon.spike_time)
    slope, threshold = slope_threshold(v, ts, index, times)
    return {'spike_index': index, 'spike_time': times, 'slope': slope, 'threshold': threshold,
            'n': N, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run()
    r = np.corrcoef(out['slope'], out['threshold'])[0, 1]
    print(f"{out['spike_time'].size / out['n'] / out['duration'] * 1000.:.1f} Hz, threshold "
          f"{out['threshold'].mean():.2f} mV, slope {out['slope'].mean():.2f} mV/ms, r = {r:.3f}, "
          f"run {out['run_s']:.3f} s")
