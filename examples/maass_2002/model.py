"""A liquid state machine (Maass, Natschlaeger & Markram 2002, Neural Computation 14:2531, Fig. 2; Brian2's
``frompapers/Maass_Natschlaeger_Markram_2002``), reduced to its network's response to one input.

135 leaky integrate-and-fire neurons on a 15 x 3 x 3 grid (``tau_mem dv/dt = -v + R (I_syn + I_b + I_stim)``,
threshold 15 mV, reset 13.5 mV, refractory 3 ms excitatory / 2 ms inhibitory), 80 % excitatory at random
places, connected with probability ``C exp(-(d / lambda)^2)`` in the grid distance ``d`` (``lambda = 2``) through
synapses with short-term depression and facilitation (Markram, Wang & Tsodyks 1998):

    dx/dt = (1 - x - y) / D,   dy/dt = -y / tau_I,   du/dt = -u / F
    presynaptic spike (after 1.5 ms E-to-E, 0.8 ms otherwise): u += U (1 - u),  y += u x,  x -= u x

each adding ``A y`` to its target's current, with ``A``, ``U``, ``D`` and ``F`` drawn per synapse. One Poisson
spike train at 20 Hz drives every neuron through a decaying current ``I_stim`` (18 nA excitatory, 9 nA
inhibitory). Units: mV, ms, nA, MOhm.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

N_NEURONS = 135
N_EXC = 108
tau_mem, v_thresh, v_reset = 30., 15., 13.5  # ms, mV, mV
R_in, I_b = 1., 13.5  # MOhm, nA
STIMULUS_RATE = 20.  # Hz
LAMBDA = 2.

#: pre, post, C, tau_I, A (nA), U, D (ms), F (ms), delay (ms)
PROJECTIONS = {'ee': ('E', 'E', 0.3, 3., 30., 0.5, 1100., 50., 1.5),
               'ei': ('E', 'I', 0.2, 3., 60., 0.05, 125., 1200., 0.8),
               'ie': ('I', 'E', 0.4, 6., -19., 0.25, 700., 20., 0.8),
               'ii': ('I', 'I', 0.1, 6., -19., 0.32, 144., 60., 0.8)}
STIMULUS_A = {'E': 18., 'I': 9.}  # nA
TAU_STIMULUS = {'E': 3., 'I': 6.}  # ms
TAU_REFRAC = {'E': 3., 'I': 2.}  # ms
tau_refrac = 3.
tau_stimulus = 3.
tau_I = 3.  # ms, E synapses; set per projection through pars


@bp.integrate(method='exponential')
def int_v(v, t, I_syn, I_stim):
    return (-v + R_in * (I_syn + I_b + I_stim)) / tau_mem


@bp.integrate(method='exponential')
def int_stim(I_stim, t):
    return -I_stim / tau_stimulus


def neuron_update(ST, _t):
    I_stim = int_stim(ST['I_stim'], _t)
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] >= tau_refrac:
        v = int_v(ST['v'], _t, ST['I_syn'], ST['I_stim'])
        if v > v_thresh:
            v = v_reset
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['v'] = v
    ST['I_stim'] = I_stim
    ST['I_syn'] = 0.


@bp.integrate(method='linear')
def int_xy(x, y, t, D, tau_I):
    return (1. - x - y) / D, -y / tau_I


@bp.integrate(method='exponential')
def int_u(u, t, F):
    return -u / F


def synapse_update(ST, _t, pre):
    x, y = int_xy(ST['x'], ST['y'], _t, ST['D'], tau_I)
    u = int_u(ST['u'], _t, ST['F'])
    if pre['spike'] > 0.:
        u += ST['U'] * (1. - u)
        y += u * x  # y first: it takes the resources x had
        x -= u * x
    ST['x'] = x
    ST['y'] = y
    ST['u'] = u


@bp.delayed
def synapse_output(ST, post):
    post['I_syn'] += ST['A'] * ST['y']


def stimulus_output(ST, pre, post):
    if pre['spike'] > 0.:
        post['I_stim'] += ST['A']


neuron = bp.NeuType(name='LSM_LIF', ST=bp.types.NeuState({'v': 0., 'I_syn': 0., 'I_stim': 0., 'spike': 0.,
                                                          't_last_spike': -1e7}),
                    steps=neuron_update, mode='scalar')
dynamic_synapse = bp.SynType(name='LSM_dynamic_synapse',
                             ST=bp.types.SynState({'x': 1., 'y': 0., 'u': 0., 'A': 0., 'U': .5, 'D': 1000.,
                                                   'F': 50.}),
                             requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['I_syn'])),
                             steps=(synapse_update, synapse_output), mode='scalar')
static_synapse = bp.SynType(name='LSM_stimulus_synapse', ST=bp.types.SynState({'A': 0.}),
                            requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['I_stim'])),
                            steps=stimulus_output, mode='scalar')


def positions(rng: np.random.Generator) -> np.ndarray:
    """Grid positions (x, y, z) of the neurons, shuffled so that excitatory and inhibitory ones mix."""
    indices = rng.permutation(N_NEURONS)
    return np.stack([indices % 3, (indices // 3) % 3, indices // 9], axis=1).astype(float)


def redraw(values: np.ndarray, mean: float) -> np.ndarray:
    """The original's rule for a drawn parameter that came out non-positive: it takes the mean instead."""
    return np.where(values <= 0., mean, values)


def run(duration: float = 500., seed: int = 0, stimulus: np.ndarray | None = None) -> dict:
    """Build the network (its connections, parameters and initial ``v`` drawn from ``seed``), drive it with
    ``stimulus`` (spike times in ms; a 20 Hz Poisson train drawn from ``seed`` when not given) for ``duration``
    ms at dt 0.1 ms. Returns the E and I spikes, the synapse counts, the stimulus and the run time (s)."""
    rng = np.random.default_rng(seed)
    pos = positions(rng)
    if stimulus is None:
        stimulus = np.sort(rng.uniform(0., duration, rng.poisson(STIMULUS_RATE * duration / 1000.)))
        stimulus = np.unique(np.round(stimulus / 0.1) * 0.1)
    members = {'E': np.arange(N_EXC), 'I': np.arange(N_EXC, N_NEURONS)}
    with bp.profile.override(dt=0.1, seed=seed):
        groups = {'E': bp.NeuGroup(neuron, N_EXC, monitors=['spike']),
                  'I': bp.NeuGroup(neuron, N_NEURONS - N_EXC, monitors=['spike'])}
        source = bp.inputs.SpikeTimeInput(1, times=stimulus, indices=np.zeros(stimulus.size, dtype=int))
        objects = [source, *groups.values()]
        counts = {}
        for name, group in groups.items():
            group.pars['tau_refrac'] = TAU_REFRAC[name]
            group.pars['tau_stimulus'] = TAU_STIMULUS[name]
            group.ST['v'] = rng.uniform(v_reset, v_thresh, group.num)
            drive = bp.SynConn(static_synapse, pre_group=source, post_group=group, conn=bp.connect.All2All())
            drive.ST['A'] = STIMULUS_A[name]
            objects.append(drive)
        for name, (pre, post, C, tau_I, A, U, D, F, delay) in PROJECTIONS.items():
            a, b = members[pre], members[post]
            d2 = np.sum((pos[a][:, None, :] - pos[b][None, :, :]) ** 2, axis=2)
            i, j = np.nonzero(rng.random(d2.shape) < C * np.exp(-d2 / LAMBDA ** 2))
            syn = bp.SynConn(dynamic_synapse, pre_group=groups[pre], post_group=groups[post], conn=(i, j),
                             delay=delay)
            syn.pars['tau_I'] = tau_I
            n = i.size
            syn.ST['A'] = np.sign(A) * rng.gamma(1., abs(A), n)
            syn.ST['U'] = redraw(rng.normal(U, 0.5, n), U)
            syn.ST['D'] = redraw(rng.normal(D, 0.5 * D, n), D)
            syn.ST['F'] = redraw(rng.normal(F, 0.5 * F, n), F)
            counts[name] = n
            objects.append(syn)
        net = bp.Network(*objects)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    E, I = groups['E'], groups['I']
    return {'E_index': np.asarray(E.mon.spike_index, dtype=int), 'E_time': np.asarray(E.mon.spike_time),
            'I_index': np.asarray(I.mon.spike_index, dtype=int), 'I_time': np.asarray(I.mon.spike_time),
            'counts': counts, 'stimulus': stimulus, 'duration': duration, 'run_s': run_s}


def statistics(out: dict) -> dict:
    """E and I rates (Hz), the synapse counts, and the share of E spikes within 10 ms after a stimulus spike."""
    seconds = out['duration'] / 1000.
    after = np.searchsorted(out['stimulus'], out['E_time'], side='right') - 1
    lag = out['E_time'] - np.where(after >= 0, out['stimulus'][np.maximum(after, 0)], -np.inf)
    return {'rate_E_hz': out['E_index'].size / N_EXC / seconds,
            'rate_I_hz': out['I_index'].size / (N_NEURONS - N_EXC) / seconds,
            'evoked_share': float(np.mean(lag <= 10.)) if lag.size else 0.,
            **{f'n_{k}': float(v) for k, v in out['counts'].items()}}


if __name__ == '__main__':
    result = run()
    print({k: round(v, 4) for k, v in statistics(result).items()}, f"run {result['run_s']:.3f} s")
