"""Brian2 reference: Tsodyks, Uziel & Markram 2000, Fig. 1 (Brian2 examples,
frompapers/Tsodyks_Uziel_Markram_2000): 400 excitatory and 100 inhibitory LIF neurons with a per-neuron
background current, connected with probability 0.1 by synapses with short-term depression (and
facilitation onto and among interneurons), their strength, utilization and time constants drawn per synapse
from truncated normal laws; the depression makes the network fire in population bursts. dt 1 ms, a 900-ms
burn-in, then ``duration`` ms recorded. Reports the E and I rates, the rate of population bursts and the
mean recovered fraction ``x`` of the E-to-E synapses over the recorded run."""

import time

import numpy as np
import scipy.stats
from brian2 import NeuronGroup, SpikeMonitor, StateMonitor, Synapses, defaultclock, ms, mV, run
from common import main
from stats import population_bursts, population_counts


def truncated_normal(loc, scale, bounds, size):
    low, high = bounds
    return scipy.stats.truncnorm.rvs((low - loc) / scale, (high - loc) / scale, loc=loc, scale=scale, size=size)


def population(name, N, tau_refrac):
    neurons = NeuronGroup(N, """
        tau_mem : second
        v_reset : volt
        v_thresh : volt
        I_syn_ee : volt
        I_syn_ei : volt
        I_syn_ie : volt
        I_syn_ii : volt
        I_b : volt
        dv/dt = -v/tau_mem + (I_syn_ee + I_syn_ei + I_syn_ie + I_syn_ii)/tau_mem
                + I_b/tau_mem : volt (unless refractory)
        """, threshold="v>v_thresh", reset="v=v_reset", refractory=tau_refrac, method="exact", name=name)
    neurons.tau_mem = 30 * ms
    neurons.v_thresh = 15 * mV
    neurons.v_reset = 13.5 * mV
    neurons.I_b = np.random.uniform(15. - 0.5, 15. + 0.5, size=N) * mV
    return neurons


def synapses(name, source, target, tau_I, A, U, tau_rec, tau_facil=None):
    eqs = f"""
    A : volt
    U : 1
    tau_I : second
    tau_rec : second
    dx/dt = z/tau_rec : 1 (clock-driven)
    dy/dt = -y/tau_I : 1 (clock-driven)
    z = 1 - x - y : 1
    I_syn_{name}_post = A*y : volt (summed)
    """
    if tau_facil:
        eqs += """
        du/dt = -u/tau_facil : 1 (clock-driven)
        tau_facil : second
        """
        on_pre = "u += U*(1-u)\ny += u*x\nx += -u*x"
    else:
        on_pre = "y += U*x\nx += -U*x"
    S = Synapses(source, target, model=eqs, on_pre=on_pre, method="exact", name=f"{name}_synapses")
    S.connect(p=0.1)
    n = len(S)
    S.tau_I = tau_I * ms
    S.A = truncated_normal(A, 0.5 * abs(A), [min(0.2 * A, 2 * A), max(0.2 * A, 2 * A)], n) * mV
    U_mean, U_min, U_max = U
    S.U = truncated_normal(U_mean, 0.5 * U_mean, [U_min, U_max], n)
    S.tau_rec = truncated_normal(tau_rec, 0.5 * tau_rec, [5., np.inf], n) * ms
    if tau_facil:
        S.tau_facil = truncated_normal(tau_facil, 0.5 * tau_facil, [5., np.inf], n) * ms
    S.x = 1
    return S


def simulate(seed, duration, burnin=900.):
    defaultclock.dt = 1 * ms
    exc = population("exc", 400, 3 * ms)
    inh = population("inh", 100, 2 * ms)
    ee = synapses("ee", exc, exc, 3., 1.8, [0.5, 0.1, 0.9], 800.)
    # run() collects the objects named in this frame
    ei = synapses("ei", exc, inh, 3., 7.2, [0.04, 0.001, 0.07], 100., 1000.)  # noqa: F841
    ie = synapses("ie", inh, exc, 3., -5.4, [0.5, 0.1, 0.9], 800.)  # noqa: F841
    ii = synapses("ii", inh, inh, 3., -7.2, [0.04, 0.001, 0.07], 100., 1000.)  # noqa: F841
    run(burnin * ms)
    sp_E, sp_I = SpikeMonitor(exc), SpikeMonitor(inh)
    x_ee = StateMonitor(ee, "x", record=True)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    t_E, t_I = np.asarray(sp_E.t / ms) - burnin, np.asarray(sp_I.t / ms) - burnin
    seconds = duration / 1000.
    both = np.concatenate([t_E, t_I])
    return {"run_s": run_s, "rate_E_hz": t_E.size / 400 / seconds, "rate_I_hz": t_I.size / 100 / seconds,
            "burst_rate_hz": population_bursts(both, 500, duration).size / seconds,
            "burst_rate_02_hz": population_bursts(both, 500, duration, threshold=0.02).size / seconds,
            "peak_activity": float(population_counts(both, duration, 1.).max() / 500),
            "x_ee_mean": float(np.mean(x_ee.x))}


if __name__ == "__main__":
    main(simulate, duration=4200., size={})
