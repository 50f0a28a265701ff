"""Brian2 reference: Brunel & Wang 2001, Fig. 6b (Brian2 examples, frompapers/Brunel_Wang_2001): 1,000 LIF
neurons (80 % excitatory) with AMPA, NMDA (a per-synapse saturating gating variable summed into the
postsynaptic neuron) and GABA_A synapses, all-to-all, background Poisson input (800 sources at 3 Hz per
neuron), five selective subpopulations of excitatory neurons with potentiated recurrent weights; population
1 is stimulated at 1 s, population 2 at 2 s, and every neuron at 3 s (the reset). ``N`` scales the network
(the recurrent conductances scale as 800 / N_E, as in the original). Reports population rates in windows."""

import time

import numpy as np
from brian2 import Hz, Network, NeuronGroup, PoissonInput, SpikeMonitor, Synapses, TimedArray, ms, mV, nF, nS
from common import main
from stats import window_rate


def simulate(seed, duration, N=1000):
    N_E, N_I = int(N * 0.8), int(N * 0.2)
    V_L, V_thr, V_reset, V_E, V_I = -70. * mV, -50. * mV, -55. * mV, 0. * mV, -70. * mV
    C_m_E, C_m_I, g_m_E, g_m_I = 0.5 * nF, 0.2 * nF, 25. * nS, 20. * nS
    rate, C_ext = 3 * Hz, 800
    g_AMPA_ext_E, g_AMPA_rec_E = 2.08 * nS, 0.104 * nS * 800. / N_E
    g_AMPA_ext_I, g_AMPA_rec_I = 1.62 * nS, 0.081 * nS * 800. / N_E
    tau_AMPA = 2. * ms
    g_NMDA_E, g_NMDA_I = 0.327 * nS * 800. / N_E, 0.258 * nS * 800. / N_E
    tau_NMDA_rise, tau_NMDA_decay, alpha, Mg2 = 2. * ms, 100. * ms, 0.5 / ms, 1.
    g_GABA_E, g_GABA_I, tau_GABA = 1.25 * nS * 200. / N_I, 0.973 * nS * 200. / N_I, 10. * ms
    f, p, w_plus = 0.1, 5, 2.1
    N_sub, N_non = int(N_E * f), int(N_E * (1. - f * p))
    w_minus = 1. - f * (w_plus - 1.) / (1. - f)
    eqs = """
    dv / dt = (- g_m * (v - V_L) - I_syn) / C_m : volt (unless refractory)
    I_syn = I_AMPA_ext + I_AMPA_rec + I_NMDA_rec + I_GABA_rec : amp
    I_AMPA_ext = g_AMPA_ext * (v - V_E) * s_AMPA_ext : amp
    I_AMPA_rec = g_AMPA_rec * (v - V_E) * 1 * s_AMPA : amp
    ds_AMPA_ext / dt = - s_AMPA_ext / tau_AMPA : 1
    ds_AMPA / dt = - s_AMPA / tau_AMPA : 1
    I_NMDA_rec = g_NMDA * (v - V_E) / (1 + Mg2 * exp(-0.062 * v / mV) / 3.57) * s_NMDA_tot : amp
    s_NMDA_tot : 1
    I_GABA_rec = g_GABA * (v - V_I) * s_GABA : amp
    ds_GABA / dt = - s_GABA / tau_GABA : 1
    """
    ns_E = dict(g_m=g_m_E, C_m=C_m_E, g_AMPA_ext=g_AMPA_ext_E, g_AMPA_rec=g_AMPA_rec_E, g_NMDA=g_NMDA_E,
                g_GABA=g_GABA_E)
    ns_I = dict(g_m=g_m_I, C_m=C_m_I, g_AMPA_ext=g_AMPA_ext_I, g_AMPA_rec=g_AMPA_rec_I, g_NMDA=g_NMDA_I,
                g_GABA=g_GABA_I)
    shared = dict(V_L=V_L, V_E=V_E, V_I=V_I, tau_AMPA=tau_AMPA, Mg2=Mg2, tau_GABA=tau_GABA, V_thr=V_thr,
                  V_reset=V_reset)
    P_E = NeuronGroup(N_E, eqs, threshold="v > V_thr", reset="v = V_reset", refractory=2. * ms, method="euler",
                      namespace={**shared, **ns_E})
    P_I = NeuronGroup(N_I, eqs, threshold="v > V_thr", reset="v = V_reset", refractory=1. * ms, method="euler",
                      namespace={**shared, **ns_I})
    P_E.v = V_L
    P_I.v = V_L
    glut = """
    s_NMDA_tot_post = w * s_NMDA : 1 (summed)
    ds_NMDA / dt = - s_NMDA / tau_NMDA_decay + alpha * x * (1 - s_NMDA) : 1 (clock-driven)
    dx / dt = - x / tau_NMDA_rise : 1 (clock-driven)
    w : 1
    """
    ns_glut = dict(tau_NMDA_decay=tau_NMDA_decay, alpha=alpha, tau_NMDA_rise=tau_NMDA_rise)
    C_E_E = Synapses(P_E, P_E, model=glut, on_pre="s_AMPA += w\nx += 1", method="euler", namespace=ns_glut)
    C_E_E.connect("i != j")
    C_E_E.w[:] = 1
    for pi in range(N_non, N_non + p * N_sub, N_sub):
        # the original indexes C_E_E.indices[...], which cpp_standalone cannot before the run; same synapses
        C_E_E.w[f"j >= {pi} and j < {pi + N_sub}"] = w_minus
        C_E_E.w[f"i >= {pi} and i < {pi + N_sub} and j >= {pi} and j < {pi + N_sub}"] = w_plus
    C_E_I = Synapses(P_E, P_I, model=glut, on_pre="s_AMPA += w\nx += 1", method="euler", namespace=ns_glut)
    C_E_I.connect()
    C_E_I.w[:] = 1
    C_I_I = Synapses(P_I, P_I, on_pre="s_GABA += 1", method="euler")
    C_I_I.connect("i != j")
    C_I_E = Synapses(P_I, P_E, on_pre="s_GABA += 1", method="euler")
    C_I_E.connect()
    inputs = [PoissonInput(P_E, "s_AMPA_ext", C_ext, rate, "1"), PoissonInput(P_I, "s_AMPA_ext", C_ext, rate, "1")]
    C_selection, rate_selection = int(f * C_ext), 25 * Hz
    # the stimuli's weights name these TimedArrays: Brian2 finds them in this frame at run time
    stimuli1 = TimedArray(np.r_[np.zeros(40), np.ones(2), np.zeros(100)], dt=25 * ms)  # noqa: F841
    stimuli2 = TimedArray(np.r_[np.zeros(80), np.ones(2), np.zeros(100)], dt=25 * ms)  # noqa: F841
    stimuli_reset = TimedArray(np.r_[np.zeros(120), np.ones(2), np.zeros(100)], dt=25 * ms)  # noqa: F841
    inputs += [PoissonInput(P_E[N_non:N_non + N_sub], "s_AMPA_ext", C_selection, rate_selection, "stimuli1(t)"),
               PoissonInput(P_E[N_non + N_sub:N_non + 2 * N_sub], "s_AMPA_ext", C_selection, rate_selection,
                            "stimuli2(t)"),
               PoissonInput(P_E, "s_AMPA_ext", C_ext, rate_selection, "stimuli_reset(t)"),
               PoissonInput(P_I, "s_AMPA_ext", C_ext, rate_selection, "stimuli_reset(t)")]
    sp_E, sp_I = SpikeMonitor(P_E), SpikeMonitor(P_I)
    # an explicit Network: run() would collect the objects named in this frame, not those inside a list
    net = Network(P_E, P_I, C_E_E, C_E_I, C_I_I, C_I_E, *inputs, sp_E, sp_I)
    t0 = time.perf_counter()
    net.run(duration * ms)
    run_s = time.perf_counter() - t0
    i_E, t_E = np.asarray(sp_E.i), np.asarray(sp_E.t / ms)
    i_I, t_I = np.asarray(sp_I.i), np.asarray(sp_I.t / ms)
    # as examples/brunel_wang_2001/model.py's statistics(): the inhibitory and nonselective rates from 200 ms,
    # the selective populations' before the stimuli, in the delays after populations 1 and 2, after the reset
    pops = [np.arange(N_non + k * N_sub, N_non + (k + 1) * N_sub) for k in range(5)]
    out = {"run_s": run_s, "rate_I_hz": window_rate(i_I, t_I, np.arange(N_I), 200., duration),
           "rate_nonselective_hz": window_rate(i_E, t_E, np.arange(N_non), 200., duration)}
    if duration >= 4000.:
        out.update({"rate_selective_spont_hz": window_rate(i_E, t_E, np.concatenate(pops), 200., 1000.),
                    "rate_pop1_delay1_hz": window_rate(i_E, t_E, pops[0], 1100., 2000.),
                    "rate_pop2_delay1_hz": window_rate(i_E, t_E, pops[1], 1100., 2000.),
                    "rate_pop1_delay2_hz": window_rate(i_E, t_E, pops[0], 2100., 3000.),
                    "rate_pop2_delay2_hz": window_rate(i_E, t_E, pops[1], 2100., 3000.),
                    "rate_selective_reset_hz": window_rate(i_E, t_E, np.concatenate(pops), 3100., 4000.)})
    return out


if __name__ == "__main__":
    main(simulate, duration=4000., size={"N": 1000})
