"""Brian2 versions of the models of ``tests/spec_models/``, timed by ``benchmarks/spec_models.py``.

    python spec_models_brian2.py MODEL SIZE DURATION_MS WORKDIR [SEED]

cpp_standalone, one thread. Prints one JSON line: the simulation loop's time Brian2 reports and one statistic.
"""

import json
import sys

import brian2 as b2
import numpy as np
from brian2 import Hz, ms, mV, nS, pF

model, size, duration, workdir = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
b2.BrianLogger.log_level_warn()
b2.set_device("cpp_standalone", directory=workdir, build_on_run=True)
b2.seed(seed)
b2.defaultclock.dt = 0.1 * ms


def cann(N):
    """The CANN: Gaussian recurrent weights, divisive normalisation through a summed u^2, a moving stimulus."""
    b2.defaultclock.dt = 0.05 * ms
    tau, k, a, A, J0 = 1 * ms, 8.1, 0.5, 0.1, 4.
    x = np.linspace(-np.pi, np.pi, N + 1)[1:]
    d = np.abs(x[:, None] - x[None, :])
    d = np.where(d > np.pi, 2 * np.pi - d, d)
    W = J0 * np.exp(-0.5 * (d / a) ** 2) / (np.sqrt(2 * np.pi) * a)
    steps = int(round(duration / 0.05))
    pos = 0.05 * np.arange(steps) * 0.05
    dd = np.abs(pos[:, None] - x[None, :]) % (2 * np.pi)
    dd = np.where(dd > np.pi, 2 * np.pi - dd, dd)
    Iext = b2.TimedArray(A * np.exp(-0.25 * (dd / a) ** 2), dt=0.05 * ms)
    H = b2.NeuronGroup(1, "total : 1")
    G = b2.NeuronGroup(N, """du/dt = (-u + Irec + Iext(t, i)) / tau : 1
                             Irec : 1
                             usum : 1 (linked)
                             r : 1""", method="euler")
    G.run_regularly("r = u**2 / (1 + k * usum)", when="before_synapses")
    G.usum = b2.linked_var(H, "total", index=np.zeros(N, dtype=int))
    S_sum = b2.Synapses(G, H, "total_post = u_pre**2 : 1 (summed)")
    S_sum.connect()
    S = b2.Synapses(G, G, "w : 1\nIrec_post = w * r_pre : 1 (summed)")
    S.connect()
    S.w = W.ravel()  # synapses of connect() are ordered by pre, then post
    M = b2.StateMonitor(G, "u", record=True, dt=1 * ms)
    objs = [G, H, S_sum, S, M]
    return objs, lambda: float(np.max(M.u[:, -1])), dict(locals())


def tsodyks_markram(N):
    """N Poisson-driven Tsodyks-Markram synapses onto N passive membranes, event-driven."""
    U, tau_d, tau_f, tau_s, tau_m = 0.2, 150 * ms, 600 * ms, 3 * ms, 20 * ms
    P = b2.PoissonGroup(N, 20 * Hz)
    G = b2.NeuronGroup(N, """dV/dt = (-V + I) / tau_m : 1
                             dI/dt = -I / tau_s : 1""", method="exact")
    S = b2.Synapses(P, G, """dx/dt = (1 - x) / tau_d : 1 (event-driven)
                             du/dt = (U - u) / tau_f : 1 (event-driven)""",
                    on_pre="""u += U * (1 - u)
                              I_post += u * x
                              x -= u * x""", delay=1 * ms)
    S.connect(j="i")
    S.x, S.u = 1, U
    return [P, G, S], lambda: float(np.mean(S.x)), dict(locals())


def gap_junctions(N):
    """Brian2's gap-junction example at N neurons."""
    tau, w = 10 * ms, 0.05
    G = b2.NeuronGroup(N, """dv/dt = (v0 - v + Igap) / tau : 1
                             v0 : 1
                             Igap : 1""", threshold="v > 1", reset="v = 0", method="euler")
    G.v0 = np.linspace(1.05, 3, N)
    S = b2.Synapses(G, G, "Igap_post = w * (v_pre - v_post) : 1 (summed)")
    S.connect("i != j")
    M = b2.SpikeMonitor(G)
    return [G, S, M], lambda: int(M.num_spikes), dict(locals())


def izhikevich(N):
    """Izhikevich's network, 4:1, thalamic noise held each ms, pulse synapses with 1-10 ms axonal delays."""
    Ne, Ni = int(0.8 * N), N - int(0.8 * N)
    rng = np.random.RandomState(seed)
    re, ri = rng.rand(Ne), rng.rand(Ni)
    steps = int(round(duration))
    th = np.concatenate([5 * np.ones(Ne), 2 * np.ones(Ni)]) * rng.randn(steps, N)
    I_th = b2.TimedArray(th, dt=1 * ms)
    G = b2.NeuronGroup(N, """dv/dt = (0.04 * v**2 + 5 * v + 140 - u + I_th(t, i)) / ms : 1
                             du/dt = a * (b * v - u) / ms : 1
                             a : 1
                             b : 1
                             c : 1
                             d : 1""", threshold="v >= 30", reset="v = c; u += d", method="euler")
    G.a = np.concatenate([0.02 * np.ones(Ne), 0.02 + 0.08 * ri])
    G.b = np.concatenate([0.2 * np.ones(Ne), 0.25 - 0.05 * ri])
    G.c = np.concatenate([-65 + 15 * re ** 2, -65 * np.ones(Ni)])
    G.d = np.concatenate([8 - 6 * re ** 2, 2 * np.ones(Ni)])
    G.v = -65
    G.u = -65 * np.concatenate([0.2 * np.ones(Ne), 0.25 - 0.05 * ri])
    scale = 1000. / N / 0.1
    # the engine's pulse reaches the target's input for one step: a jump of dt * w
    Se = b2.Synapses(G[:Ne], G, "w : 1", on_pre="v_post += 0.1 * w")
    Se.connect(p=0.1)
    Se.w = "0.5 * scale * rand()"
    Se.delay = "1*ms + 9*ms*rand()"
    Si = b2.Synapses(G[Ne:], G, "w : 1", on_pre="v_post += 0.1 * w", delay=1 * ms)
    Si.connect(p=0.1)
    Si.w = "-scale * rand()"
    M = b2.SpikeMonitor(G)
    return [G, Se, Si, M], lambda: int(M.num_spikes), dict(locals())


def stdp(N):
    """Song, Miller & Abbott's STDP example at N inputs (gmax as in tests/spec_models/stdp.py)."""
    taum, taue, Ee, vt, vr, El = 10 * ms, 5 * ms, 0 * mV, -54 * mV, -60 * mV, -74 * mV
    taupre = taupost = 20 * ms
    gmax = 0.05
    dApre = 0.01 * gmax
    dApost = -dApre * 1.05
    P = b2.PoissonGroup(N, 15 * Hz)
    G = b2.NeuronGroup(1, """dv/dt = (ge * (Ee - v) + El - v) / taum : volt
                             dge/dt = -ge / taue : 1""", threshold="v > vt", reset="v = vr", method="euler")
    G.v = vr
    S = b2.Synapses(P, G, """w : 1
                             dApre/dt = -Apre / taupre : 1 (event-driven)
                             dApost/dt = -Apost / taupost : 1 (event-driven)""",
                    on_pre="""ge += w
                              Apre += dApre
                              w = clip(w + Apost, 0, gmax)""",
                    on_post="""Apost += dApost
                               w = clip(w + Apre, 0, gmax)""")
    S.connect()
    S.w = "rand() * gmax"
    return [P, G, S], lambda: float(np.mean(S.w) / gmax), dict(locals())


def wang2002(N):
    """Wang's network at N neurons (4:1), conductances scaled to its size, in the formulation of Brian2's
    ``frompapers/Wang_2002`` example: AMPA and GABA gates per target neuron (jumps by the weight, 0.5 ms after
    the spike), NMDA gates per source neuron (``x_pre += 1`` 0.5 ms after its spike) summed with their weights
    onto the targets' ``s_NMDA_tot``, all-to-all with autapses. The example sums the NMDA gates through three
    population sums; here a summed variable per synapse gives the same sum, as tests/spec_models/wang2002.py
    writes it. The external input (background and a constant stimulus on A and B) is one Poisson source per
    neuron, as there, where the example draws 1000 background sources per neuron (``PoissonInput``)."""
    N_E, N_I = int(0.8 * N), N - int(0.8 * N)
    f, w_plus = 0.15, 1.7
    w_minus = 1 - f * (w_plus - 1) / (1 - f)
    n_sel = int(f * N_E)
    scale = 1600. / N_E
    V_L, V_th, V_reset = -70 * mV, -50 * mV, -55 * mV
    E_GABA = -70 * mV
    tau_AMPA, tau_rise, tau_decay, alpha, tau_GABA = 2 * ms, 2 * ms, 100 * ms, 0.5 / ms, 5 * ms
    eqs = """dV/dt = (-g_L * (V - V_L) - I_syn) / C : volt (unless refractory)
             I_syn = (s_ext + s_AMPA) * V + s_GABA * (V - E_GABA)
                     + g_NMDA * s_NMDA_tot * V / (1 + exp(-0.062 * V / mV) / 3.57) : amp
             ds_ext/dt = -s_ext / tau_AMPA : siemens
             ds_AMPA/dt = -s_AMPA / tau_AMPA : siemens
             ds_GABA/dt = -s_GABA / tau_GABA : siemens
             s_NMDA_tot : 1
             C : farad
             g_L : siemens
             g_NMDA : siemens"""
    nmda_gates = """
             dx/dt = -x / tau_rise : 1
             ds_NMDA/dt = -s_NMDA / tau_decay + alpha * x * (1 - s_NMDA) : 1"""
    E = b2.NeuronGroup(N_E, eqs + nmda_gates, threshold="V > V_th", reset="V = V_reset", refractory=2 * ms,
                       method="euler")
    I = b2.NeuronGroup(N_I, eqs, threshold="V > V_th", reset="V = V_reset", refractory=1 * ms, method="euler")
    g_ext, g_AMPA, g_GABA = {}, {}, {}
    for G, (Cm, gL, ge, ga, gn, gg) in ((E, (500, 25, 2.1, 0.05, 0.165, 1.3)),
                                        (I, (200, 20, 1.62, 0.04, 0.13, 1.0))):
        G.C, G.g_L, G.g_NMDA = Cm * pF, gL * nS, gn * scale * nS
        g_ext[G], g_AMPA[G], g_GABA[G] = ge * nS, ga * scale * nS, gg * scale * nS
        G.V = "V_L + rand() * (V_th - V_L)"
    rate_hz = np.full(N, 2400.)
    rate_hz[:n_sel] += 40 * 1.5
    rate_hz[n_sel:2 * n_sel] += 40 * 0.5
    P = b2.PoissonGroup(N, rate_hz * Hz)
    ext_E = b2.Synapses(P[:N_E], E, "w : siemens", on_pre="s_ext_post += w")
    ext_I = b2.Synapses(P[N_E:], I, "w : siemens", on_pre="s_ext_post += w")
    open_NMDA = b2.Synapses(E, E, on_pre="x_pre += 1", delay=0.5 * ms)
    open_NMDA.connect(j="i")
    objs = [E, I, P, ext_E, ext_I, open_NMDA]
    for S, G in ((ext_E, E), (ext_I, I)):
        S.connect(j="i")
        S.w = g_ext[G]
    for target in (E, I):
        A = b2.Synapses(E, target, "w : siemens", on_pre="s_AMPA_post += w", delay=0.5 * ms)
        Nm = b2.Synapses(E, target, "w : 1\ns_NMDA_tot_post = w * s_NMDA_pre : 1 (summed)")
        G = b2.Synapses(I, target, "w : siemens", on_pre="s_GABA_post += w", delay=0.5 * ms)
        for S in (A, Nm, G):
            S.connect()
        structure = "1"  # the weights' structure onto E: w+ within A and within B, w- into them from the others
        if target is E:
            structure = ("int(j >= 2 * n_sel) + int(j < 2 * n_sel) * (w_minus + (w_plus - w_minus) * "
                         "(int(i < n_sel and j < n_sel) + int(i >= n_sel and i < 2 * n_sel and j >= n_sel)))")
        g_rec, g_inh = g_AMPA[target], g_GABA[target]
        A.w = f"g_rec * ({structure})"
        Nm.w = structure
        G.w = "g_inh"
        objs += [A, Nm, G]
    M = b2.SpikeMonitor(E)
    MI = b2.SpikeMonitor(I)
    objs += [M, MI]
    seconds = duration / 1000.
    return objs, lambda: [M.num_spikes / N_E / seconds, MI.num_spikes / N_I / seconds], dict(locals())


objs, stat, namespace = {"cann": cann, "tsodyks_markram": tsodyks_markram, "gap_junctions": gap_junctions,
              "izhikevich": izhikevich, "stdp": stdp, "wang2002": wang2002}[model](size)
net = b2.Network(*objs)
namespace = {k: v for k, v in namespace.items() if not isinstance(v, (b2.Group, b2.BrianObject))}
net.run(duration * ms, namespace=namespace)
print(json.dumps({"run_s": b2.device._last_run_time, "stat": stat()}))
