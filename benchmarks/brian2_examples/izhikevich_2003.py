"""Brian2 reference: Izhikevich (2003) random network of RS/FS neurons (Brian2 examples,
frompapers/Izhikevich_2003): euler at dt = 1 ms, a spike adds w to I for one step (on_pre 'up' now,
'down' 1 ms later)."""

import time

import numpy as np
import stats
from brian2 import NeuronGroup, SpikeMonitor, Synapses, defaultclock, ms, run
from common import main


def simulate(seed, duration, Ne=800, Ni=200):
    re, ri = np.random.uniform(size=Ne), np.random.uniform(size=Ni)
    weights = np.hstack([0.5 * np.random.uniform(size=(Ne + Ni, Ne)), -np.random.uniform(size=(Ne + Ni, Ni))]).T
    defaultclock.dt = 1 * ms
    eqs = """dv/dt = (0.04*v**2 + 5*v + 140 - u + I + I_noise)/ms : 1
             du/dt = (a*(b*v - u))/ms : 1
             I : 1
             I_noise : 1
             a : 1
             b : 1
             c : 1
             d : 1"""
    N = NeuronGroup(Ne + Ni, eqs, threshold="v>=30", reset="v=c; u+=d", method="euler")
    N.v = -65
    exc, inh = N[:Ne], N[Ne:]
    exc.a, exc.b, exc.c, exc.d = 0.02, 0.2, -65 + 15 * re ** 2, 8 - 6 * re ** 2
    inh.a, inh.b, inh.c, inh.d = 0.02 + 0.08 * ri, 0.25 - 0.05 * ri, -65, 2
    N.u = "b*v"
    S = Synapses(N, N, "w : 1", on_pre={"up": "I += w", "down": "I -= w"}, delay={"up": 0 * ms, "down": 1 * ms})
    S.connect()
    S.w[:] = weights.flatten()
    exc.run_regularly("I_noise = 5*randn()", dt=1 * ms)
    inh.run_regularly("I_noise = 2*randn()", dt=1 * ms)
    spikes = SpikeMonitor(N)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    e = index < Ne
    return {"run_s": run_s, "rate_exc_hz": stats.mean_rate(index[e], times[e], Ne, duration, 100.),
            "rate_inh_hz": stats.mean_rate(index[~e], times[~e], Ni, duration, 100.),
            "cv_isi": stats.cv_isi(index, times, 100.),
            "fano_1ms": stats.population_fano(times, duration, 1., 100.),
            "peak_hz": stats.peak_frequency(times, duration, 1., 100., band=(4., 100.))}


if __name__ == "__main__":
    main(simulate, duration=1000., size={"Ne": 800, "Ni": 200})
