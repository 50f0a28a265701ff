"""Brian2 reference: the adaptive exponential IF neuron under a 1 nA step (Brian2 examples,
frompapers/Brette_Gerstner_2005), for its three firing patterns: the spike times of each."""

import time

from brian2 import NeuronGroup, SpikeMonitor, StateMonitor, TimedArray, ms, mV, nA, nS, pF, run, start_scope
from common import main, next_build, run_seconds

C, gL, EL, VT, DeltaT = 281 * pF, 30 * nS, -70.6 * mV, -50.4 * mV, 2 * mV
PATTERNS = {"regular": (144 * ms, 4 * nS, 0.0805 * nA, -70.6 * mV),
            "bursting": (20 * ms, 4 * nS, 0.5 * nA, VT + 5 * mV),
            "fast": (144 * ms, 2 * C / (144 * ms), 0 * nA, -70.6 * mV)}


def pattern(tauw, a, b, Vr):
    next_build()  # on cpp_standalone each pattern is a build of its own
    start_scope()
    Vcut = VT + 5 * DeltaT  # noqa: F841
    # the original's three runs (20 ms at rest, 1 nA for 100 ms, 20 ms at rest) as one run with the step current
    # given as a TimedArray: the same current at every step, and one network run that cpp_standalone can time
    stimulus = TimedArray([0, 1, 1, 1, 1, 1, 0] * nA, dt=20 * ms)  # noqa: F841
    eqs = """dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
             dw/dt = (a*(vm - EL) - w)/tauw : amp
             I = stimulus(t) : amp"""
    neuron = NeuronGroup(1, model=eqs, threshold="vm>Vcut", reset="vm=Vr; w+=b", method="euler")
    neuron.vm = EL
    spikes = SpikeMonitor(neuron)
    trace = StateMonitor(neuron, "vm", record=0)  # noqa: F841 - the original records the membrane potential too
    t0 = time.perf_counter()
    run(140 * ms)
    run_s = run_seconds(time.perf_counter() - t0)
    return [float(t) for t in spikes.t / ms], run_s


def simulate(seed, duration):
    out = {"run_s": 0., "timed_per_build": True}
    for name, values in PATTERNS.items():
        times, run_s = pattern(*values)
        out["run_s"] += run_s
        out[f"{name}_spike_times_ms"] = times
        out[f"{name}_spikes"] = len(times)
    return out


if __name__ == "__main__":
    main(simulate, duration=140., size={})
