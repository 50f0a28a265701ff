"""Brian2 reference: prey localization by the sand scorpion (Sturzl, Kempter & van Hemmen 2000; Brian2
examples, frompapers/Sturzl_et_al_2000): eight leg receptors driven by a surface wave, eight command
neurons with alpha-shaped currents, excitation from the own leg and delayed inhibition from the opposite
triad."""

import time

import numpy as np
import stats
from brian2 import NeuronGroup, SpikeMonitor, Synapses, TimedArray, cm, defaultclock, meter, ms, pi, run, second
from common import main


def simulate(seed, duration):
    degree = 2 * pi / 360.
    R, vr = 2.5 * cm, 50 * meter / second  # scorpion radius, Rayleigh wave speed
    phi = 144 * degree  # angle of the prey
    deltaI = .7 * ms  # inhibitory delay
    gamma = (22.5 + 45 * np.arange(8)) * degree  # leg angles
    delay = R / vr * (1 - np.cos(phi - gamma))
    times = np.arange(int(duration * ms / defaultclock.dt) + 1) * defaultclock.dt
    Dtot, w = 0., 0.
    for f in np.arange(150, 451):
        D = np.exp(-(f - 300) ** 2 / (2 * (50 ** 2)))
        w += 100 * D * np.cos(2 * pi * f * np.asarray(times / second) + 2 * pi * np.random.rand())
        Dtot += D
    w = .01 * w / Dtot
    rates = TimedArray(w, dt=defaultclock.dt)  # noqa: F841 (read by the equations)
    tau_legs, sigma = 1 * ms, .01  # noqa: F841
    legs = NeuronGroup(8, model="dv/dt=(1+rates(t-d)-v)/tau_legs+sigma*(2./tau_legs)**.5*xi:1\nd : second",
                       threshold="v > 1", reset="v = 0", refractory=1 * ms, method="euler")
    legs.d = delay
    tau, taus, wex, winh = 1 * ms, 1.001 * ms, 7, -2  # noqa: F841
    neurons = NeuronGroup(8, model="dv/dt = (x - v)/tau : 1\ndx/dt = (y - x)/taus : 1\ndy/dt = -y/taus : 1",
                          threshold="v>1", reset="v=0", method="linear")
    synapses_ex = Synapses(legs, neurons, on_pre="y+=wex")
    synapses_ex.connect(j="i")
    synapses_inh = Synapses(legs, neurons, on_pre="y+=winh", delay=deltaI)
    synapses_inh.connect("abs(((j - i) % N_post) - N_post/2) <= 1")
    spikes, leg_spikes = SpikeMonitor(neurons), SpikeMonitor(legs)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    counts = stats.spike_counts(np.asarray(spikes.i), 8)
    vector = np.sum(np.asarray(counts) * np.exp(gamma * 1j))
    return {"run_s": run_s, "command_counts": counts, "leg_rate_hz": len(leg_spikes.t) / 8 / (duration / 1000.),
            "command_rate_hz": sum(counts) / 8 / (duration / 1000.),
            "angle_deg": float(np.degrees(np.angle(vector)))}


if __name__ == "__main__":
    main(simulate, duration=500., size={})
