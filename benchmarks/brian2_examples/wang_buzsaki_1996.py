"""Brian2 reference: the Wang-Buzsaki (1996) interneuron under 2 uA/cm^2 (Brian2 examples,
frompapers/Wang_Buszaki_1996): spike count, first spike, mean ISI, peak and trough of V."""

import time

import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, StateMonitor, defaultclock, ms, msiemens, mV, run, uA, uF
from common import main


def simulate(seed, duration, num=1):
    defaultclock.dt = 0.01 * ms
    Cm, Iapp, gL, EL, ENa, EK, gNa, gK = (1 * uF, 2 * uA, 0.1 * msiemens, -65 * mV, 55 * mV, -90 * mV,  # noqa: F841
                                          35 * msiemens, 9 * msiemens)
    eqs = """dv/dt = (-gNa*m**3*h*(v-ENa)-gK*n**4*(v-EK)-gL*(v-EL)+Iapp)/Cm : volt
             m = alpha_m/(alpha_m+beta_m) : 1
             alpha_m = 0.1/mV*10*mV/exprel(-(v+35*mV)/(10*mV))/ms : Hz
             beta_m = 4*exp(-(v+60*mV)/(18*mV))/ms : Hz
             dh/dt = 5*(alpha_h*(1-h)-beta_h*h) : 1
             alpha_h = 0.07*exp(-(v+58*mV)/(20*mV))/ms : Hz
             beta_h = 1./(exp(-0.1/mV*(v+28*mV))+1)/ms : Hz
             dn/dt = 5*(alpha_n*(1-n)-beta_n*n) : 1
             alpha_n = 0.01/mV*10*mV/exprel(-(v+34*mV)/(10*mV))/ms : Hz
             beta_n = 0.125*exp(-(v+44*mV)/(80*mV))/ms : Hz"""
    neuron = NeuronGroup(num, eqs, method="exponential_euler", threshold="v > 0*mV", refractory="v > 0*mV")
    neuron.v, neuron.h = -70 * mV, 1
    trace = StateMonitor(neuron, "v", record=0)
    spikes = SpikeMonitor(neuron)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    V = np.asarray(trace.v[0] / mV)
    t = np.asarray(spikes.t / ms)[np.asarray(spikes.i) == 0]
    isi = np.diff(t)
    return {"run_s": run_s, "spikes": int(t.size), "first_spike_ms": float(t[0]),
            "mean_isi_ms": float(isi.mean()), "peak_mV": float(V.max()), "trough_mV": float(V[len(V) // 5:].min())}


if __name__ == "__main__":
    main(simulate, duration=100., size={"num": 1})
