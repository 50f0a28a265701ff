"""Morris & Lecar (1981), Fig. 9: the reduced (V, n) model of the barnacle giant muscle fiber under 17 steady
currents, from rest through oscillations to depolarisation block (Brian2's ``frompapers/Morris_Lecar_1981``).

    C dV/dt = I - g_L (V - V_L) - g_Ca m_inf(V) (V - V_Ca) - g_K n (V - V_K),
    dn/dt = lambda_n_max cosh((V - V_3) / (2 V_4)) (n_inf(V) - n)

with ``m_inf = (1 + tanh((V - V_1) / V_2)) / 2`` and ``n_inf = (1 + tanh((V - V_3) / V_4)) / 2``: the
library's ``bp.models.get_MorrisLecar`` with the paper's parameters (its ``phi`` is ``lambda_n_max``, its
``w`` the paper's ``n``). Units: mV, ms, uA, uF, mS.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

#: Fig. 9's parameters (V_2 = 15 mV: the figure caption's -15 mV is a typo)
PARAMETERS = dict(C=20., g_Ca=4., g_K=8., g_Leak=2., E_Ca=100., E_K=-70., E_Leak=-50., V1=10., V2=15., V3=-1.,
                  V4=14.5, phi=1. / 15.)
CURRENTS = np.arange(17) * 25. + 100.  # uA


def n_inf(V: np.ndarray) -> np.ndarray:
    """Steady-state potassium activation at ``V`` (mV)."""
    return 0.5 * (1. + np.tanh((V - PARAMETERS['V3']) / PARAMETERS['V4']))


def run(duration: float = 220., currents: np.ndarray = CURRENTS, method: str = 'exponential',
        seed: int = 0) -> dict:
    """One neuron per current (uA), from rest (``V = V_L``, ``n = n_inf(V_L)``), dt 0.01 ms; returns the
    potential traces (time x neuron), the upward crossings of 0 mV (indices, times in ms) and the run time (s)."""
    currents = np.asarray(currents, dtype=float)
    with bp.profile.override(dt=0.01, seed=seed):
        model = bp.models.get_MorrisLecar(**PARAMETERS, V_th=0., method=method)
        group = bp.NeuGroup(model, len(currents), monitors=['spike', 'V'])
        group.ST['V'] = PARAMETERS['E_Leak']
        group.ST['w'] = n_inf(np.full(len(currents), PARAMETERS['E_Leak']))
        net = bp.Network(group)
        net.build(duration, inputs=(group, 'ST.input', currents))
        t0 = time.perf_counter()
        net.run(duration, inputs=(group, 'ST.input', currents))
        run_s = time.perf_counter() - t0
    return {'V': np.asarray(group.mon.V), 'spike_index': np.asarray(group.mon.spike_index),
            'spike_time': np.asarray(group.mon.spike_time), 'currents': currents, 'n': len(currents),
            'duration': duration, 'run_s': run_s}


def trace_features(V: np.ndarray, last: int = 10000) -> dict:
    """Per neuron: the minimum, maximum and mean of ``V`` over its last ``last`` samples (mV)."""
    tail = np.asarray(V)[-last:]
    return {'v_min': tail.min(axis=0), 'v_max': tail.max(axis=0), 'v_mean': tail.mean(axis=0)}


if __name__ == '__main__':
    out = run()
    print(np.bincount(out['spike_index'], minlength=out['n']), f"run {out['run_s']:.3f} s")
