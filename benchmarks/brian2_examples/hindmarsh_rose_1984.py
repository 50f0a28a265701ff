"""Brian2 reference: Hindmarsh-Rose bursting under three currents (Brian2 examples,
frompapers/Hindmarsh_Rose_1984): spikes (upward crossings of x = 1) per neuron, first spike, mean x."""

import time

import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, StateMonitor, defaultclock, ms, run
from common import main


def simulate(seed, duration):
    time_unit = 1 * ms
    defaultclock.dt = time_unit / 10
    x_1, a, b, c, d, r, s = -1.6, 1, 3, 1, 5, 0.001, 4  # noqa: F841
    eqs = """dx/dt = (y - a*x**3 + b*x**2 + I - z)/time_unit : 1
             dy/dt = (c - d*x**2 - y)/time_unit : 1
             dz/dt = r*(s*(x - x_1) - z)/time_unit : 1
             I : 1 (constant)"""
    neuron = NeuronGroup(3, eqs, method="rk4", threshold="x >= 1", refractory="x >= 1")
    neuron.x = x_1
    neuron.y = "c - d*x**2"
    neuron.z = "r*(s*(x - x_1))"
    neuron.I = [0.4, 2, 4]
    mon = StateMonitor(neuron, "x", record=True)
    spikes = SpikeMonitor(neuron)
    t0 = time.perf_counter()
    run(duration * time_unit)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    out = {"run_s": run_s}
    for k in range(3):
        out[f"spikes_{k}"] = int(np.sum(index == k))
        out[f"first_spike_{k}_ms"] = float(times[index == k].min())
        out[f"mean_x_{k}"] = float(np.mean(mon.x[k]))
    return out


if __name__ == "__main__":
    main(simulate, duration=2100., size={})
