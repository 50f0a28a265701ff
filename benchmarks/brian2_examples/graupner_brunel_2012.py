"""Brian2 reference: calcium-based plasticity (Brian2 examples, frompapers/Graupner_Brunel_2012): pre-post pairs
at 1 Hz for ``duration`` ms at the time differences ``dts``, ``2 * repetitions`` synapses per time difference
(half starting DOWN, half UP), Heun at dt 0.1 ms; all time differences in one network (the original runs one
network per time difference: the synapses are independent, so this is the same simulation). Reports per time
difference the probabilities of switching up (U) and down (D) and the change in mean strength."""

import time

import numpy as np
from brian2 import NeuronGroup, Synapses, ms, second, run
from common import main

BETA, B = .5, 5.


def simulate(seed, duration, dts=(-100., -30., 10.), repetitions=100):
    dts = np.asarray(dts, dtype=float)
    n = dts.size * 2 * repetitions
    pre = NeuronGroup(1, "", threshold="t > 100*ms", refractory=1 * second)
    post = NeuronGroup(n, "tspike : second", threshold="t > tspike", refractory=1 * second)
    post.tspike = (100. + np.repeat(dts, 2 * repetitions)) * ms
    eqs = """
    drho/dt = (-rho*(1-rho)*(rho_star-rho) + gamma_p*(1-rho)*int((c - theta_p) > 0)
               - gamma_d*rho*int((c-theta_d) > 0)
               + sigma*sqrt(tau)*sqrt(int((c-theta_d) > 0) + int((c-theta_p) > 0))*xi) / tau : 1 (clock-driven)
    dc/dt = -c/tau_Ca : 1 (clock-driven)
    tau : second (constant, shared)
    tau_Ca : second (constant, shared)
    rho_star : 1 (constant, shared)
    gamma_p : 1 (constant, shared)
    theta_p : 1 (constant, shared)
    gamma_d : 1 (constant, shared)
    theta_d : 1 (constant, shared)
    sigma : 1 (constant, shared)
    """
    synapses = Synapses(pre, post, model=eqs, on_pre="c += 1", on_post="c += 2", delay=13.7 * ms, method="heun")
    synapses.connect()
    synapses.tau_Ca = 20 * ms
    synapses.theta_d = 1
    synapses.theta_p = 1.3
    synapses.gamma_d = 200
    synapses.gamma_p = 321.808
    synapses.sigma = 2.8284
    synapses.tau = 150 * second
    synapses.rho_star = 0.5
    rho_initial = np.tile(np.repeat([0., 1.], repetitions), dts.size)
    synapses.rho = rho_initial
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    rho = np.asarray(synapses.rho[:])
    pair_dt = np.repeat(dts, 2 * repetitions)
    out = {"run_s": run_s, "U": [], "D": [], "change": []}
    for dt in dts:
        mine = pair_dt == dt
        up = float(np.mean(rho[mine & (rho_initial < .5)] > .5))
        down = float(np.mean(rho[mine & (rho_initial > .5)] < .5))
        out["U"].append(up)
        out["D"].append(down)
        out["change"].append(((1 - up) * BETA + down * (1 - BETA) + B * (up * BETA + (1 - down) * (1 - BETA)))
                             / (BETA + (1 - BETA) * B))
    for k, dt in enumerate(dts):  # scalars for the summary over seeds
        out[f"change_{int(dt)}"] = out["change"][k]
    return out


if __name__ == "__main__":
    main(simulate, duration=60000., size={"repetitions": 100})
