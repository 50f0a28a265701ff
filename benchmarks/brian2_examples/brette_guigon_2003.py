"""Brian2 reference: reliability of spike timing (Brette & Guigon 2003, Fig. 10D,E; Brian2 examples,
frompapers/Brette_Guigon_2003): ``N`` neurons with gains ``p = i / N`` share one fluctuating input. Reports the
rates and the neighbour coincidence (fraction of spikes with a spike of the next neuron within 1 ms) of the
low-gain (p < 0.5) and high-gain (p >= 0.5) halves."""

import time

import numpy as np
import stats
from brian2 import NeuronGroup, SpikeMonitor, linked_var, ms, run
from common import main


def simulate(seed, duration, N=500):
    tau, taux, sigma = 33 * ms, 20 * ms, 0.02  # noqa: F841
    eqs_input = "dx/dt = -x/taux + (2/taux)**.5*xi : 1"
    eqs = """dv/dt = (v*I + 1)/tau + sigma*(2/tau)**.5*xi : 1
             I = 0.5 + 3*p*B : 1
             B = 2./(1 + exp(-2*x)) - 1 : 1 (shared)
             p : 1
             x : 1 (linked)"""
    source = NeuronGroup(1, eqs_input)
    neurons = NeuronGroup(N, eqs, threshold="v > 1", reset="v = 0")
    neurons.p = "1.0*i/N"
    neurons.v = "rand()"
    neurons.x = linked_var(source, "x")
    spikes = SpikeMonitor(neurons)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    low, high = np.arange(0, N // 2 - 1), np.arange(N // 2, N - 1)
    return {"run_s": run_s, "rate_low_hz": float(np.sum(index < N // 2) / (N // 2) / (duration / 1000.)),
            "rate_high_hz": float(np.sum(index >= N // 2) / (N - N // 2) / (duration / 1000.)),
            "coincidence_low": stats.neighbour_coincidence(index, times, low),
            "coincidence_high": stats.neighbour_coincidence(index, times, high)}


if __name__ == "__main__":
    main(simulate, duration=1000., size={"N": 500})
