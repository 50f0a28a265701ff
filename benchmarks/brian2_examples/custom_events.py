"""Brian2 reference: custom events (Brian2 examples, advanced/custom_events): a Poisson input (250 Hz) drives
``g`` of neuron G, ``g`` drives ``v``; ``v > 1`` is a spike (reset), ``g > 1`` a custom event ``gspike`` (once
per excursion: ``allow_gspike`` is cleared by it and set again by ``end_gspike``, ``g < 1``), and neuron H
counts G's spikes in ``x`` and its gspikes in ``y`` through two pathways of one synapse. ``n`` independent
copies (the original has one). Reports G's spike and gspike rates and the means of H's ``x`` and ``y``."""

import time

import numpy as np
from brian2 import EventMonitor, Hz, NeuronGroup, PoissonGroup, SpikeMonitor, StateMonitor, Synapses, ms, run
from common import main


def simulate(seed, duration, n=1):
    inp = PoissonGroup(n, rates=250 * Hz)
    G = NeuronGroup(n, """dv/dt = (g - v)/(50*ms) : 1
                          dg/dt = -g/(10*ms) : 1
                          allow_gspike : boolean""",
                    threshold="v > 1", reset="v = 0; g = 0; allow_gspike = True",
                    events={"gspike": "g > 1 and allow_gspike", "end_gspike": "g < 1 and not allow_gspike"})
    G.run_on_event("gspike", "allow_gspike = False")
    G.run_on_event("end_gspike", "allow_gspike = True")
    H = NeuronGroup(n, """dx/dt = -x/(10*ms) : 1
                          dy/dt = -y/(10*ms) : 1""")
    Sin = Synapses(inp, G, on_pre="g += 0.5")
    Sin.connect(j="i")
    S = Synapses(G, H, on_pre={"pre": "x += 1", "gpath": "y += 1"}, on_event={"pre": "spike", "gpath": "gspike"})
    S.connect(j="i")
    spikes, gspikes = SpikeMonitor(G), EventMonitor(G, "gspike")
    state = StateMonitor(H, ("x", "y"), record=True)
    G.allow_gspike = True
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    seconds = duration / 1000.
    return {"run_s": run_s, "spike_rate_hz": len(spikes.t) / n / seconds,
            "gspike_rate_hz": len(gspikes.t) / n / seconds, "x_mean": float(np.mean(state.x)),
            "y_mean": float(np.mean(state.y))}


if __name__ == "__main__":
    main(simulate, duration=500., size={"n": 1})
