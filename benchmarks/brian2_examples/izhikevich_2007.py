"""Brian2 reference: dopamine-modulated STDP (Brian2 examples, frompapers/Izhikevich_2007; Izhikevich 2007,
Fig. 1c): the neurons' spike times and the plastic synapse's c, d and s every 10 ms over both halves."""

import time

import numpy as np
from brian2 import NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses, ms, mV, run
from common import main, run_seconds


def simulate(seed, duration):
    taum, Ee, vt, vr, El, taue = 10 * ms, 0 * mV, -54 * mV, -60 * mV, -74 * mV, 5 * ms  # noqa: F841
    taupre = taupost = 20 * ms
    gmax = .01
    dApre, dApost = .01 * gmax, -.01 * taupre / taupost * 1.05 * gmax  # noqa: F841
    tauc, taud, taus, epsilon_dopa = 1000 * ms, 200 * ms, 1 * ms, 5e-3  # noqa: F841
    kicks = SpikeGeneratorGroup(2, [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0],
                                [500, 550, 1000, 1010, 1500, 1510, 3500, 3550, 4000, 4010, 4500, 4510] * ms)
    neurons = NeuronGroup(2, "dv/dt = (ge*(Ee - vr) + El - v)/taum : volt\ndge/dt = -ge/taue : 1",
                          threshold="v > vt", reset="v = vr", method="exact")
    neurons.v = vr
    drive = Synapses(kicks, neurons, "s : volt", on_pre="v += s")
    drive.connect(i=[0, 1], j=[0, 1])
    drive.s = 100 * mV
    # the original's mode, 0 for the first half and 1 for the second (two runs with mode set between them), as a
    # function of time in one run, which cpp_standalone can build and time
    half = duration / 2 * ms  # noqa: F841
    plastic = Synapses(neurons, neurons, """mode = int(t >= half) : 1
                       dc/dt = -c/tauc : 1 (clock-driven)
                       dd/dt = -d/taud : 1 (clock-driven)
                       ds/dt = mode*c*d/taus : 1 (clock-driven)
                       dApre/dt = -Apre/taupre : 1 (event-driven)
                       dApost/dt = -Apost/taupost : 1 (event-driven)""",
                       on_pre="""ge += s
                       Apre += dApre
                       c = clip(c + mode*Apost, -gmax, gmax)
                       s = clip(s + (1 - mode)*Apost, -gmax, gmax)""",
                       on_post="""Apost += dApost
                       c = clip(c + mode*Apre, -gmax, gmax)
                       s = clip(s + (1 - mode)*Apre, -gmax, gmax)""", method="euler")
    plastic.connect(i=0, j=1)
    plastic.s, plastic.c, plastic.d = 1e-10, 1e-10, 0
    reward_source = SpikeGeneratorGroup(1, [0, 0, 0], [3520, 4020, 4520] * ms)
    reward = Synapses(reward_source, plastic, on_pre="d_post += epsilon_dopa", method="exact")
    reward.connect()
    spikes = SpikeMonitor(neurons)
    trace = StateMonitor(plastic, ["c", "d", "s"], record=[0], dt=10 * ms)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = run_seconds(time.perf_counter() - t0)
    s = np.asarray(trace.s[0])
    return {"run_s": run_s, "timed_per_build": True, "s_half_gmax": float(s[int(duration / 2 / 10) - 1] / gmax),
            "s_end_gmax": float(plastic.s[0] / gmax), "spike_index": np.asarray(spikes.i).tolist(),
            "spike_time_ms": np.asarray(spikes.t / ms).tolist(), "c": np.asarray(trace.c[0]).tolist(),
            "d": np.asarray(trace.d[0]).tolist(), "s": s.tolist()}


if __name__ == "__main__":
    main(simulate, duration=6000., size={})
