"""Brian2 reference: the slope-threshold relationship in the adaptive threshold model with noisy input
(Brian2 examples, frompapers/Platkiewicz_Brette_2011, Fig. 5E,F). Reports the rate, and over all spikes the
mean depolarisation slope before a spike, the mean threshold (the potential last recorded before it), their
correlation and the regression slope of threshold on depolarisation slope, computed as the original does."""

import time

import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, StateMonitor, ms, mV, run, sqrt
from common import main
from scipy.stats import linregress


def simulate(seed, duration, N=200):
    ENa, EL, vT, Vi = 60 * mV, -70 * mV, -55 * mV, -63 * mV  # noqa: F841
    tauh = tau = tauI = 5 * ms  # noqa: F841
    ka, ki = 5 * mV, 6 * mV
    a = ka / ki  # noqa: F841
    mu = 15 * mV  # noqa: F841
    sigma = 6 * mV / sqrt(tauI / (tauI + tau))  # noqa: F841
    eqs = """
    dv/dt=(EL-v+mu+sigma*I)/tau : volt
    dtheta/dt=(vT+a*clip(v-Vi, 0*mV, inf*mV)-theta)/tauh : volt
    dI/dt=-I/tauI+(2/tauI)**.5*xi : 1 # Ornstein-Uhlenbeck
    """
    neurons = NeuronGroup(N, eqs, threshold="v>theta", reset='v=EL', refractory=5 * ms)
    neurons.v = EL
    neurons.theta = vT
    neurons.I = 0
    S = SpikeMonitor(neurons)
    M = StateMonitor(neurons, 'v', record=True)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    # the original's analysis, in mV and ms
    t_M, v_M = np.asarray(M.t / ms), np.asarray(M.v / mV)
    tx = t_M[(t_M > 0) & (t_M < 1.5 * 5.)]
    slope, threshold = [], []
    for i, t in zip(np.asarray(S.i), np.asarray(S.t / ms)):
        mx = v_M[i, (t_M < t) & (t_M > t - 5.)]
        slope.append(linregress(tx[:len(mx)], mx).slope)
        threshold.append(mx[-1])
    slope, threshold = np.asarray(slope), np.asarray(threshold)
    return {"run_s": run_s, "rate_hz": slope.size / N / (duration / 1000.), "slope_mean": float(slope.mean()),
            "threshold_mean": float(threshold.mean()), "threshold_std": float(threshold.std()),
            "slope_threshold_r": float(np.corrcoef(slope, threshold)[0, 1]),
            "threshold_per_slope": float(linregress(slope, threshold).slope)}


if __name__ == "__main__":
    main(simulate, duration=1000., size={"N": 200})
