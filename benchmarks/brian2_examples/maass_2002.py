"""Brian2 reference: the liquid of Maass, Natschlaeger & Markram 2002 (Brian2 examples,
frompapers/Maass_Natschlaeger_Markram_2002), its 135 neurons with dynamic synapses driven by one 20 Hz Poisson
spike train for ``duration`` ms (exact integration, dt 0.1 ms). The network, its parameters, the initial ``v`` and
the stimulus are drawn from the seed. Reports the E and I rates, the share of E spikes within 10 ms after a
stimulus spike, and the synapse count of each projection."""

import time

import numpy as np
from brian2 import (Mohm, Network, NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, Synapses, defaultclock, mV, ms,
                    nA)
from common import main

N_NEURONS, N_EXC = 135, 108
PROJECTIONS = {"ee": ("E", "E", 0.3, 3., 30., 0.5, 1100., 50., 1.5),
               "ei": ("E", "I", 0.2, 3., 60., 0.05, 125., 1200., 0.8),
               "ie": ("I", "E", 0.4, 6., -19., 0.25, 700., 20., 0.8),
               "ii": ("I", "I", 0.1, 6., -19., 0.32, 144., 60., 0.8)}


def simulate(seed, duration):
    defaultclock.dt = 0.1 * ms
    rng = np.random.default_rng(seed)
    neurons = NeuronGroup(N_NEURONS, """
        tau_refrac : second (constant)
        tau_stimulus : second (constant)
        I_syn_ee : ampere
        I_syn_ei : ampere
        I_syn_ie : ampere
        I_syn_ii : ampere
        dI_stimulus/dt = -I_stimulus/tau_stimulus : ampere
        dv/dt = (-v + (I_syn_ee + I_syn_ei + I_syn_ie + I_syn_ii + 13.5*nA + I_stimulus)*Mohm)/(30*ms)
            : volt (unless refractory)
        x_pos : 1 (constant)
        y_pos : 1 (constant)
        z_pos : 1 (constant)
        """, threshold="v > 15*mV", reset="v = 13.5*mV", refractory="tau_refrac", method="exact")
    indices = rng.permutation(N_NEURONS)
    neurons.x_pos = indices % 3
    neurons.y_pos = (indices // 3) % 3
    neurons.z_pos = indices // 9
    groups = {"E": neurons[:N_EXC], "I": neurons[N_EXC:]}
    groups["E"].tau_refrac = 3 * ms
    groups["E"].tau_stimulus = 3 * ms
    groups["I"].tau_refrac = 2 * ms
    groups["I"].tau_stimulus = 6 * ms
    stimulus = np.sort(rng.uniform(0., duration, rng.poisson(20. * duration / 1000.)))
    stimulus = np.unique(np.round(stimulus / 0.1) * 0.1)
    for name in ("E", "I"):
        groups[name].v = rng.uniform(13.5, 15., len(groups[name])) * mV
    source = SpikeGeneratorGroup(1, np.zeros(stimulus.size, dtype=int), stimulus * ms)
    drives = []
    for name, A in (("E", 18.), ("I", 9.)):
        drive = Synapses(source, groups[name], "A : ampere", on_pre="I_stimulus += A")
        drive.connect()
        drive.A = A * nA
        drives.append(drive)
    counts = {}
    projections = []
    for name, (pre, post, C, tau_I, A, U, D, F, delay) in PROJECTIONS.items():
        syn = Synapses(groups[pre], groups[post], model=f"""
            A : ampere (constant)
            U : 1 (constant)
            D : second (constant)
            F : second (constant)
            dx/dt = z/D : 1 (clock-driven)
            dy/dt = -y/({tau_I}*ms) : 1 (clock-driven)
            z = 1 - x - y : 1
            du/dt = -u/F : 1 (clock-driven)
            I_syn_{name}_post = A*y : ampere (summed)
            """, on_pre="u += U*(1-u)\ny += u*x\nx += -u*x", method="exact", delay=delay * ms)
        xp, yp, zp = (np.asarray(v) for v in (neurons.x_pos, neurons.y_pos, neurons.z_pos))
        pos = np.stack([xp, yp, zp], axis=1)
        a = np.arange(N_EXC) if pre == "E" else np.arange(N_EXC, N_NEURONS)
        b = np.arange(N_EXC) if post == "E" else np.arange(N_EXC, N_NEURONS)
        d2 = np.sum((pos[a][:, None, :] - pos[b][None, :, :]) ** 2, axis=2)
        i, j = np.nonzero(rng.random(d2.shape) < C * np.exp(-d2 / 4.))
        syn.connect(i=i, j=j)
        n = i.size
        syn.A = np.sign(A) * rng.gamma(1., abs(A), n) * nA
        u0 = rng.normal(U, 0.5, n)
        syn.U = np.where(u0 <= 0., U, u0)
        d0 = rng.normal(D, 0.5 * D, n)
        syn.D = np.where(d0 <= 0., D, d0) * ms
        f0 = rng.normal(F, 0.5 * F, n)
        syn.F = np.where(f0 <= 0., F, f0) * ms
        syn.x = 1
        counts[name] = n
        projections.append(syn)
    spikes_E, spikes_I = SpikeMonitor(groups["E"]), SpikeMonitor(groups["I"])
    # the synapses live in lists, which run()'s collection of the caller's objects does not look into
    net = Network(neurons, source, *drives, *projections, spikes_E, spikes_I)
    t0 = time.perf_counter()
    net.run(duration * ms)
    run_s = time.perf_counter() - t0
    e_time = np.asarray(spikes_E.t / ms)
    after = np.searchsorted(stimulus, e_time, side="right") - 1
    lag = e_time - np.where(after >= 0, stimulus[np.maximum(after, 0)], -np.inf)
    out = {"run_s": run_s, "rate_E_hz": e_time.size / N_EXC / (duration / 1000.),
           "rate_I_hz": len(spikes_I.t) / (N_NEURONS - N_EXC) / (duration / 1000.),
           "evoked_share": float(np.mean(lag <= 10.)) if lag.size else 0.}
    out.update({f"n_{k}": float(v) for k, v in counts.items()})
    return out


if __name__ == "__main__":
    main(simulate, duration=500., size={})
