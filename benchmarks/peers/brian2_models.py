"""The benchmark models in Brian2, run by benchmarks/run.py inside Brian2's own virtual environment.

    python brian2_models.py MODEL N DURATION_MS MODE THREADS WORKDIR [SEED]

Prints one JSON line: build and run times (s), the simulation-loop time Brian2 reports, spikes, rate.
"""

import json
import sys
import time

start = time.perf_counter()
model, n, duration, mode, threads, workdir = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], \
    int(sys.argv[5]), sys.argv[6]
seed = int(sys.argv[7]) if len(sys.argv) > 7 else 1

import brian2 as b2  # noqa: E402
import numpy as np  # noqa: E402
from brian2 import ms, mV  # noqa: E402

b2.BrianLogger.log_level_warn()
if mode == "standalone":
    b2.set_device("cpp_standalone", directory=workdir, build_on_run=True)
    b2.prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
else:
    b2.prefs.codegen.target = mode
    b2.prefs.codegen.runtime.cython.cache_dir = workdir
b2.seed(seed)
b2.defaultclock.dt = 0.1 * ms


def coba(N):
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-60 * mV, Ee=0 * mV,
              Ei=-80 * mV, I=20 * mV, we=0.6, wi=6.7)
    eqs = """dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El) + I) / taum : volt (unless refractory)
             dge/dt = -ge/taue : 1
             dgi/dt = -gi/taui : 1"""
    P = b2.NeuronGroup(N, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="euler", namespace=ns)
    P.v = "randn()*5*mV - 55*mV"
    Ne = int(0.8 * N)
    Ce = b2.Synapses(P[:Ne], P, on_pre="ge += we", namespace=ns)
    Ci = b2.Synapses(P[Ne:], P, on_pre="gi += wi", namespace=ns)
    Ce.connect(p=80. / N)
    Ci.connect(p=80. / N)
    return P, [P, Ce, Ci]


def cuba(N):
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-49 * mV,
              we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV)
    eqs = """dv/dt = (ge+gi-(v-El))/taum : volt (unless refractory)
             dge/dt = -ge/taue : volt
             dgi/dt = -gi/taui : volt"""
    P = b2.NeuronGroup(N, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="exact", namespace=ns)
    P.v = "Vr + rand() * (Vt - Vr)"
    Ne = int(0.8 * N)
    Ce = b2.Synapses(P[:Ne], P, on_pre="ge += we", namespace=ns)
    Ci = b2.Synapses(P[Ne:], P, on_pre="gi += wi", namespace=ns)
    Ce.connect(p=80. / N)
    Ci.connect(p=80. / N)
    return P, [P, Ce, Ci]


def coba_delayed(N):
    """COBA with 1.5 ms delays on every synapse (Brian2's spike queue)."""
    P, objects = coba(N)
    for syn in objects[1:]:
        syn.delay = 1.5 * ms
    return P, objects


def gamma(N):
    b2.defaultclock.dt = 0.04 * ms
    ns = dict(Cm=1.0, gL=0.1, EL=-65., gNa=35., ENa=55., gK=9., EK=-90., phi=5.0, g_max=0.1 / N, Es=-75.,
              alpha=12., beta=0.1, Iext=1.2, ms=ms)
    eqs = """dv/dt = (-gNa*m_inf**3*h*(v-ENa) - gK*n**4*(v-EK) - gL*(v-EL) + Isyn + Iext) / Cm / ms : 1
             m_inf = alpha_m / (alpha_m + beta_m) : 1
             alpha_m = -0.1*(v+35) / (exp(-0.1*(v+35)) - 1) : 1
             beta_m = 4*exp(-(v+60)/18) : 1
             dh/dt = phi*(0.07*exp(-(v+58)/20)*(1-h) - 1/(exp(-0.1*(v+28))+1)*h) / ms : 1
             dn/dt = phi*(-0.01*(v+34)/(exp(-0.1*(v+34))-1)*(1-n) - 0.125*exp(-(v+44)/80)*n) / ms : 1
             Isyn : 1"""
    P = b2.NeuronGroup(N, eqs, threshold="v>0", refractory="v>0", method="rk4", namespace=ns)
    P.v = "-70 + rand()*20"
    P.h = "0.07*exp(-(v+58)/20) / (0.07*exp(-(v+58)/20) + 1/(exp(-0.1*(v+28))+1))"
    P.n = "(-0.01*(v+34)/(exp(-0.1*(v+34))-1)) / (-0.01*(v+34)/(exp(-0.1*(v+34))-1) + 0.125*exp(-(v+44)/80))"
    S = b2.Synapses(P, P, """ds/dt = (alpha/(1+exp(-v_pre/2))*(1-s) - beta*s) / ms : 1 (clock-driven)
                             Isyn_post = -g_max*s*(v_post-Es) : 1 (summed)""", method="rk4",
                    namespace=ns)
    S.connect(condition="i != j")
    return P, [P, S]


def single(N):
    ns = dict(taum=20 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-60 * mV)
    P = b2.NeuronGroup(N, "dv/dt = (-(v-El) + I) / taum : volt\nI : volt (constant)", threshold="v>Vt",
                       reset="v = Vr", method="euler", namespace=ns)
    P.v = -60 * mV
    P.I = np.linspace(10.5, 30., N) * mV
    return P, [P]


builders = {"coba": coba, "coba_delayed": coba_delayed, "cuba": cuba, "gamma": gamma, "single": single}
group, objects = builders[model](n)
monitor = b2.SpikeMonitor(group)
net = b2.Network(*objects, monitor)
built = time.perf_counter()
net.run(duration * ms)
ran = time.perf_counter()
print(json.dumps({"model": model, "n": n, "mode": mode, "threads": threads, "build_s": built - start,
                  "run_call_s": ran - built, "loop_s": float(b2.device._last_run_time),
                  "spikes": int(monitor.num_spikes), "rate_hz": monitor.num_spikes / n / (duration / 1000.),
                  "counts": [int(c) for c in monitor.count]}))
