"""Brian2 reference: the COBA-HH network (Brian2 examples, COBAHH; Brette et al. 2007 benchmark 3): HH
neurons with exponential conductances, rate, CV of ISI, population Fano factor and the mean of v."""

import time

import numpy as np
import stats
from brian2 import (NeuronGroup, SpikeMonitor, StateMonitor, Synapses, cm, ms, msiemens, mV, nS, run, siemens,
                    ufarad, umetre)
from common import main


def simulate(seed, duration, N=4000, p=0.02):
    area = 20000 * umetre ** 2
    Cm, gl = 1 * ufarad * cm ** -2 * area, 5e-5 * siemens * cm ** -2 * area  # noqa: F841
    g_na, g_kd = 100 * msiemens * cm ** -2 * area, 30 * msiemens * cm ** -2 * area  # noqa: F841
    El, EK, ENa, VT, Ee, Ei = -60 * mV, -90 * mV, 50 * mV, -63 * mV, 0 * mV, -80 * mV  # noqa: F841
    taue, taui, we, wi = 5 * ms, 10 * ms, 6 * nS, 67 * nS  # noqa: F841
    eqs = """dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v) - g_na*m**3*h*(v-ENa) - g_kd*n**4*(v-EK))/Cm : volt
             dm/dt = a_m*(1-m) - b_m*m : 1
             dn/dt = a_n*(1-n) - b_n*n : 1
             dh/dt = a_h*(1-h) - b_h*h : 1
             dge/dt = -ge/taue : siemens
             dgi/dt = -gi/taui : siemens
             a_m = 0.32/mV*(13*mV - v + VT)/(exp((13*mV - v + VT)/(4*mV)) - 1)/ms : Hz
             b_m = 0.28/mV*(v - VT - 40*mV)/(exp((v - VT - 40*mV)/(5*mV)) - 1)/ms : Hz
             a_h = 0.128*exp((17*mV - v + VT)/(18*mV))/ms : Hz
             b_h = 4/(1 + exp((40*mV - v + VT)/(5*mV)))/ms : Hz
             a_n = 0.032/mV*(15*mV - v + VT)/(exp((15*mV - v + VT)/(5*mV)) - 1)/ms : Hz
             b_n = 0.5*exp((10*mV - v + VT)/(40*mV))/ms : Hz"""
    P = NeuronGroup(N, eqs, threshold="v > -20*mV", refractory=3 * ms, method="exponential_euler")
    Ne = int(0.8 * N)
    Ce = Synapses(P[:Ne], P, on_pre="ge += we")
    Ci = Synapses(P[Ne:], P, on_pre="gi += wi")
    Ce.connect(p=p)
    Ci.connect(p=p)
    P.v = "El + (randn()*5 - 5)*mV"
    P.ge = "(randn()*1.5 + 4)*10*nS"
    P.gi = "(randn()*12 + 20)*10*nS"
    spikes = SpikeMonitor(P)
    trace = StateMonitor(P, "v", record=[1, 10, 100])
    # one unconnected neuron from a fixed start: the integration alone, without the network's randomness
    Q = NeuronGroup(1, eqs, threshold="v > -20*mV", refractory=3 * ms, method="exponential_euler")
    Q.v, Q.ge, Q.gi = -65 * mV, 100 * nS, 20 * nS
    alone = StateMonitor(Q, "v", record=0)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    v = np.asarray(trace.v / mV)
    return {"run_s": run_s, "rate_hz": stats.mean_rate(index, times, N, duration, 100.),
            "cv_isi": stats.cv_isi(index, times, 100.), "fano_1ms": stats.population_fano(times, duration, 1., 100.),
            "v_mean_mV": float(v[:, int(100. / 0.1):].mean()),
            "alone_v_mV": np.asarray(alone.v[0] / mV)[::10][:1000].tolist()}


if __name__ == "__main__":
    main(simulate, duration=1000., size={"N": 4000})
