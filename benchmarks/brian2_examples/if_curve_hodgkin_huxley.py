"""Brian2 reference: input-frequency curve of ``N`` unconnected Hodgkin-Huxley neurons (Brian2 examples,
IF_curve_Hodgkin_Huxley): ``I`` from 0 to 0.7 nA across the neurons, exponential Euler at dt 0.1 ms, a spike
counted where ``v`` crosses -40 mV upwards (threshold and refractoriness both ``v > -40*mV``). Reports each
neuron's spike count, the last neuron's ``v`` every 1 ms for 200 ms, the rheobase, the rate at the largest current and the mean rate."""

import time

import numpy as np
from brian2 import (NeuronGroup, SpikeMonitor, StateMonitor, cm, defaultclock, ms, msiemens, mV, nA, run, siemens,
                    ufarad, umetre)
from common import main


def simulate(seed, duration, N=100):
    defaultclock.dt = 0.1 * ms
    area = 20000 * umetre ** 2
    Cm = 1 * ufarad * cm ** -2 * area  # noqa: F841
    gl = 5e-5 * siemens * cm ** -2 * area  # noqa: F841
    El, EK, ENa, VT = -65 * mV, -90 * mV, 50 * mV, -63 * mV  # noqa: F841
    g_na = 100 * msiemens * cm ** -2 * area  # noqa: F841
    g_kd = 30 * msiemens * cm ** -2 * area  # noqa: F841
    eqs = """
    dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
    dm/dt = (0.32*(13.*mV-v+VT)/mV/(exp((13.*mV-v+VT)/(4.*mV))-1.)*(1-m)
             - 0.28*(v-VT-40.*mV)/mV/(exp((v-VT-40.*mV)/(5.*mV))-1.)*m)/ms : 1
    dn/dt = (0.032*(15.*mV-v+VT)/mV/(exp((15.*mV-v+VT)/(5.*mV))-1.)*(1.-n)
             - .5*exp((10.*mV-v+VT)/(40.*mV))*n)/ms : 1
    dh/dt = (0.128*exp((17.*mV-v+VT)/(18.*mV))*(1.-h) - 4./(1+exp((40.*mV-v+VT)/(5.*mV)))*h)/ms : 1
    I : amp
    """
    group = NeuronGroup(N, eqs, threshold="v > -40*mV", refractory="v > -40*mV", method="exponential_euler")
    group.v = El
    group.I = 0.7 * nA * np.arange(N) / N
    monitor = SpikeMonitor(group)
    trace = StateMonitor(group, "v", record=[N - 1])
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    counts = np.asarray(monitor.count)
    rates = counts / (duration / 1000.)
    firing = np.flatnonzero(counts > 0)
    return {"run_s": run_s, "counts": counts.tolist(),
            # v of the last neuron at the end of the steps that start at 0, 1, 2, ... ms, for the first 200 ms
            "v_trace_mV": (np.asarray(trace.v[0] / mV)[1::10][:200]).tolist(),
            "rheobase_nA": float(0.7 * firing[0] / N) if firing.size else float("nan"),
            "rate_max_hz": float(rates[-1]), "rate_mean_hz": float(rates.mean())}


if __name__ == "__main__":
    main(simulate, duration=2000., size={"N": 100})
