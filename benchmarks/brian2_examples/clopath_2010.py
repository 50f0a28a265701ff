"""Brian2 reference: voltage-based STDP without homeostasis (Brian2 examples,
frompapers/Clopath_et_al_2010_no_homeostasis): final weights of the pre-post and post-pre synapses after five
pairings at each frequency, in percent of the initial weight.

The original integrates with ``method='GSL_stateupdater'``; GSL is not installed beside this Brian2, so this runs
``exponential_euler``, the scheme of the port (each equation linear in its own variable, the others held over the
step). The model is deterministic: the seed changes nothing."""

import time

import numpy as np
from brian2 import NeuronGroup, Synapses, amp, defaultclock, ms, mV, nS, pF, run, siemens, us
from common import main


def simulate(seed, duration):
    V_rest, V_thresh = -70. * mV, -50. * mV
    Theta_low = V_rest  # noqa: F841
    x_reset, taux = 1., 15. * ms  # noqa: F841
    A_LTD, A_LTP = 1.5e-4, 1.5e-2  # noqa: F841
    tau_lowpass1, tau_lowpass2 = 40 * ms, 30 * ms  # noqa: F841
    Syn_model = "w_ampa:1"
    Pre_eq = """
             g_ampa_post += w_ampa*ampa_max_cond
             w_minus = A_LTD*(v_lowpass1_post/mV - Theta_low/mV)*(v_lowpass1_post/mV - Theta_low/mV > 0)
             w_ampa = clip(w_ampa-w_minus,0,w_max)
             """
    Post_eq = """
              v_lowpass1 += 10*mV
              v_lowpass2 += 10*mV
              w_plus = A_LTP*x_trace_pre*(v_lowpass2_post/mV - Theta_low/mV)*(v_lowpass2_post/mV - Theta_low/mV > 0)
              w_ampa = clip(w_ampa+w_plus,0,w_max)
              """
    gleak, C = 30. * nS, 300. * pF  # noqa: F841
    tau_AMPA, E_AMPA = 2. * ms, 0. * mV  # noqa: F841
    ampa_max_cond = 5.e-10 * siemens  # noqa: F841
    w_max = 1.  # noqa: F841
    eqs_neurons = """
    dv/dt = (gleak*(V_rest-v) + I_ext + I_syn)/C: volt
    dv_lowpass1/dt = (v-v_lowpass1)/tau_lowpass1 : volt
    dv_lowpass2/dt = (v-v_lowpass2)/tau_lowpass2 : volt
    I_ext : amp
    I_syn = g_ampa*(E_AMPA-v): amp
    dg_ampa/dt = -g_ampa/tau_AMPA : siemens
    dx_trace/dt = -x_trace/taux :1
    """
    defaultclock.dt = 100. * us
    rate_array = [1., 5., 10., 15., 20., 30., 50.]
    init_weight, reps = 0.5, 5
    Nrns = NeuronGroup(2, eqs_neurons, threshold='v>V_thresh', reset='v=V_rest;x_trace+=x_reset/(taux/ms)',
                       method='exponential_euler')
    Syn = Synapses(Nrns, Nrns, model=Syn_model, on_pre=Pre_eq, on_post=Post_eq)
    Syn.connect('i!=j')
    weights = np.zeros((2, len(rate_array)))
    run_s = 0.
    for jj, rate in enumerate(rate_array):
        pair_interval = 1000. / rate * ms - 10 * ms
        Nrns.v = V_rest
        Nrns.v_lowpass1 = V_rest
        Nrns.v_lowpass2 = V_rest
        Nrns.I_ext = 0 * amp
        Nrns.x_trace = 0.
        Syn.w_ampa = init_weight
        for ii in range(reps):
            Nrns.v[0] = V_thresh + 1 * mV
            t0 = time.perf_counter()
            run(10 * ms)
            run_s += time.perf_counter() - t0
            Nrns.v[1] = V_thresh + 1 * mV
            t0 = time.perf_counter()
            run(pair_interval)
            run_s += time.perf_counter() - t0
        weights[0, jj] = 100. * Syn.w_ampa[0] / init_weight
        weights[1, jj] = 100. * Syn.w_ampa[1] / init_weight
    return {"run_s": run_s, "rates_hz": rate_array, "pre_post_percent": weights[0].tolist(),
            "post_pre_percent": weights[1].tolist(), "pre_post_50hz": float(weights[0, -1]),
            "post_pre_1hz": float(weights[1, 0])}


if __name__ == "__main__":
    main(simulate, duration=0., size={})
