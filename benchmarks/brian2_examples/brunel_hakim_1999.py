"""Brian2 reference: Brunel & Hakim (1999), sparse inhibitory LIF network driven by noise, with a 2 ms delay
(Brian2 examples, frompapers/Brunel_Hakim_1999). ``N`` and ``C`` set the size; the coupling is scaled so that
J * C stays 100 mV (the paper's 0.1 mV x 1000)."""

import time

import numpy as np
import stats
from brian2 import NeuronGroup, SpikeMonitor, Synapses, defaultclock, ms, mV, run
from common import main


def simulate(seed, duration, N=5000, C=1000, transient=50.):
    Vr, theta, tau, delta, taurefr = 10 * mV, 20 * mV, 20 * ms, 2 * ms, 2 * ms  # noqa: F841
    J = 0.1 * mV * 1000. / C  # noqa: F841
    muext, sigmaext = 25 * mV, 1 * mV  # noqa: F841
    defaultclock.dt = 0.1 * ms
    group = NeuronGroup(N, "dV/dt = (-V + muext + sigmaext * sqrt(tau) * xi) / tau : volt",
                        threshold="V > theta", reset="V = Vr", refractory=taurefr, method="euler")
    group.V = Vr
    conn = Synapses(group, group, on_pre="V += -J", delay=delta)
    conn.connect(p=float(C) / N)
    spikes = SpikeMonitor(group)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    return {"run_s": run_s, "rate_hz": stats.mean_rate(index, times, N, duration, transient),
            "cv_isi": stats.cv_isi(index, times, transient),
            "fano_1ms": stats.population_fano(times, duration, 1., transient),
            "peak_hz": stats.peak_frequency(times, duration, 1., transient, band=(50., 400.))}


if __name__ == "__main__":
    main(simulate, duration=100., size={"N": 5000, "C": 1000})
