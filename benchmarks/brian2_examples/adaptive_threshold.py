"""Brian2 reference: leaky integrate-and-fire neurons with a threshold that rises by 3 mV at each spike
(Brian2 examples, adaptive_threshold), each driven by its own 500 Hz Poisson input adding 3 mV to ``v``; the
original's one neuron as ``N`` independent copies. Default (exact) integration at dt 0.1 ms. Reports the mean
rate, ``v`` at the threshold crossings (mean, std), the mean threshold (sampled every 1 ms) and the CV of the
interspike intervals pooled over neurons."""

import time

import numpy as np
from brian2 import (NeuronGroup, PoissonGroup, SpikeMonitor, StateMonitor, Synapses, defaultclock, Hz, ms, mV,
                    run)
from common import main


def simulate(seed, duration, N=1):
    defaultclock.dt = 0.1 * ms
    eqs = """
    dv/dt = -v/(10*ms) : volt
    dvt/dt = (10*mV-vt)/(15*ms) : volt
    """
    group = NeuronGroup(N, eqs, threshold="v > vt", reset="v = 0*mV\nvt += 3*mV")
    group.vt = 10 * mV
    inputs = PoissonGroup(N, 500 * Hz)
    synapses = Synapses(inputs, group, on_pre="v += 3*mV")
    synapses.connect(j="i")
    crossings = SpikeMonitor(group, variables="v")
    thresholds = StateMonitor(group, "vt", record=True, dt=1 * ms)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(crossings.i), np.asarray(crossings.t / ms)
    isis = np.concatenate([np.diff(np.sort(times[index == k])) for k in range(N)])
    v_cross = np.asarray(crossings.v / mV)
    return {"run_s": run_s, "rate_hz": index.size / N / (duration / 1000.),
            "v_cross_mean_mV": float(v_cross.mean()), "v_cross_std_mV": float(v_cross.std()),
            "vt_mean_mV": float(np.mean(thresholds.vt / mV)), "cv_isi": float(isis.std() / isis.mean())}


if __name__ == "__main__":
    main(simulate, duration=2000., size={"N": 1})
