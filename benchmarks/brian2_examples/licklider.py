"""Brian2 reference: Licklider's model of pitch perception with spiking neurons (Brian2 examples,
synapses/licklider): two noisy receptors locked to a tone of rising pitch, coincidence detectors reading them
through delay lines of 1/f_j. Reports the detectors' and receptors' rates and the fraction of detector spikes
whose detector's period is near a whole number of the tone's periods at the spike (its pitch
``200 Hz + 400 Hz/s t`` over ``f_j`` within 0.1 of 1, 2, 3, ...)."""

import time

import numpy as np
from brian2 import Hz, NeuronGroup, SpikeMonitor, Synapses, defaultclock, exp, log, ms, run, second  # noqa: F401
from common import main


def simulate(seed, duration, num_neurons=300):
    defaultclock.dt = .02 * ms
    tau_ear = 1 * ms  # noqa: F841
    eqs_ear = '''
    dx/dt = (sound-x)/tau_ear+0.1*(2./tau_ear)**.5*xi : 1 (unless refractory)
    sound = 5*sin(2*pi*frequency*t)**3 : 1 # nonlinear distortion
    frequency = (200+200*t*Hz)*Hz : Hz # increasing pitch
    '''
    receptors = NeuronGroup(2, eqs_ear, threshold='x>1', reset='x=0', refractory=2 * ms)
    min_freq, max_freq = 50 * Hz, 1000 * Hz  # noqa: F841
    tau, sigma = 1 * ms, .1  # noqa: F841
    eqs_neurons = '''
    dv/dt = -v/tau+sigma*(2./tau)**.5*xi : 1
    '''
    neurons = NeuronGroup(num_neurons, eqs_neurons, threshold='v>1', reset='v=0')
    synapses = Synapses(receptors, neurons, on_pre='v += 0.5')
    synapses.connect()
    synapses.delay = 'i*1.0/exp(log(min_freq/Hz)+(j*1.0/(num_neurons-1))*log(max_freq/min_freq))*second'
    spikes, receptor_spikes = SpikeMonitor(neurons), SpikeMonitor(receptors)
    t0 = time.perf_counter()
    run(duration * ms)
    run_s = time.perf_counter() - t0
    index, times = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    best = np.exp(np.log(50.) + np.arange(num_neurons) / (num_neurons - 1) * np.log(1000. / 50.))
    ratio = (200. + 400. * times / 1000.) / best[index]  # the pitch: d(phase)/dt / 2 pi
    matched = (np.abs(ratio - np.round(ratio)) < 0.1) & (np.round(ratio) >= 1.)
    return {"run_s": run_s, "rate_hz": index.size / num_neurons / (duration / 1000.),
            "receptor_rate_hz": np.asarray(receptor_spikes.i).size / 2 / (duration / 1000.),
            "matched_fraction": float(np.mean(matched))}


if __name__ == "__main__":
    main(simulate, duration=500., size={"num_neurons": 300})
