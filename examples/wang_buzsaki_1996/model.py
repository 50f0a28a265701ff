"""The Wang & Buzsaki (1996) interneuron under a constant current (Brian2's ``frompapers/Wang_Buszaki_1996``
example): a Hodgkin-Huxley-type fast-spiking cell with instantaneous sodium activation,

    C dV/dt = -g_Na m_inf(V)^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L) + I_app
    dh/dt = phi (alpha_h (1 - h) - beta_h h),   dn/dt = phi (alpha_n (1 - n) - beta_n n),   phi = 5

(mV, ms, uA/cm^2, mS/cm^2), written once in the model library (``bp.models.get_WangBuzsaki``) and used here
as a user would: a group, a current input, a voltage monitor.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp


def run(duration: float = 100., I_app: float = 2., num: int = 1, seed: int = 0) -> dict:
    """``num`` neurons from V = -70 mV, h = 1, n = 0 under ``I_app`` uA/cm^2 for ``duration`` ms at
    dt = 0.01 ms (exponential Euler, as Brian2's example). Returns V (mV) of neuron 0, its times, the spike
    times of neuron 0 (upward crossings of 0 mV) and the run time (s)."""
    with bp.profile.override(dt=0.01, seed=seed):
        group = bp.NeuGroup(bp.models.get_WangBuzsaki(mode='scalar'), num, monitors=['spike', ('V', [0])])
        group.ST['V'], group.ST['h'], group.ST['n'] = -70., 1., 0.
        net = bp.Network(group)
        net.build(duration, inputs=(group, 'ST.input', I_app))
        t0 = time.perf_counter()
        net.run(duration, inputs=(group, 'ST.input', I_app))
        run_s = time.perf_counter() - t0
    index, times = np.asarray(group.mon.spike_index), np.asarray(group.mon.spike_time)
    return {'V': np.asarray(group.mon.V)[:, 0], 'ts': np.asarray(group.mon.ts), 'spike_time': times[index == 0],
            'run_s': run_s}


def trace_features(V: np.ndarray, spike_time: np.ndarray) -> dict:
    """Spike count, first spike time and mean ISI (ms), peak and trough of V after the first spike (mV)."""
    isi = np.diff(spike_time)
    first = spike_time[0] if spike_time.size else np.nan
    return {'spikes': int(spike_time.size), 'first_spike_ms': float(first),
            'mean_isi_ms': float(isi.mean()) if isi.size else float('nan'),
            'peak_mV': float(V.max()), 'trough_mV': float(V[len(V) // 5:].min())}


if __name__ == '__main__':
    out = run()
    print(trace_features(out['V'], out['spike_time']))
