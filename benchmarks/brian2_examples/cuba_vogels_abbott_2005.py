"""Brian2 reference: the CUBA network (Brian2 examples, CUBA; Vogels & Abbott 2005 / Brette et al. 2007
benchmark 2): rate, CV of ISI and population Fano factor."""

import time

import numpy as np
import stats
from brian2 import NeuronGroup, SpikeMonitor, Synapses, ms, mV, run
from common import main


def simulate(seed, duration, N=4000, p=0.02):
    taum, taue, taui, Vt, Vr, El = 20 * ms, 5 * ms, 10 * ms, -50 * mV, -60 * mV, -49 * mV  # noqa: F841
    eqs = """dv/dt = (ge+gi-(v-El))/taum : volt (unless refractory)
             dge/dt = -ge/taue : volt
             dgi/dt = -gi/taui : volt"""
    P = NeuronGroup(N, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="exact")
    P.v = "Vr + rand() * (Vt - Vr)"
    we, wi = (60 * 0.27 / 10) * mV, (-20 * 4.5 / 10) * mV  # noqa: F841
    Ne = int(0.8 * N)
    Ce = Synapses(P, P, on_pre="ge += we")
    Ci = Synapses(P, P, on_pre="gi += wi")
    Ce.connect(f"i<{Ne}", p=p)
    Ci.connect(f"i>={Ne}", p=p)
    spikes = SpikeMonitor(P)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    return {"run_s": run_s, "rate_hz": stats.mean_rate(index, times, N, duration, 100.),
            "cv_isi": stats.cv_isi(index, times, 100.), "fano_1ms": stats.population_fano(times, duration, 1., 100.)}


if __name__ == "__main__":
    main(simulate, duration=1000., size={"N": 4000})
