"""Licklider's model of pitch perception (autocorrelation by delay lines), with spiking neurons and phase locking
(Brian2's ``synapses/licklider`` example).

Two noisy "receptors" (leaky integrators, 1 ms) hear the same distorted tone ``5 sin(2 pi f t)^3``,
``f = 200 Hz + 200 Hz/s t``, whose pitch rises from 200 Hz by 400 Hz per second; they fire at ``x > 1`` (reset
0, refractory 2 ms, during which ``x`` stays at 0), locked to the tone's phase. Each of 300 coincidence
detectors (noisy leaky integrators, threshold 1, ``v += 0.5`` per input spike) hears receptor 0 at once and
receptor 1 through a delay ``1 / f_j``, ``f_j`` from 50 to 1000 Hz on a log scale: detector ``j`` fires when the
input repeats with period ``1 / f_j``, so the detectors whose ``f_j`` is the tone's frequency or one of its
subharmonics ``f / k`` light up and follow the rising pitch.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

dt = 0.02  # ms
tau_ear, sigma_ear, refractory = 1., 0.1, 2.  # ms, 1, ms
min_freq, max_freq = 50., 1000.  # Hz
tau, sigma, weight = 1., 0.1, 0.5  # ms, 1, 1


def frequency(t):
    """The original's ``frequency`` (Hz) at ``t`` ms, ``200 + 200 t``: the tone is ``sin(2 pi frequency t)``, so
    its pitch, the derivative of the phase over 2 pi, is ``200 + 400 t`` (:func:`pitch`)."""
    return 200. + 200. * t / 1000.


def pitch(t):
    """The tone's instantaneous frequency (Hz) at ``t`` ms: from 200 Hz, rising by 400 Hz per second."""
    return 200. + 400. * t / 1000.


@bp.integrate(method='euler')
def int_x(x, t):
    sound = 5. * np.sin(2. * np.pi * frequency(t) * t / 1000.) ** 3  # nonlinear distortion
    return (sound - x) / tau_ear, sigma_ear * np.sqrt(2. / tau_ear)


@bp.integrate(method='euler')
def int_v(v, t):
    return -v / tau, sigma * np.sqrt(2. / tau)


def receptor_update(ST, _t, _dt):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > refractory - 0.5 * _dt:  # refractory for whole steps, as Brian2 counts them
        x = int_x(ST['x'], _t)
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


receptor = bp.NeuType(name='Licklider_receptor', ST=bp.types.NeuState({'x': 0., 'spike': 0., 't_last_spike': -1e7}),
                      steps=receptor_update, mode='scalar')
detector = bp.NeuType(name='Licklider_detector', ST=bp.types.NeuState({'v': 0., 'spike': 0.}),
                      steps=detector_update, mode='scalar')
delay_line = bp.SynType(name='Licklider_delay_line', ST=bp.types.SynState(['s']),
                        requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['v'])),
                        steps=(syn_update, syn_output), mode='scalar')


def best_frequency(num_neurons: int) -> np.ndarray:
    """Detector ``j``'s frequency (Hz), the inverse of its delay line: log-spaced from 50 to 1000 Hz."""
    return np.exp(np.log(min_freq) + np.arange(num_neurons) / (num_neurons - 1) * np.log(max_freq / min_freq))


def matched_fraction(spike_index: np.ndarray, spike_time: np.ndarray, num_neurons: int, width: float = 0.1) -> float:
    """The fraction of detector spikes whose detector's period is within ``width`` periods of a whole number of
    the tone's periods at the spike's time (its pitch ``f / f_j`` near 1, 2, 3, ...)."""
    ratio = pitch(spike_time) / best_frequency(num_neurons)[spike_index]
    return float(np.mean((np.abs(ratio - np.round(ratio)) < width) & (np.round(ratio) >= 1.)))


def run(duration: float = 500., num_neurons: int = 300, seed: int = 0) -> dict:
    """Run the model (dt 0.02 ms); returns the detectors' and receptors' spikes (indices, times in ms), the number
    of detectors and the run time (s)."""
    with bp.profile.override(dt=dt, seed=seed):
        receptors = bp.NeuGroup(receptor, 2, monitors=['spike'])
        neurons = bp.NeuGroup(detector, num_neurons, monitors=['spike'])
        # All2All orders the synapses by receptor, then detector: receptor 0 at once, receptor 1 after 1 / f_j
        delays = np.concatenate([np.zeros(num_neurons), 1000. / best_frequency(num_neurons)])
        lines = bp.SynConn(delay_line, pre_group=receptors, post_group=neurons, conn=bp.connect.All2All(),
                           delay=delays)
        net = bp.Network(receptors, neurons, lines)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(neurons.mon.spike_index), 'spike_time': np.asarray(neurons.mon.spike_time),
            'receptor_index': np.asarray(receptors.mon.spike_index),
            'receptor_time': np.asarray(receptors.mon.spike_time),
            'n': num_neurons, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run()
    print(f"{out['spike_time'].size / out['n'] / out['duration'] * 1000.:.1f} Hz, receptors "
          f"{out['receptor_time'].size / 2 / out['duration'] * 1000.:.1f} Hz, matched "
          f"{matched_fraction(out['spike_index'], out['spike_time'], out['n']):.3f}, run {out['run_s']:.3f} s")
