"""Jeffress model of sound localisation with spiking neurons (Brian2's ``synapses/jeffress`` example).

A white-noise sound turns around the head once per second; each of two ears hears it with the delay of its
side, ``delay = distance sin(theta)``, and is a noisy leaky integrator of the sound that spikes at 1
(refractory 2.5 ms). ``num_neurons`` coincidence detectors (noisy leaky integrators, ``v += 0.5`` per input
spike, threshold 1) receive both ears through delay lines: ear 0 reaches detector ``j`` after
``j / (n - 1) 1.1 max_delay``, ear 1 after ``(n - 1 - j) / (n - 1) 1.1 max_delay``, so the detector whose
delay lines cancel the interaural delay fires most: the source's azimuth becomes a place code.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

dt = 0.02  # ms
sound_speed, interaural_distance = 300., 0.2  # m/s, m
max_delay = interaural_distance / sound_speed * 1000.  # ms
angular_speed = 2 * np.pi / 1000.  # rad/ms: one turn per second
tau_ear, sigma_ear, ear_refractory = 1., 0.1, 2.5  # ms, 1, ms
tau, sigma, weight = 1., 0.1, 0.5  # ms, 1, 1


@bp.integrate(method='euler')
def int_x(x, t, sound):
    return (sound - x) / tau_ear, sigma_ear * np.sqrt(2. / tau_ear)


@bp.integrate(method='euler')
def int_v(v, t):
    return -v / tau, sigma * np.sqrt(2. / tau)


def ear_update(ST, _t, _dt):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > ear_refractory - 0.5 * _dt:  # refractory for whole steps, as Brian2 counts them
        x = int_x(ST['x'], _t, ST['sound'])
        if x > 1.:
            x = 0.
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['x'] = x


def detector_update(ST, _t):
    v = int_v(ST['v'], _t)
    ST['spike'] = 0.
    if v > 1.:
        v = 0.
        ST['spike'] = 1.
    ST['v'] = v


def syn_update(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def syn_output(ST, post):
    post['v'] += weight * ST['s']


ear = bp.NeuType(name='Jeffress_ear', ST=bp.types.NeuState({'x': 0., 'sound': 0., 'spike': 0., 't_last_spike': -1e7}),
                 steps=ear_update, mode='scalar')
detector = bp.NeuType(name='Jeffress_detector', ST=bp.types.NeuState({'v': 0., 'spike': 0.}),
                      steps=detector_update, mode='scalar')
delay_line = bp.SynType(name='Jeffress_delay_line', ST=bp.types.SynState(['s']),
                        requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['v'])),
                        steps=(syn_update, syn_output), mode='scalar')


def heard_sound(sound: np.ndarray, n_steps: int) -> np.ndarray:
    """(step, ear): the value of ``sound`` (one sample per step) each ear hears at each step,
    ``sound(t - distance sin(angular_speed t))``; before the first sample it hears the first."""
    t = np.arange(n_steps) * dt
    distance = np.array([-0.5, 0.5]) * max_delay
    delayed = t[:, None] - distance[None, :] * np.sin(angular_speed * t)[:, None]
    return sound[np.clip(np.round(delayed / dt).astype(int), 0, sound.size - 1)]


def preferred_neuron(times: np.ndarray, num_neurons: int) -> np.ndarray:
    """The detector whose delay lines cancel the interaural delay at ``times`` (ms), as a fractional index."""
    return (num_neurons - 1) / 2. * (1. + np.sin(angular_speed * np.asarray(times)) / 1.1)


def run(duration: float = 1000., num_neurons: int = 30, seed: int = 0) -> dict:
    """Run the model (dt 0.02 ms); returns the detectors' and the ears' spikes (indices, times in ms), the
    number of detectors and the run time (s)."""
    rng = np.random.default_rng(seed)
    n_steps = int(round(duration / dt))
    sound = 10. * rng.standard_normal(n_steps)
    with bp.profile.override(dt=dt, seed=seed):
        ears = bp.NeuGroup(ear, 2, monitors=['spike'])
        neurons = bp.NeuGroup(detector, num_neurons, monitors=['spike'])
        j = np.arange(num_neurons)
        # All2All orders the synapses by ear, then detector
        delays = np.concatenate([j, num_neurons - 1 - j]) / (num_neurons - 1) * 1.1 * max_delay
        lines = bp.SynConn(delay_line, pre_group=ears, post_group=neurons, conn=bp.connect.All2All(), delay=delays)
        net = bp.Network(ears, neurons, lines)
        inputs = (ears, 'ST.sound', heard_sound(sound, n_steps), '=')
        net.build(duration, inputs=inputs)
        t0 = time.perf_counter()
        net.run(duration, inputs=inputs)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(neurons.mon.spike_index), 'spike_time': np.asarray(neurons.mon.spike_time),
            'ear_index': np.asarray(ears.mon.spike_index), 'ear_time': np.asarray(ears.mon.spike_time),
            'n': num_neurons, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run()
    r = np.corrcoef(out['spike_index'], preferred_neuron(out['spike_time'], out['n']))[0, 1]
    print(f"{out['spike_time'].size / out['n']:.1f} Hz, tracking r = {r:.3f}, run {out['run_s']:.3f} s")
