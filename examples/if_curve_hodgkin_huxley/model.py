"""Input-frequency curve of Hodgkin-Huxley neurons (Traub & Miles' rate functions, as in Brette et al. 2007's
COBA-HH benchmark; Brian2's ``IF_curve_Hodgkin_Huxley`` example).

    Cm dv/dt = gl (El - v) - gNa m^3 h (v - ENa) - gK n^4 (v - EK) + I
    dm/dt = am (1 - m) - bm m,  dn/dt = an (1 - n) - bn n,  dh/dt = ah (1 - h) - bh h

with a different constant current ``I`` for each of ``N`` unconnected neurons, from 0 to 0.7 nA. A spike is
counted where ``v`` crosses -40 mV upwards; the count over ``duration`` gives the firing rate against ``I``
(a type II curve: no firing below the rheobase, then a jump to tens of Hz).
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

area = 20000e-8  # cm^2 (20,000 um^2)
Cm = 1. * area  # uF
gl = 5e-5 * area * 1e3  # mS
El, EK, ENa = -65., -90., 50.  # mV
g_na = 100. * area  # mS
g_kd = 30. * area  # mS
VT = -63.  # mV
V_spike = -40.  # mV, the threshold of the spike count
I_max = 0.7e-3  # uA (0.7 nA): with mS, mV and uF the currents are in uA and time in ms


@bp.integrate(method='exponential')
def int_v(v, t, m, h, n, I):
    return (gl * (El - v) - g_na * m * m * m * h * (v - ENa) - g_kd * n * n * n * n * (v - EK) + I) / Cm


@bp.integrate(method='exponential')
def int_m(m, t, v):
    alpha = 0.32 * (13. - v + VT) / (np.exp((13. - v + VT) / 4.) - 1.)
    beta = 0.28 * (v - VT - 40.) / (np.exp((v - VT - 40.) / 5.) - 1.)
    return alpha * (1. - m) - beta * m


@bp.integrate(method='exponential')
def int_n(n, t, v):
    alpha = 0.032 * (15. - v + VT) / (np.exp((15. - v + VT) / 5.) - 1.)
    beta = .5 * np.exp((10. - v + VT) / 40.)
    return alpha * (1. - n) - beta * n


@bp.integrate(method='exponential')
def int_h(h, t, v):
    alpha = 0.128 * np.exp((17. - v + VT) / 18.)
    beta = 4. / (1. + np.exp((40. - v + VT) / 5.))
    return alpha * (1. - h) - beta * h


def update(ST, _t):
    v, m, h, n = ST['v'], ST['m'], ST['h'], ST['n']
    # every variable steps from the values at the step's start
    ST['v'] = int_v(v, _t, m, h, n, ST['I'])
    ST['m'] = int_m(m, _t, v)
    ST['h'] = int_h(h, _t, v)
    ST['n'] = int_n(n, _t, v)
    ST['spike'] = 0.
    if v <= V_spike < ST['v']:
        ST['spike'] = 1.


neuron = bp.NeuType(name='HH_IF_curve',
                    ST=bp.types.NeuState({'v': El, 'm': 0., 'h': 0., 'n': 0., 'I': 0., 'spike': 0.}),
                    steps=update, mode='scalar')


def run(duration: float = 2000., N: int = 100, seed: int = 0) -> dict:
    """``N`` neurons from ``v = El`` (gates at 0, as the original's defaults) with ``I = I_max * i / N``, dt 0.1
    ms; returns the spike counts, the currents (nA), ``v`` of the last neuron every 1 ms (mV) and the run time
    (s)."""
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(neuron, N, monitors=['spike', bp.Monitor('v', indices=[N - 1], interval=1.)])
        group.ST['I'] = I_max * np.arange(N) / N
        net = bp.Network(group)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    counts = np.bincount(np.asarray(group.mon.spike_index, dtype=int), minlength=N)
    return {'counts': counts, 'I_nA': I_max * 1e3 * np.arange(N) / N, 'v_trace': np.asarray(group.mon.v)[:, 0],
            'v_trace_t': np.asarray(group.mon.v_time), 'duration': duration, 'run_s': run_s}


def if_curve(out: dict) -> dict:
    """Rates (Hz), the rheobase (the smallest current that fires, nA) and the rate at the largest current."""
    rates = out['counts'] / (out['duration'] / 1000.)
    firing = np.flatnonzero(out['counts'] > 0)
    return {'rates': rates, 'rheobase_nA': float(out['I_nA'][firing[0]]) if firing.size else float('nan'),
            'rate_max_hz': float(rates[-1]), 'rate_mean_hz': float(rates.mean())}


if __name__ == '__main__':
    result = run()
    curve = if_curve(result)
    print(f"rheobase {curve['rheobase_nA']:.3f} nA, rate at {result['I_nA'][-1]:.3f} nA {curve['rate_max_hz']:.1f} Hz,"
          f" mean {curve['rate_mean_hz']:.2f} Hz, run {result['run_s']:.3f} s")
