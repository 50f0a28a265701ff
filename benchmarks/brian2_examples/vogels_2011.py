"""Brian2 reference: Vogels et al. (2011), inhibitory plasticity in a recurrent network (Brian2 examples,
frompapers/Vogels_et_al_2011): one second without plasticity, then plastic inhibitory-to-excitatory
synapses. ``NE`` and ``epsilon`` set the size. Reports the excitatory rate before plasticity (0.8-1 s) and
in the last second, the CV of ISI in the last second and the final weights' mean and spread (nS)."""

import time

import numpy as np
import stats
from brian2 import Hz, NeuronGroup, SpikeMonitor, Synapses, defaultclock, ms, mV, nS, pA, pF, run
from common import main


def simulate(seed, duration, NE=8000, epsilon=0.02, static=1000.):
    defaultclock.dt = 0.1 * ms
    NI = NE // 4
    tau_ampa, tau_gaba, tau_stdp = 5.0 * ms, 10.0 * ms, 20 * ms  # noqa: F841
    gl, el, er, vt = 10.0 * nS, -60 * mV, -80 * mV, -50. * mV  # noqa: F841
    memc, bgcurrent = 200.0 * pF, 200 * pA  # noqa: F841
    eqs = """dv/dt = (-gl*(v - el) - (g_ampa*v + g_gaba*(v - er)) + bgcurrent)/memc : volt (unless refractory)
             dg_ampa/dt = -g_ampa/tau_ampa : siemens
             dg_gaba/dt = -g_gaba/tau_gaba : siemens"""
    neurons = NeuronGroup(NE + NI, model=eqs, threshold="v > vt", reset="v = el", refractory=5 * ms,
                          method="euler")
    Pe, Pi = neurons[:NE], neurons[NE:]
    con_e = Synapses(Pe, neurons, on_pre="g_ampa += 0.3*nS")
    con_e.connect(p=epsilon)
    con_ii = Synapses(Pi, Pi, on_pre="g_gaba += 3*nS")
    con_ii.connect(p=epsilon)
    alpha = 3 * Hz * tau_stdp * 2  # noqa: F841
    gmax = 100  # noqa: F841
    eta = 0.  # noqa: F841  (read by the synapses' code at each run)
    con_ie = Synapses(Pi, Pe, model="""w : 1
                                       dApre/dt = -Apre/tau_stdp : 1 (event-driven)
                                       dApost/dt = -Apost/tau_stdp : 1 (event-driven)""",
                      on_pre="""Apre += 1.
                                w = clip(w + (Apost - alpha)*eta, 0, gmax)
                                g_gaba += w*nS""",
                      on_post="""Apost += 1.
                                 w = clip(w + Apre*eta, 0, gmax)""", namespace={})
    con_ie.namespace.update(dict(tau_stdp=tau_stdp, alpha=alpha, gmax=gmax, eta=0.))
    con_ie.connect(p=epsilon)
    con_ie.w = 1e-10
    sm = SpikeMonitor(Pe)
    run(static * ms)
    con_ie.namespace["eta"] = 1e-2
    t0 = time.perf_counter()
    run((duration - static) * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(sm.i), np.asarray(sm.t / ms)
    before = (times >= static - 200.) & (times < static)
    last = times >= duration - 1000.
    w = np.asarray(con_ie.w)
    return {"run_s": run_s, "rate_before_hz": float(before.sum() / NE / 0.2),
            "rate_last_hz": float(last.sum() / NE), "cv_isi_last": stats.cv_isi(index, times, duration - 1000.),
            "w_mean": float(w.mean()), "w_sd": float(w.std())}


if __name__ == "__main__":
    main(simulate, duration=10000., size={"NE": 8000, "epsilon": 0.02})
