"""Brian2 reference: spike-based homeostasis (Brian2 examples, advanced/spike_based_homeostasis): two leaky
neurons under a Poisson input stepping through 25, 50, 0 and 35 Hz (10 s each), one of them also under a
steady 50 Hz input through a plastic synapse. ``n`` copies of the pair (the original: 1). Reports both
neurons' mean rates per segment and the plastic weight's mean at the end of each segment (``segment`` in
ms; ``duration`` is not used: the run is four segments)."""

import time

import numpy as np
from brian2 import Hz, NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, TimedArray, defaultclock, ms, run, second
from common import main


def simulate(seed, duration, n=1, segment=10000.):
    defaultclock.dt = 0.1 * ms
    rates = [25, 50, 0, 35]
    steady_stimulus = TimedArray([50] * Hz, dt=40 * second)  # noqa: F841
    steady_poisson = PoissonGroup(n, rates="steady_stimulus(t)")
    varying_stimulus = TimedArray(np.array(rates) * Hz, dt=segment * ms)  # noqa: F841
    varying_poisson = PoissonGroup(n, rates="varying_stimulus(t)")
    parameters = {"tau": 10 * ms, "dw_plus": 0.05, "dw_minus": 0.05, "w_max": 2, "w_initial": 0}
    eqs = "dv/dt = (0 - v)/tau : 1 (unless refractory)"
    with_h = NeuronGroup(n, eqs, threshold="v > 1", reset="v = -1", method="euler", refractory=1 * ms,
                         namespace=parameters)
    without_h = NeuronGroup(n, eqs, threshold="v > 1", reset="v = -1", method="euler", refractory=1 * ms,
                            namespace=parameters)
    plastic = Synapses(steady_poisson, with_h, "w : 1",
                       on_pre="""v_post += w
                                 w = clip(w + dw_plus, 0, w_max)""",
                       on_post="w = clip(w - dw_minus, 0, w_max)", namespace=parameters)
    plastic.connect(j="i")
    plastic.w = parameters["w_initial"]
    static_without = Synapses(varying_poisson, without_h, "w : 1", on_pre="v_post += w")
    static_without.connect(j="i")
    static_without.w = 2
    static_with = Synapses(varying_poisson, with_h, "w : 1", on_pre="v_post += w")
    static_with.connect(j="i")
    static_with.w = 2
    spikes_with, spikes_without = SpikeMonitor(with_h), SpikeMonitor(without_h)
    t0 = time.perf_counter()
    weights, out = [], {}
    for k in range(len(rates)):  # one run per segment, to read the weight at its end
        run(segment * ms)
        weights.append(float(np.mean(plastic.w)))
    run_s = time.perf_counter() - t0
    edges = np.arange(len(rates) + 1) * segment
    for key, mon in (("with", spikes_with), ("without", spikes_without)):
        counts = np.histogram(np.asarray(mon.t / ms), bins=edges)[0] / n / (segment / 1000.)
        for k in range(len(rates)):
            out[f"rate_{key}_{k}_hz"] = float(counts[k])
    for k in range(len(rates)):
        out[f"w_{k}"] = weights[k]
    return {"run_s": run_s, **out}


if __name__ == "__main__":
    main(simulate, duration=40000., size={"n": 1})
