"""Brian2 reference: Touboul & Brette (2008), Fig. 8B, AdEx neurons whose reset Vr spans [-48.3, -47.7] mV
(Brian2 examples, frompapers/Touboul_Brette_2008): after a transient (3 s), the spikes of each neuron, their count
and the number of distinct inter-spike intervals (its period; many in chaotic windows)."""

import time

import numpy as np
import stats
from brian2 import NeuronGroup, SpikeMonitor, defaultclock, linspace, ms, mV, nA, nS, pF, run
from common import main


def simulate(seed, duration, N=500, transient=3000.):
    defaultclock.dt = 0.01 * ms
    C, gL, EL, VT, DeltaT = 281 * pF, 30 * nS, -70.6 * mV, -50.4 * mV, 2 * mV  # noqa: F841
    tauw, a, b, I = 40 * ms, 4 * nS, 0.08 * nA, .8 * nA  # noqa: F841
    Vcut = VT + 5 * DeltaT  # noqa: F841
    eqs = """dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
             dw/dt = (a*(vm - EL) - w)/tauw : amp
             Vr : volt"""
    neuron = NeuronGroup(N, eqs, threshold="vm > Vcut", reset="vm = Vr; w += b", method="euler")
    neuron.vm = EL
    neuron.w = a * (neuron.vm - EL)
    neuron.Vr = linspace(-48.3 * mV, -47.7 * mV, N)
    spikes = SpikeMonitor(neuron)
    t0 = time.perf_counter()
    run((transient + duration) * ms)  # one run, so that cpp_standalone can time it
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms) - transient
    index, times = index[times >= 0.], times[times >= 0.]
    counts = np.bincount(index, minlength=N)
    periods = stats.distinct_isis(index, times, N)
    return {"run_s": run_s, "spike_counts": counts.tolist(), "distinct_isis": periods,
            "mean_count": float(counts.mean()), "mean_distinct_isis": float(np.mean(periods))}


if __name__ == "__main__":
    main(simulate, duration=2000., size={"N": 500})
