"""Brian2 reference: the Jeffress model of sound localisation (Brian2 examples, synapses/jeffress): two noisy
ears hear a white noise turning around the head, coincidence detectors read them through delay lines with one
delay per synapse. Reports the detectors' and ears' rates and how well the firing detector tracks the
source: the correlation of its index with the detector whose delays cancel the interaural delay."""

import time

import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, Synapses, TimedArray, cm, defaultclock, metre, ms, pi, randn, run, second
from common import main


def simulate(seed, duration, num_neurons=30):
    defaultclock.dt = .02 * ms
    sound = TimedArray(10 * randn(int(round(duration / 0.02))), dt=defaultclock.dt)  # noqa: F841
    sound_speed, interaural_distance = 300 * metre / second, 20 * cm
    max_delay = interaural_distance / sound_speed
    angular_speed = 2 * pi / second  # noqa: F841
    tau_ear, sigma_ear = 1 * ms, .1  # noqa: F841
    eqs_ears = """dx/dt = (sound(t - delay) - x)/tau_ear + sigma_ear*(2./tau_ear)**.5*xi : 1 (unless refractory)
                  delay = distance*sin(theta) : second
                  distance : second
                  dtheta/dt = angular_speed : radian"""
    ears = NeuronGroup(2, eqs_ears, threshold="x > 1", reset="x = 0", refractory=2.5 * ms, method="euler")
    ears.distance = [-.5 * max_delay, .5 * max_delay]
    tau, sigma = 1 * ms, .1  # noqa: F841
    neurons = NeuronGroup(num_neurons, "dv/dt = -v / tau + sigma * (2 / tau)**.5 * xi : 1", threshold="v > 1",
                          reset="v = 0", method="euler")
    synapses = Synapses(ears, neurons, on_pre="v += .5")
    synapses.connect()
    synapses.delay["i == 0"] = "(1.0*j)/(num_neurons-1)*1.1*max_delay"
    synapses.delay["i == 1"] = "(1.0*(num_neurons-j-1))/(num_neurons-1)*1.1*max_delay"
    spikes, ear_spikes = SpikeMonitor(neurons), SpikeMonitor(ears)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    preferred = (num_neurons - 1) / 2. * (1. + np.sin(2 * np.pi / 1000. * times) / 1.1)
    return {"run_s": run_s, "rate_hz": index.size / num_neurons / (duration / 1000.),
            "ear_rate_hz": np.asarray(ear_spikes.i).size / 2 / (duration / 1000.),
            "tracking_r": float(np.corrcoef(index, preferred)[0, 1])}


if __name__ == "__main__":
    main(simulate, duration=1000., size={"num_neurons": 30})
