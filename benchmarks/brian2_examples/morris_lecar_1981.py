"""Brian2 reference: Morris & Lecar (1981), Fig. 9: 17 neurons under steady currents 100-500 uA, exponential
Euler at dt 0.01 ms (Brian2 examples, frompapers/Morris_Lecar_1981). Reports per neuron the upward crossings
of 0 mV, the first one's time, and the minimum, maximum and mean of V over the last 100 ms."""

import time

import numpy as np
from brian2 import NeuronGroup, StateMonitor, defaultclock, mS, ms, mV, run, uA, uF
from common import main


def simulate(seed, duration, neurons=17):
    defaultclock.dt = 0.01 * ms
    g_L, g_Ca, g_K = 2 * mS, 4 * mS, 8 * mS  # noqa: F841
    V_L, V_Ca, V_K = -50 * mV, 100 * mV, -70 * mV  # noqa: F841
    lambda_n__max = 1.0 / (15 * ms)  # noqa: F841
    V_1, V_2, V_3, V_4 = 10 * mV, 15 * mV, -1 * mV, 14.5 * mV  # noqa: F841
    C = 20 * uF  # noqa: F841
    eqs = """dV/dt = (-g_L*(V - V_L) - g_Ca*m_inf*(V - V_Ca) - g_K*n*(V - V_K) + I)/C : volt
             dn/dt = lambda_n*(n_inf - n) : 1
             m_inf = 0.5*(1 + tanh((V - V_1)/V_2)) : 1
             n_inf = 0.5*(1 + tanh((V - V_3)/V_4)) : 1
             lambda_n = lambda_n__max*cosh((V - V_3)/(2*V_4)) : Hz
             I : amp"""
    neuron = NeuronGroup(neurons, eqs, method="exponential_euler")
    neuron.I = (np.arange(neurons) * 25 + 100) * uA
    neuron.V = V_L
    neuron.n = "n_inf"
    mon = StateMonitor(neuron, "V", record=True)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    V = np.asarray(mon.V / mV)  # neuron x time
    t = np.asarray(mon.t / ms)
    up = (V[:, :-1] < 0.) & (V[:, 1:] >= 0.)
    tail = V[:, -10000:]
    return {"run_s": run_s, "crossings": up.sum(axis=1).tolist(),
            "first_crossing_ms": [float(t[1:][row][0]) if row.any() else float("nan") for row in up],
            "v_min": tail.min(axis=1).tolist(), "v_max": tail.max(axis=1).tolist(),
            "v_mean": tail.mean(axis=1).tolist(), "total_crossings": int(up.sum())}


if __name__ == "__main__":
    main(simulate, duration=220., size={})
