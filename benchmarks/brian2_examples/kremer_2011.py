"""Brian2 reference: the barrel-cortex network of Kremer et al. 2011 (Brian2 examples,
frompapers/Kremer_et_al_2011_barrel_cortex), with the sizes as arguments: layer 4 and layer 2/3 rates and
the plastic feedforward weights."""

import time

import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, Synapses, ms, mV, pi, run
from common import main


def simulate(seed, duration, size=5, M4=22, M23exc=25, M23inh=12):
    N4, N23exc, N23inh = M4 ** 2, M23exc ** 2, M23inh ** 2
    Nbarrels = size ** 2  # noqa: F841
    barrelarraysize = size  # noqa: F841
    Fmax = .5 / (5 * ms)  # noqa: F841
    taum, taue, taui, El = 10 * ms, 2 * ms, 25 * ms, -70 * mV  # noqa: F841
    Vt, vt_inc, tauvt = -55 * mV, 2 * mV, 50 * ms  # noqa: F841
    taup, taud = 5 * ms, 25 * ms  # noqa: F841
    EPSC = 1 * mV * (taue / taum) ** (taum / (taue - taum))
    IPSC = -1 * mV * (taui / taum) ** (taum / (taui - taum))  # noqa: F841
    Ap, Ad = .05 * EPSC, -.04 * EPSC  # noqa: F841
    stimradius = (11 + 1) * .5  # noqa: F841
    layer4 = NeuronGroup(N4 * Nbarrels, """
        rate = int(is_active)*clip(cos(direction - selectivity), 0, inf)*Fmax : Hz
        is_active = abs((barrel_x + 0.5 - bar_x)*cos(direction) + (barrel_y + 0.5 - bar_y)*sin(direction)) < 0.5 : boolean
        barrel_x : integer
        barrel_y : integer
        selectivity : 1
        bar_x = cos(direction)*(t - stim_start_time)/(5*ms) + stim_start_x : 1 (shared)
        bar_y = sin(direction)*(t - stim_start_time)/(5*ms) + stim_start_y : 1 (shared)
        direction : 1 (shared)
        stim_start_time : second (shared)
        stim_start_x : 1 (shared)
        stim_start_y : 1 (shared)""", threshold="rand() < rate*dt", method="euler")
    layer4.barrel_x = "(i // N4) % barrelarraysize"
    layer4.barrel_y = "i // (barrelarraysize*N4)"
    layer4.selectivity = "(i % N4)/(1.0*N4)*2*pi"
    layer4.run_regularly("""direction = rand()*2*pi
        stim_start_x = barrelarraysize/2.0 - cos(direction)*stimradius
        stim_start_y = barrelarraysize/2.0 - sin(direction)*stimradius
        stim_start_time = t""", dt=60 * ms, when="start")
    layer23 = NeuronGroup(Nbarrels * (N23exc + N23inh), """
        dv/dt = (ge + gi + El - v)/taum : volt
        dge/dt = -ge/taue : volt
        dgi/dt = -gi/taui : volt
        dvt/dt = (Vt - vt)/tauvt : volt
        barrel_idx : integer
        x : 1
        y : 1""", threshold="v > vt", reset="v = El\nvt += vt_inc", refractory=2 * ms, method="euler")
    layer23.v, layer23.vt = El, Vt
    exc, inh = layer23[:Nbarrels * N23exc], layer23[Nbarrels * N23exc:]
    exc.x = "(i % (barrelarraysize*M23exc))*(1.0/M23exc)"
    exc.y = "(i // (barrelarraysize*M23exc))*(1.0/M23exc)"
    exc.barrel_idx = "floor(x) + floor(y)*barrelarraysize"
    inh.x = "(i % (barrelarraysize*M23inh))*(1.0/M23inh)"
    inh.y = "(i // (barrelarraysize*M23inh))*(1.0/M23inh)"
    inh.barrel_idx = "floor(x) + floor(y)*barrelarraysize"
    ff = Synapses(layer4, exc, """w : volt
                  dA_source/dt = -A_source/taup : volt (event-driven)
                  dA_target/dt = -A_target/taud : volt (event-driven)""",
                  on_pre="ge += w\nA_source += Ap\nw = clip(w + A_target, 0*mV, EPSC)",
                  on_post="A_target += Ad\nw = clip(w + A_source, 0*mV, EPSC)")
    ff.connect("(barrel_x_pre + barrelarraysize*barrel_y_pre) == barrel_idx_post", p=0.5)
    ff.w = EPSC * .5
    rec_exc = Synapses(exc, layer23, "w : volt", on_pre="ge += w")
    rec_exc.connect(p=".15*exp(-.5*(((x_pre - x_post)/.4)**2 + ((y_pre - y_post)/.4)**2))")
    rec_exc.w["j < Nbarrels*N23exc"] = EPSC * .3
    rec_exc.w["j >= Nbarrels*N23exc"] = EPSC
    rec_inh = Synapses(inh, exc, on_pre="gi += IPSC")
    rec_inh.connect(p="exp(-.5*(((x_pre - x_post)/.2)**2 + ((y_pre - y_post)/.2)**2))")
    s4, s23 = SpikeMonitor(layer4), SpikeMonitor(layer23)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    i23 = np.asarray(s23.i)
    n_exc = Nbarrels * N23exc
    w = np.asarray(ff.w / EPSC)
    return {"run_s": run_s, "rate4_hz": s4.num_spikes / len(layer4) / (duration / 1000.),
            "rate23exc_hz": float(np.sum(i23 < n_exc) / n_exc / (duration / 1000.)),
            "rate23inh_hz": float(np.sum(i23 >= n_exc) / (Nbarrels * N23inh) / (duration / 1000.)),
            "w_mean": float(w.mean()), "frac_low": float(np.mean(w < .1)), "frac_high": float(np.mean(w > .9)),
            "n_ff": int(len(ff)), "n_rec_exc": int(len(rec_exc)), "n_rec_inh": int(len(rec_inh))}


if __name__ == "__main__":
    main(simulate, duration=5000., size={"size": 5, "M4": 22, "M23exc": 25, "M23inh": 12})
