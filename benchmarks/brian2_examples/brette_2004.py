"""Brian2 reference: phase locking of a leaky integrate-and-fire neuron driven by a sinusoidal current (Brian2
examples, frompapers/Brette_2004, Fig. 2A): ``N`` neurons with ``a`` from 2 to 4, Euler at dt 0.1 ms, a
transient of ``duration`` ms discarded, then ``duration`` ms recorded (as one run of both). Reports per neuron the spike count and
the number of distinct spike phases (the spike's step modulo the 1000-step period), and over neurons the mean
spikes per period (the rotation number) and the share of neurons locked (at most 10 distinct phases)."""

import time

import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, defaultclock, ms, run
from common import main

LOCKED_PHASES = 10


def simulate(seed, duration, N=2000):
    defaultclock.dt = 0.1 * ms
    tau = 100 * ms  # noqa: F841
    eqs = """
    dv/dt = (-v + a + 2*sin(2*pi*t/tau))/tau : 1
    a : 1
    """
    neurons = NeuronGroup(N, eqs, threshold="v>1", reset="v=0", method="euler")
    neurons.a = np.linspace(2, 4, N)
    # the original discards a transient run and records a second one; one run of both, whose spikes before
    # ``duration`` are dropped, is the same simulation and also runs as cpp_standalone
    spikes = SpikeMonitor(neurons)
    t0 = time.perf_counter()
    run(2 * duration * ms)
    run_s = time.perf_counter() - t0
    index, steps = np.asarray(spikes.i), np.round(np.asarray(spikes.t / ms) / 0.1).astype(int)
    recorded = steps >= round(duration / 0.1)
    index, steps = index[recorded], steps[recorded]
    counts = np.bincount(index, minlength=N)
    phases = np.array([np.unique(steps[index == k] % 1000).size for k in range(N)])
    return {"run_s": run_s, "counts": counts.tolist(), "phases": phases.tolist(),
            "rotation_mean": float(counts.mean() / (duration / 100.)),
            "locked_fraction": float(np.mean(phases <= LOCKED_PHASES))}


if __name__ == "__main__":
    main(simulate, duration=5000., size={"N": 2000})
