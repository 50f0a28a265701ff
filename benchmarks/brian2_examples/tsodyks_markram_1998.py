"""Brian2 reference: Tsodyks, Pawelzik & Markram (1998) Fig. 1, a regular train through a depressing (A) or
facilitating (B, C) synapse onto a passive membrane (Brian2 examples, frompapers/Tsodyks_Pawelzik_Markram_1998).
Reports the peak potential after each presynaptic spike for the three panels."""

import time

import numpy as np
from brian2 import (
    Gohm,
    Mohm,
    NeuronGroup,
    SpikeGeneratorGroup,
    StateMonitor,
    Synapses,
    ms,
    mV,
    pA,
    run,
    start_scope,
)
from common import main, next_build, run_seconds

PANELS = {
    "A": (dict(tau_mem=40 * ms, R_in=100 * Mohm),
          dict(tau_inact=3 * ms, A_SE=250 * pA, tau_rec=800 * ms, U_SE=0.6), (100, 1100, 20), 1200),
    "B": (dict(tau_mem=60 * ms, R_in=1 * Gohm),
          dict(tau_inact=1.5 * ms, A_SE=1540 * pA, tau_rec=130 * ms, U_SE=0.03, tau_facil=530 * ms),
          (100, 1100, 20), 1200),
    "C": (dict(tau_mem=60 * ms, R_in=1 * Gohm),
          dict(tau_inact=1.5 * ms, A_SE=1540 * pA, tau_rec=130 * ms, U_SE=0.03, tau_facil=530 * ms),
          (100, 375, 70), 500),
}


def panel(neuron_p, syn_p, stim, duration):
    next_build()  # on cpp_standalone each panel is a build of its own
    start_scope()
    neuron = NeuronGroup(1, "tau_mem : second\nI_syn : ampere\nR_in : ohm\n"
                            "dv/dt = -v/tau_mem + (R_in*I_syn)/tau_mem : volt", method="exact")
    neuron.tau_mem, neuron.R_in = neuron_p["tau_mem"], neuron_p["R_in"]
    times = np.arange(stim[0], stim[1], 1000. / stim[2])
    source = SpikeGeneratorGroup(1, [0] * len(times), times * ms)
    eqs = """dx/dt = z/tau_rec : 1 (clock-driven)
             dy/dt = -y/tau_inact : 1 (clock-driven)
             A_SE : ampere
             U_SE : 1
             tau_inact : second
             tau_rec : second
             z = 1 - x - y : 1
             I_syn_post = A_SE*y : ampere (summed)"""
    if "tau_facil" in syn_p:
        eqs += "\ndu/dt = -u/tau_facil : 1 (clock-driven)\ntau_facil : second"
        action = "u += U_SE*(1-u)\ny += u*x\nx += -u*x"
    else:
        action = "y += U_SE*x\nx += -U_SE*x"
    syn = Synapses(source, neuron, model=eqs, on_pre=action, method="exponential_euler")
    syn.connect()
    syn.x = 1
    for key, value in syn_p.items():
        setattr(syn, key, value)
    mon = StateMonitor(neuron, "v", record=True)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = run_seconds(time.perf_counter() - t0)
    t, v = np.asarray(mon.t / ms), np.asarray(mon.v[0] / mV)
    ends = list(times[1:]) + [t[-1] + 1.]
    peaks = [float(v[(t >= s) & (t < e)].max()) for s, e in zip(times, ends)]
    return peaks, run_s


def simulate(seed, duration):
    out = {"run_s": 0., "timed_per_build": True}
    for name, (neuron_p, syn_p, stim, length) in PANELS.items():
        peaks, run_s = panel(neuron_p, syn_p, stim, length)
        out["run_s"] += run_s
        out[f"{name}_peaks_mV"] = peaks
        out[f"{name}_first_mV"], out[f"{name}_last_mV"], out[f"{name}_max_mV"] = peaks[0], peaks[-1], max(peaks)
    return out


if __name__ == "__main__":
    main(simulate, duration=0., size={})
