"""Brian2 reference: NMDA-like synapses whose conductance is a summed variable (Brian2 examples, synapses/nonlinear)."""

import time

import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, StateMonitor, Synapses, ms, run
from common import main

SAMPLE_MS = 5.  # the traces are kept every 5 ms


def simulate(seed, duration):
    a = b = c = 1 / (10 * ms)  # noqa: F841 (read by the equations)
    inputs = NeuronGroup(2, "dv/dt = 1/(10*ms) : 1", threshold="v>1", reset="v = 0", method="euler")
    neurons = NeuronGroup(1, "dv/dt = (g-v)/(10*ms) : 1\ng : 1", method="linear")
    synapses = Synapses(inputs, neurons, """dg_syn/dt = -a*g_syn+b*x*(1-g_syn) : 1 (clock-driven)
                                             g_post = g_syn : 1 (summed)
                                             dx/dt=-c*x : 1 (clock-driven)
                                             w : 1""", on_pre="x += w")
    synapses.connect()
    synapses.w = "1. + 9. * i"  # the original's [1., 10.], one per input
    inputs.v = [0., 0.5]
    spikes = SpikeMonitor(inputs)
    syn_trace = StateMonitor(synapses, "g_syn", record=np.arange(2))  # standalone needs the indices
    trace = StateMonitor(neurons, ["g", "v"], record=0)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    ts = np.asarray(trace.t / ms)
    keep = np.isclose(np.mod(ts + 1e-9, SAMPLE_MS), 0., atol=1e-6)
    g, v = np.asarray(trace.g[0]), np.asarray(trace.v[0])
    g_syn = np.asarray(syn_trace.g_syn)
    return {"run_s": run_s, "input_spike_index": np.asarray(spikes.i).tolist(),
            "input_spike_time": np.round(np.asarray(spikes.t / ms), 6).tolist(),
            "sample_time": ts[keep].tolist(), "g": g[keep].tolist(), "v": v[keep].tolist(),
            "g_syn_0": g_syn[0][keep].tolist(), "g_syn_1": g_syn[1][keep].tolist(),
            "g_max": float(g.max()), "g_argmax_ms": float(ts[np.argmax(g)]), "g_mean": float(g.mean()),
            "v_mean": float(v.mean()), "input_spikes": int(len(spikes.i))}


if __name__ == "__main__":
    main(simulate, duration=1000., size={})
