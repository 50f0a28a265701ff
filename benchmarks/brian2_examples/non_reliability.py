"""Brian2 reference: reliability of spike timing under a constant input (Brian2 examples, non_reliability):
``N`` noisy leaky integrate-and-fire neurons from ``x = 0`` (threshold 1, reset 0, refractory 5 ms), the
default (Euler-Maruyama) integration at dt 0.1 ms. Reports the mean rate, the CV of the interspike intervals
pooled over neurons, and the standard deviation over neurons of the 1st, 5th and 9th spike times."""

import time

import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, defaultclock, ms, run
from common import main

RANKS = (1, 5, 9)


def simulate(seed, duration, N=25):
    defaultclock.dt = 0.1 * ms
    tau = 20 * ms  # noqa: F841
    sigma = .015  # noqa: F841
    eqs = "dx/dt = (1.1 - x) / tau + sigma * (2 / tau)**.5 * xi : 1 (unless refractory)"
    group = NeuronGroup(N, eqs, threshold="x > 1", reset="x = 0", refractory=5 * ms)
    spikes = SpikeMonitor(group)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    trains = [np.sort(times[index == k]) for k in range(N)]
    isis = np.concatenate([np.diff(train) for train in trains])
    out = {"run_s": run_s, "rate_hz": index.size / N / (duration / 1000.), "cv_isi": float(isis.std() / isis.mean())}
    for k in RANKS:
        out[f"spread_{k}_ms"] = float(np.std([train[k - 1] for train in trains if train.size >= k]))
    return out


if __name__ == "__main__":
    main(simulate, duration=500., size={"N": 25})
