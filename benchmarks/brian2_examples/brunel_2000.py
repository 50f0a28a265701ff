"""Brian2 reference: Brunel (2000), sparse excitatory-inhibitory LIF network with a 1.5 ms delay and a
Poisson drive (Brian2 examples, frompapers/Brunel_2000). ``N_E`` and ``epsilon`` set the size; the
coupling is scaled so that J * C_E stays 100 mV (the paper's 0.1 mV x 1000)."""

import time

import numpy as np
import stats
from brian2 import NeuronGroup, PoissonInput, SpikeMonitor, Synapses, defaultclock, ms, mV, run
from common import main


def simulate(seed, duration, N_E=10000, epsilon=0.1, g=5., nu_ratio=2., transient=100.):
    N_I = round(0.25 * N_E)
    N = N_E + N_I
    C_E = epsilon * N_E
    tau, theta, V_r, tau_rp, D = 20 * ms, 20 * mV, 10 * mV, 2 * ms, 1.5 * ms  # noqa: F841
    J = 0.1 * mV * 1000. / C_E
    defaultclock.dt = 0.1 * ms
    neurons = NeuronGroup(N, "dv/dt = -v / tau : volt (unless refractory)", threshold="v > theta",
                          reset="v = V_r", refractory=tau_rp, method="exact")
    neurons.v = "rand() * theta"
    exc = Synapses(neurons[:N_E], neurons, on_pre="v += J", delay=D)
    exc.connect(p=epsilon)
    inh = Synapses(neurons[N_E:], neurons, on_pre="v += -g * J", delay=D)
    inh.connect(p=epsilon)
    nu_thr = theta / (J * C_E * tau)
    drive = PoissonInput(neurons, "v", N=int(C_E), rate=nu_ratio * nu_thr, weight=J)  # noqa: F841
    spikes = SpikeMonitor(neurons)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    return {"run_s": run_s, "rate_hz": stats.mean_rate(index, times, N, duration, transient),
            "cv_isi": stats.cv_isi(index, times, transient),
            "fano_1ms": stats.population_fano(times, duration, 1., transient),
            "peak_hz": stats.peak_frequency(times, duration, 1., transient, band=(50., 400.))}


if __name__ == "__main__":
    main(simulate, duration=600., size={"N_E": 2000})
