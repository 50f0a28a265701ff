"""The bundled example run by ``bpwidgets demo``: a Hodgkin-Huxley neuron under a current step.

The model library's HH neuron is run with each ODE method of bp_core, and the membrane
traces are saved as one figure.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import bp_core as bp

ODE_METHODS = ("euler", "exponential", "midpoint", "heun", "rk2", "rk3", "rk4", "rk4_alternative")


def simulate(method: str, duration: float = 50.0, dt: float = 0.01, current: float = 10.0) -> np.ndarray:
    """Return the membrane potential of the model library's HH neuron (the squid axon's leak, 0.03 mS/cm2)
    integrated with ``method``, under a ``current`` step (uA/cm2) from 5 ms."""
    with bp.profile.override(dt=dt):
        neuron = bp.NeuGroup(bp.models.get_HH(g_Leak=0.03, method=method), 1, monitors=['V'])
        step, _ = bp.inputs.constant_current([(0.0, 5.0), (current, duration - 5.0)])
        neuron.run(duration, inputs=('ST.input', step[:, None]))
    return neuron.mon.V[:, 0]


def run(output: str | Path = "bpwidgets-demo.png") -> Path:
    """Integrate the HH neuron with every ODE method, print spike counts and save the traces."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dt, duration = 0.01, 50.0
    t = np.arange(int(round(duration / dt))) * dt
    fig, ax = plt.subplots(figsize=(9, 4))
    for method in ODE_METHODS:
        start = time.perf_counter()
        V = simulate(method, duration, dt)
        spikes = int(np.sum((V[1:] >= 0) & (V[:-1] < 0)))
        print(f"{method:>16}: {spikes} spikes in {duration:.0f} ms  ({time.perf_counter() - start:.2f} s)")
        ax.plot(t, V, lw=1, label=method)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("V (mV)")
    ax.set_title("Hodgkin-Huxley neuron, 10 uA/cm^2 step at 5 ms")
    ax.legend(fontsize=7, ncol=2)
    path = Path(output).resolve()
    fig.savefig(path, dpi=120, bbox_inches="tight")
    print(f"figure saved to {path}")
    return path
