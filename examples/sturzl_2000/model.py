"""Prey localization by the sand scorpion (Sturzl, Kempter & van Hemmen 2000; Brian2's
``frompapers/Sturzl_et_al_2000``, in which Poisson receptors are replaced by integrate-and-fire ones).

A surface wave from a prey at 144 degrees reaches the scorpion's eight legs with delays set by the leg's
angle. Each leg's receptor is a noisy integrate-and-fire neuron driven by the wave; each command neuron
gets excitation from its own leg and, 0.7 ms later, inhibition from the three opposite legs. Command
neurons integrate alpha-shaped currents (``v <- x <- y``, a linear system integrated exactly with
``method='linear'``); the population vector of their spike counts points at the prey.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

degree = 2 * np.pi / 360.
R = 2.5          # cm, radius of the scorpion
vr = 5.          # cm/ms (50 m/s), Rayleigh wave speed
phi = 144 * degree             # angle of the prey
gamma = (22.5 + 45 * np.arange(8)) * degree  # leg angles
delay = R / vr * (1 - np.cos(phi - gamma))   # ms, wave delay at each leg
delta_inh = 0.7  # ms, inhibitory delay
tau_legs = 1.    # ms
sigma = .01
tau = 1.         # ms
taus = 1.001     # ms: not equal to tau, as in the original (the closed form divides by tau - taus)
wex = 7.
winh = -2.


@bp.integrate(method='euler')
def int_leg(v, t, rate):
    return (1. + rate - v) / tau_legs, sigma * np.sqrt(2. / tau_legs)


def leg_update(ST, _t, _dt):
    ST['spike'] = 0.
    v = int_leg(ST['v'], _t, ST['rate'])
    # threshold gated by a 1 ms refractory period; the potential is not clamped (Brian2's refractory=...)
    if v > 1. and _t - ST['t_last_spike'] > 1. - 0.5 * _dt:
        v = 0.
        ST['spike'] = 1.
        ST['t_last_spike'] = _t
    ST['v'] = v


@bp.integrate(method='linear')
def int_command(v, x, y, t):
    return (x - v) / tau, (y - x) / taus, -y / taus


def command_update(ST, _t):
    v, x, y = int_command(ST['v'], ST['x'], ST['y'], _t)
    ST['spike'] = 0.
    if v > 1.:
        v = 0.
        ST['spike'] = 1.
    ST['v'] = v
    ST['x'] = x
    ST['y'] = y


def excite(ST, pre, post):
    post['y'] += wex * pre['spike']


def inhibition_update(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def inhibit(ST, post):
    post['y'] += winh * ST['s']


leg = bp.NeuType(name='scorpion_leg', ST=bp.types.NeuState({'v': 0., 'rate': 0., 'spike': 0., 't_last_spike': -1e7}),
                 steps=leg_update, mode='scalar')
command = bp.NeuType(name='command_neuron', ST=bp.types.NeuState({'v': 0., 'x': 0., 'y': 0., 'spike': 0.}),
                     steps=command_update, mode='scalar')
excitatory = bp.SynType(name='leg_excitation', ST=bp.types.SynState([]),
                        requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['y'])),
                        steps=excite, mode='scalar')
inhibitory = bp.SynType(name='leg_inhibition', ST=bp.types.SynState(['s']),
                        requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['y'])),
                        steps=(inhibition_update, inhibit), mode='scalar')


def wave(duration: float, dt: float, rng: np.random.Generator) -> np.ndarray:
    """The surface wave at times 0, dt, ..., duration: 301 frequencies (150-450 Hz), Gaussian spectrum around
    300 Hz, random phases."""
    t = np.arange(int(round(duration / dt)) + 1) * dt / 1000.  # s
    frequencies = np.arange(150, 451)
    D = np.exp(-(frequencies - 300) ** 2 / (2 * 50 ** 2))
    phases = 2 * np.pi * rng.random(frequencies.size)
    w = (100 * D[:, None] * np.cos(2 * np.pi * frequencies[:, None] * t + phases[:, None])).sum(axis=0)
    return .01 * w / D.sum()


def leg_input(w: np.ndarray, n_steps: int, dt: float) -> np.ndarray:
    """Each leg's wave value at every step, ``w(t - delay)`` read as Brian2's TimedArray reads (nearest sample,
    clipped to the first and last)."""
    t = np.arange(n_steps) * dt
    index = np.floor((t[:, None] - delay[None, :]) / dt + 0.5).astype(int)
    return w[np.clip(index, 0, w.size - 1)]


def opposite_triads() -> tuple[np.ndarray, np.ndarray]:
    """(i, j): leg i inhibits command neuron j when j is one of the three legs opposite i."""
    i, j = np.meshgrid(np.arange(8), np.arange(8), indexing='ij')
    keep = np.abs(((j - i) % 8) - 4) <= 1
    return i[keep], j[keep]


def run(duration: float = 500., seed: int = 0, inhibition: bool = True) -> dict:
    """Run ``duration`` ms at dt = 0.1 ms; returns the command neurons' and the legs' spikes (indices, times in
    ms) and the run time in seconds (``run_s``). ``inhibition=False`` sets the inhibitory weight to 0."""
    dt = 0.1
    with bp.profile.override(dt=dt, seed=seed):
        n_steps = int(round(duration / dt))
        rates = leg_input(wave(duration, dt, np.random.default_rng(seed)), n_steps, dt)
        legs = bp.NeuGroup(leg, geometry=8, monitors=['spike'])
        neurons = bp.NeuGroup(command, geometry=8, monitors=['spike'])
        ex = bp.SynConn(excitatory, pre_group=legs, post_group=neurons, conn=bp.connect.One2One())
        inh = bp.SynConn(inhibitory, pre_group=legs, post_group=neurons, conn=opposite_triads(), delay=delta_inh)
        inh.pars['winh'] = winh if inhibition else 0.
        net = bp.Network(legs, neurons, ex, inh)
        inputs = (legs, 'ST.rate', rates, '=')
        net.build(duration, inputs=inputs)
        t0 = time.perf_counter()
        net.run(duration, inputs=inputs)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(neurons.mon.spike_index), 'spike_time': np.asarray(neurons.mon.spike_time),
            'leg_index': np.asarray(legs.mon.spike_index), 'leg_time': np.asarray(legs.mon.spike_time),
            'n': 8, 'duration': duration, 'run_s': run_s}


def direction(counts) -> float:
    """The angle (degrees) of the population vector of the command neurons' spike counts."""
    return float(np.degrees(np.angle(np.sum(np.asarray(counts) * np.exp(1j * gamma)))))


if __name__ == '__main__':
    out = run()
    counts = np.bincount(out['spike_index'], minlength=8)
    print(f"counts {counts.tolist()}, direction {direction(counts):.1f} deg (prey at 144)")
