"""Brian2 reference: neurons coupled all-to-all by gap junctions (Brian2 examples, synapses/gapjunctions)."""

import time

import numpy as np
import stats
from brian2 import NeuronGroup, SpikeMonitor, StateMonitor, Synapses, ms, run
from common import main


def simulate(seed, duration, n=10):
    tau, v0 = 10 * ms, 1.05  # noqa: F841 (read by the equations)
    neurons = NeuronGroup(n, "dv/dt = (v0 - v + Igap) / tau : 1\nIgap : 1", threshold="v > 1", reset="v = 0",
                          method="exact")
    neurons.v = np.arange(n) / (n - 1)
    gaps = Synapses(neurons, neurons, "w : 1\nIgap_post = w * (v_pre - v_post) : 1 (summed)")
    gaps.connect()
    gaps.w = .02
    spikes = SpikeMonitor(neurons)
    trace = StateMonitor(neurons, "v", record=[0, 5])
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    late = np.asarray(trace.t / ms) >= duration / 2
    return {"run_s": run_s, "rate_hz": stats.mean_rate(index, times, n, duration),
            "spike_counts": stats.spike_counts(index, n),
            "v05_gap_late": float(np.mean(np.abs(trace.v[0] - trace.v[1])[late])),
            "v0_mean": float(np.mean(trace.v[0])), "v5_mean": float(np.mean(trace.v[1]))}


if __name__ == "__main__":
    main(simulate, duration=500., size={"n": 10})
