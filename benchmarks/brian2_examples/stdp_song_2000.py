"""Brian2 reference: STDP of N Poisson inputs onto one conductance-based LIF neuron (Brian2 examples,
synapses/STDP, after Song, Miller & Abbott 2000). Reports the final weight distribution and the output rate."""

import time

import numpy as np
from brian2 import Hz, NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, ms, mV, run
from common import main


def simulate(seed, duration, N=1000):
    taum, taupre, taupost, taue = 10 * ms, 20 * ms, 20 * ms, 5 * ms  # noqa: F841
    Ee, vt, vr, El = 0 * mV, -54 * mV, -60 * mV, -74 * mV  # noqa: F841
    gmax = .01
    dApre, dApost = .01 * gmax, -.01 * taupre / taupost * 1.05 * gmax  # noqa: F841
    inputs = PoissonGroup(N, rates=15 * Hz)
    neuron = NeuronGroup(1, "dv/dt = (ge * (Ee-v) + El - v) / taum : volt\ndge/dt = -ge / taue : 1",
                         threshold="v>vt", reset="v = vr", method="euler")
    neuron.v = vr
    S = Synapses(inputs, neuron, """w : 1
                dApre/dt = -Apre / taupre : 1 (event-driven)
                dApost/dt = -Apost / taupost : 1 (event-driven)""",
                 on_pre="ge += w\nApre += dApre\nw = clip(w + Apost, 0, gmax)",
                 on_post="Apost += dApost\nw = clip(w + Apre, 0, gmax)")
    S.connect()
    S.w = "rand() * gmax"
    out = SpikeMonitor(neuron)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    w = np.asarray(S.w) / gmax
    return {"run_s": run_s, "w_mean": float(w.mean()), "frac_low": float(np.mean(w < 0.1)),
            "frac_high": float(np.mean(w > 0.9)), "post_rate_hz": out.num_spikes / (duration / 1000.)}


if __name__ == "__main__":
    main(simulate, duration=100000., size={"N": 1000})
