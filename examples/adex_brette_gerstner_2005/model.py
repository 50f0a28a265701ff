"""The adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005; Brian2's
``frompapers/Brette_Gerstner_2005`` example) under a 1 nA current step:

    C dV/dt = gL (EL - V) + gL DeltaT exp((V - VT) / DeltaT) + I - w,   tauw dw/dt = a (V - EL) - w
    V > VT + 5 DeltaT:  V <- Vr,  w <- w + b

(pF, nS, mV, pA, ms). Three firing patterns of the paper: regular spiking with adaptation, bursting, fast
spiking.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

C, gL, EL, VT, DeltaT = 281., 30., -70.6, -50.4, 2.   # pF, nS, mV, mV, mV
Vcut = VT + 5 * DeltaT
#: (tauw ms, a nS, b pA, Vr mV) of each firing pattern
PATTERNS = {'regular': (144., 4., 80.5, -70.6), 'bursting': (20., 4., 500., VT + 5.),
            'fast': (144., 2 * C / 144., 0., -70.6)}
tauw, a, b, Vr = PATTERNS['regular']


@bp.integrate(method='euler')
def int_V(V, t, w, I):
    return (gL * (EL - V) + gL * DeltaT * np.exp((V - VT) / DeltaT) + I - w) / C


@bp.integrate(method='euler')
def int_w(w, t, V):
    return (a * (V - EL) - w) / tauw


def update(ST, _t):
    V = int_V(ST['V'], _t, ST['w'], ST['input'])
    w = int_w(ST['w'], _t, ST['V'])
    ST['spike'] = 0.
    if V > Vcut:
        V = Vr
        w += b
        ST['spike'] = 1.
    ST['V'] = V
    ST['w'] = w
    ST['input'] = 0.


adex = bp.NeuType(name='AdEx', ST=bp.types.NeuState({'V': EL, 'w': 0., 'input': 0., 'spike': 0.}), steps=update,
                  mode='scalar')


def run(pattern: str = 'regular', amplitude: float = 1000., seed: int = 0) -> dict:
    """20 ms at rest, ``amplitude`` pA for 100 ms, 20 ms at rest (dt 0.1 ms); returns V, its times, the spike
    times (ms) and the run time (s)."""
    p_tauw, p_a, p_b, p_Vr = PATTERNS[pattern]
    with bp.profile.override(dt=0.1, seed=seed):
        current, duration = bp.inputs.constant_current([(0., 20.), (amplitude, 100.), (0., 20.)])
        group = bp.NeuGroup(adex, 1, monitors=['spike', 'V'], pars_update=dict(tauw=p_tauw, a=p_a, b=p_b, Vr=p_Vr))
        net = bp.Network(group)
        net.build(duration, inputs=(group, 'ST.input', current))
        t0 = time.perf_counter()
        net.run(duration, inputs=(group, 'ST.input', current))
        run_s = time.perf_counter() - t0
    return {'V': np.asarray(group.mon.V)[:, 0], 'ts': np.asarray(group.mon.ts),
            'spike_time': np.asarray(group.mon.spike_time), 'run_s': run_s}


if __name__ == '__main__':
    for name in PATTERNS:
        print(name, np.round(run(name)['spike_time'], 1))
