"""Synchrony generation in recurrent networks with frequency-dependent synapses (Tsodyks, Uziel & Markram
2000, Fig. 1; Brian2's ``frompapers/Tsodyks_Uziel_Markram_2000`` example).

400 excitatory and 100 inhibitory leaky integrate-and-fire neurons (``tau_mem dv/dt = -v + I_syn + I_b``,
threshold 15 mV, reset 13.5 mV, refractory 3 / 2 ms), each with its own background current ``I_b`` around
threshold, connected with probability 0.1. Every synapse has short-term depression: of its resources a
fraction ``x`` is recovered, ``y`` active, ``1 - x - y`` inactive,

    dx/dt = (1 - x - y) / tau_rec,   dy/dt = -y / tau_I,   at a presynaptic spike: y += U x, x -= U x,

and adds ``A y`` to its target's input (a summed variable). Synapses onto interneurons and among them also
facilitate (``u`` jumps by ``U (1 - u)`` at a spike, decays with ``tau_facil``, and replaces ``U``). ``A``,
``U``, ``tau_rec`` and ``tau_facil`` are drawn per synapse from truncated normal laws. Depression of the
excitatory synapses makes the network fire in brief population bursts separated by quiet recovery.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.stats

import bp_core as bp

tau_mem, v_thresh, v_reset = 30., 15., 13.5   # ms, mV, mV
tau_refrac = 3.                               # ms (excitatory; the interneurons' is set through pars)
I_b = 15.                                     # mV (per neuron: group.pars['I_b'])
BURNIN = 900.                                 # ms run before recording


@bp.integrate(method='exponential')   # exact: the input is constant over a step
def int_v(v, t, I_syn):
    return (-v + I_syn + I_b) / tau_mem


@bp.integrate(method='linear')        # exact on the coupled pair, as Brian2's method='exact'
def int_xy(x, y, t, tau_rec, tau_I):
    return (1. - x - y) / tau_rec, -y / tau_I


@bp.integrate(method='exponential')
def int_u(u, t, tau_facil):
    return -u / tau_facil


def neuron_update(ST, _t, _dt):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > tau_refrac - 0.5 * _dt:   # v is clamped while refractory
        v = int_v(ST['V'], _t, ST['I_exc'] + ST['I_inh'])
        if v > v_thresh:
            v = v_reset
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['V'] = v


def depressing_update(ST, _t, pre):
    x, y = int_xy(ST['x'], ST['y'], _t, ST['tau_rec'], ST['tau_I'])
    if pre['spike'] > 0.:
        y += ST['U'] * x   # y first: it takes the resources x had
        x -= ST['U'] * x
    ST['x'], ST['y'] = x, y


def facilitating_update(ST, _t, pre):
    x, y = int_xy(ST['x'], ST['y'], _t, ST['tau_rec'], ST['tau_I'])
    u = int_u(ST['u'], _t, ST['tau_facil'])
    if pre['spike'] > 0.:
        u += ST['U'] * (1. - u)
        y += u * x
        x -= u * x
    ST['x'], ST['y'], ST['u'] = x, y, u


neuron = bp.NeuType(name='TUM_LIF', ST=bp.types.NeuState({'V': 0., 'I_exc': 0., 'I_inh': 0., 'spike': 0.,
                                                          't_last_spike': -1e7}),
                    steps=neuron_update, mode='scalar')


def synapse_type(field: str, facilitating: bool) -> bp.SynType:
    """A short-term plastic synapse adding ``A y`` to its target's ``field`` (``'I_exc'`` or ``'I_inh'``)."""
    fields = {'x': 1., 'y': 0., 'A': 0., 'U': 0.5, 'tau_I': 3., 'tau_rec': 800.}
    if facilitating:
        fields.update({'u': 0., 'tau_facil': 1000.})
    return bp.SynType(name=f"TUM_{'facilitating' if facilitating else 'depressing'}_{field}",
                      ST=bp.types.SynState(fields), steps=facilitating_update if facilitating else depressing_update,
                      requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState([field])),
                      mode='scalar', summed={field: "ST['A'] * ST['y']"})


#: (pre, post, A in mV, (U mean, min, max), tau_rec, tau_facil or None) of the four projections
PROJECTIONS = {'ee': ('E', 'E', 1.8, (0.5, 0.1, 0.9), 800., None),
               'ei': ('E', 'I', 7.2, (0.04, 0.001, 0.07), 100., 1000.),
               'ie': ('I', 'E', -5.4, (0.5, 0.1, 0.9), 800., None),
               'ii': ('I', 'I', -7.2, (0.04, 0.001, 0.07), 100., 1000.)}


def truncated_normal(loc: float, scale: float, low: float, high: float, size: int,
                     rng: np.random.Generator) -> np.ndarray:
    """``size`` draws of a normal law (``loc``, ``scale``) truncated to ``[low, high]``."""
    return scipy.stats.truncnorm.rvs((low - loc) / scale, (high - loc) / scale, loc=loc, scale=scale, size=size,
                                     random_state=rng)


def run(duration: float = 4200., seed: int = 0, x_sample: int = 10) -> dict:
    """Build the network, run the 900-ms burn-in, then ``duration`` ms recorded (dt 1 ms, as the original).

    Returns the E and I spikes of the recorded run (indices, times in ms from its start), the recovered
    fraction ``x`` of every ``x_sample``-th E-to-E synapse (time x synapse), the duration and the recorded run's
    time in seconds (``run_s``).
    """
    rng = np.random.default_rng(seed)
    with bp.profile.override(dt=1., seed=seed):
        groups = {'E': bp.NeuGroup(neuron, 400, monitors=['spike']), 'I': bp.NeuGroup(neuron, 100, monitors=['spike'])}
        groups['I'].pars['tau_refrac'] = 2.
        for group in groups.values():
            group.pars['I_b'] = rng.uniform(I_b - 0.5, I_b + 0.5, group.num)
        conns = {}
        for k, (name, (pre, post, A, (U, U_min, U_max), tau_rec, tau_facil)) in enumerate(PROJECTIONS.items()):
            model = synapse_type('I_exc' if A > 0 else 'I_inh', tau_facil is not None)
            # E-to-E: about 16,000 synapses; x of every x_sample-th of the first 15,000 is recorded
            monitors = [('x', np.arange(0, 15000, x_sample))] if name == 'ee' else None
            conn = bp.SynConn(model, pre_group=groups[pre], post_group=groups[post],
                              conn=bp.connect.FixedProb(0.1, seed=seed * 4 + k), monitors=monitors)
            n = conn.num
            conn.ST['A'] = truncated_normal(A, 0.5 * abs(A), min(0.2 * A, 2 * A), max(0.2 * A, 2 * A), n, rng)
            conn.ST['U'] = truncated_normal(U, 0.5 * U, U_min, U_max, n, rng)
            conn.ST['tau_rec'] = truncated_normal(tau_rec, 0.5 * tau_rec, 5., np.inf, n, rng)
            if tau_facil is not None:
                conn.ST['tau_facil'] = truncated_normal(tau_facil, 0.5 * tau_facil, 5., np.inf, n, rng)
            conns[name] = conn
        net = bp.Network(*groups.values(), *conns.values())
        net.build(BURNIN + duration)
        net.run(BURNIN)   # the monitors keep the last run: the recorded one
        t0 = time.perf_counter()
        net.run((BURNIN, BURNIN + duration))
        run_s = time.perf_counter() - t0
    E, I = groups['E'], groups['I']
    return {'E_index': np.asarray(E.mon.spike_index), 'E_time': np.asarray(E.mon.spike_time) - BURNIN,
            'I_index': np.asarray(I.mon.spike_index), 'I_time': np.asarray(I.mon.spike_time) - BURNIN,
            'x': np.asarray(conns['ee'].mon.x), 'duration': duration, 'run_s': run_s}


def population_bursts(times: np.ndarray, n: int, duration: float, threshold: float = 0.05,
                      gap_ms: float = 20.) -> np.ndarray:
    """Start times (ms) of population bursts: a 1-ms bin in which more than ``threshold`` of the ``n`` neurons
    fire starts a burst unless one started less than ``gap_ms`` before."""
    activity = np.histogram(times, bins=np.arange(0., duration + 1e-9, 1.))[0] / n
    starts: list[float] = []
    for k in np.flatnonzero(activity > threshold):
        if not starts or k - starts[-1] >= gap_ms:
            starts.append(float(k))
    return np.asarray(starts)


def statistics(out: dict) -> dict:
    """E and I rates (Hz), population bursts per second (a 1-ms bin with more than 5 % of the 500 neurons
    firing, 20 ms or more after the previous burst's start) and the mean recovered fraction of E-to-E synapses."""
    seconds = out['duration'] / 1000.
    both = np.concatenate([out['E_time'], out['I_time']])
    return {'rate_E_hz': out['E_time'].size / 400 / seconds, 'rate_I_hz': out['I_time'].size / 100 / seconds,
            'burst_rate_hz': population_bursts(both, 500, out['duration']).size / seconds,
            'burst_rate_02_hz': population_bursts(both, 500, out['duration'], threshold=0.02).size / seconds,
            'peak_activity': float(np.histogram(both, bins=np.arange(0., out['duration'] + 1e-9, 1.))[0].max() / 500),
            'x_ee_mean': float(out['x'].mean())}


if __name__ == '__main__':
    out = run()
    print(statistics(out), f"run {out['run_s']:.2f} s")
