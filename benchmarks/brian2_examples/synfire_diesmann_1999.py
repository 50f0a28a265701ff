"""Brian2 reference: synfire chain of Diesmann et al. (1999) (Brian2 examples, frompapers/Diesmann_et_al_1999)."""

import time

import numpy as np
import stats
from brian2 import NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, Synapses, ms, mV, run
from common import main


def simulate(seed, duration, n_groups=10, group_size=100):
    Vr, Vt, taum, taupsp, weight = -70 * mV, -55 * mV, 10 * ms, 0.325 * ms, 4.86 * mV  # noqa: F841
    eqs = """dV/dt = (-(V-Vr)+x)*(1./taum) : volt
             dx/dt = (-x+y)*(1./taupsp) : volt
             dy/dt = -y*(1./taupsp)+25.27*mV/ms+(39.24*mV/ms**0.5)*xi : volt"""
    P = NeuronGroup(n_groups * group_size, eqs, threshold="V>Vt", reset="V=Vr", refractory=1 * ms, method="euler")
    Pinput = SpikeGeneratorGroup(85, np.arange(85), np.random.randn(85) * 1 * ms + 50 * ms)
    S = Synapses(P, P, on_pre="y+=weight")
    S.connect(j="k for k in range((int(i/group_size)+1)*group_size, (int(i/group_size)+2)*group_size) "
                "if i<N_pre-group_size")
    Sinput = Synapses(Pinput, P[:group_size], on_pre="y+=weight")
    Sinput.connect()
    spikes = SpikeMonitor(P)
    P.V = "Vr + rand() * (Vt - Vr)"
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    out = stats.synfire_volleys(np.asarray(spikes.i), np.asarray(spikes.t / ms), n_groups, group_size)
    return {"run_s": run_s, **out}


if __name__ == "__main__":
    main(simulate, duration=100., size={"n_groups": 10, "group_size": 100})
