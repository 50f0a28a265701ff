"""Brian2 reference: coincidence detection by a noisy LIF neuron (Rossant et al. 2011, Fig. 14; Brian2
examples, frompapers/Rossant_et_al_2011bis), ``n`` neurons per condition instead of one each."""

import time

import numpy as np
import stats
from brian2 import Equations, Hz, NeuronGroup, PoissonInput, SpikeMonitor, ms, mV, run
from common import main


def simulate(seed, duration, n=1):
    theta, El, vmean = -55 * mV, -65 * mV, -65 * mV  # noqa: F841 (theta read by the threshold)
    taum, taue, taui = 5 * ms, 3 * ms, 10 * ms  # noqa: F841 (read by the equations)
    eqs = Equations("""dv/dt  = (ge+gi-(v-El))/taum : volt
                       dge/dt = -ge/taue : volt
                       dgi/dt = -gi/taui : volt""")
    p, ne, ni = 15, 4000, 1000
    lambdac, lambdae, lambdai = 40 * Hz, 1 * Hz, 1 * Hz
    we = .5 * mV / (taum / taue) ** (taum / (taue - taum))
    wi = (vmean - El - lambdae * ne * we * taue) / (lambdae * ni * taui)
    group = NeuronGroup(2 * n, model=eqs, reset="v = El", threshold="v>theta", refractory=5 * ms, method="linear")
    group.v = El
    group.ge = group.gi = 0
    # kept in names: Brian2 collects the objects of the frame
    p1 = PoissonInput(group[:n], "ge", N=ne, rate=lambdae, weight=we)  # noqa: F841
    p2 = PoissonInput(group[:n], "gi", N=ni, rate=lambdai, weight=wi)  # noqa: F841
    p3 = PoissonInput(group[n:], "ge", N=ne, rate=lambdae - (p * 1.0 / ne) * lambdac, weight=we)  # noqa: F841
    p4 = PoissonInput(group[n:], "gi", N=ni, rate=lambdai, weight=wi)  # noqa: F841
    p5 = PoissonInput(group[n:], "ge", N=1, rate=lambdac, weight=p * we)  # noqa: F841
    spikes = SpikeMonitor(group)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    uncorrelated = index < n
    return {"run_s": run_s,
            "rate_uncorrelated_hz": stats.mean_rate(index[uncorrelated], times[uncorrelated], n, duration),
            "rate_correlated_hz": stats.mean_rate(index[~uncorrelated] - n, times[~uncorrelated], n, duration),
            "weights_mV": [float(we / mV), float(wi / mV)]}


if __name__ == "__main__":
    main(simulate, duration=1000., size={"n": 1})
