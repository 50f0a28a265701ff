"""Brian2 reference: the adaptive exponential IF neuron under a 1 nA step (Brian2 examples,
frompapers/Brette_Gerstner_2005), for its three firing patterns: the spike times of each."""

import time

from brian2 import NeuronGroup, SpikeMonitor, ms, mV, nA, nS, pF, run, start_scope
from common import main

C, gL, EL, VT, DeltaT = 281 * pF, 30 * nS, -70.6 * mV, -50.4 * mV, 2 * mV
PATTERNS = {"regular": (144 * ms, 4 * nS, 0.0805 * nA, -70.6 * mV),
            "bursting": (20 * ms, 4 * nS, 0.5 * nA, VT + 5 * mV),
            "fast": (144 * ms, 2 * C / (144 * ms), 0 * nA, -70.6 * mV)}


def pattern(tauw, a, b, Vr):
    start_scope()
    Vcut = VT + 5 * DeltaT  # noqa: F841
    eqs = """dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
             dw/dt = (a*(vm - EL) - w)/tauw : amp
             I : amp"""
    neuron = NeuronGroup(1, model=eqs, threshold="vm>Vcut", reset="vm=Vr; w+=b", method="euler")
    neuron.vm = EL
    spikes = SpikeMonitor(neuron)
    t0 = time.perf_counter()
    run(20 * ms)
    neuron.I = 1 * nA
    run(100 * ms)
    neuron.I = 0 * nA
    run(20 * ms)
    return [float(t) for t in spikes.t / ms], time.perf_counter() - t0


def simulate(seed, duration):
    out = {"run_s": 0.}
    for name, values in PATTERNS.items():
        times, run_s = pattern(*values)
        out["run_s"] += run_s
        out[f"{name}_spike_times_ms"] = times
        out[f"{name}_spikes"] = len(times)
    return out


if __name__ == "__main__":
    main(simulate, duration=140., size={})
