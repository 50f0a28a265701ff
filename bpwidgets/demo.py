"""The bundled example run by ``bpwidgets demo``: a Hodgkin-Huxley neuron under a current step.

The four HH equations are written as derivative functions, integrated with each
ODE method of bp_core, and the membrane traces are saved as one figure.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import bp_core as bp

E_NA, E_K, E_LEAK = 50.0, -77.0, -54.387
G_NA, G_K, G_LEAK, C = 120.0, 36.0, 0.03, 1.0
ODE_METHODS = ("euler", "exponential", "midpoint", "heun", "rk2", "rk3", "rk4", "rk4_alternative")


def _derivatives():
    def dm(m, t, V):
        alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
        beta = 4.0 * np.exp(-(V + 65) / 18)
        return alpha * (1 - m) - beta * m

    def dh(h, t, V):
        alpha = 0.07 * np.exp(-(V + 65) / 20.)
        beta = 1 / (1 + np.exp(-(V + 35) / 10))
        return alpha * (1 - h) - beta * h

    def dn(n, t, V):
        alpha = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
        beta = 0.125 * np.exp(-(V + 65) / 80)
        return alpha * (1 - n) - beta * n

    def dV(V, t, m, h, n, I_ext):
        I_Na = G_NA * m ** 3 * h * (V - E_NA)
        I_K = G_K * n ** 4 * (V - E_K)
        I_leak = G_LEAK * (V - E_LEAK)
        return (-I_Na - I_K - I_leak + I_ext) / C

    return dm, dh, dn, dV


def simulate(method: str, duration: float = 50.0, dt: float = 0.01, current: float = 10.0) -> np.ndarray:
    """Return the membrane potential of one HH neuron integrated with ``method``."""
    ints = [bp.integrate(f, method=method) for f in _derivatives()]
    for integrator in ints:
        integrator.dt = dt
    int_m, int_h, int_n, int_V = ints
    V, m, h, n = -65.0, 0.05, 0.6, 0.32
    trace = np.empty(int(round(duration / dt)))
    for i in range(trace.size):
        t = i * dt
        i_ext = current if t >= 5.0 else 0.0
        m, h, n, V = int_m(m, t, V), int_h(h, t, V), int_n(n, t, V), int_V(V, t, m, h, n, i_ext)
        trace[i] = V
    return trace


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
