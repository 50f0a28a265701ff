"""Development of direction selectivity in a model of rat barrel cortex (Kremer et al. 2011; Brian2's
``frompapers/Kremer_et_al_2011_barrel_cortex`` example).

A square array of barrels. Layer 4 neurons fire as Poisson processes when a bar, moving in a random direction
chosen every 60 ms, crosses their barrel, at a rate ``max(cos(direction - selectivity), 0) Fmax`` set by each
neuron's preferred direction. Layer 2/3 neurons are integrate-and-fire with an adaptive threshold,

    taum dv/dt = ge + gi + El - v,  taue dge/dt = -ge,  taui dgi/dt = -gi,  tauvt dvt/dt = Vt - vt
    v > vt (not within 2 ms of the last spike): v <- El, vt <- vt + vt_inc

driven by plastic (STDP) feedforward synapses from layer 4 neurons of their own barrel, and connected among
themselves with a probability falling off with distance. Units: mV, ms, positions in barrel widths.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

stim_change_time = 5.   # ms
Fmax = .5 / stim_change_time   # spikes per ms
taum, taue, taui, El = 10., 2., 25., -70.   # ms, mV
Vt, vt_inc, tauvt, t_ref = -55., 2., 50., 2.   # mV, mV, ms, ms
taup, taud = 5., 25.   # ms
EPSC = 1. * (taue / taum) ** (taum / (taue - taum))   # mV: 1 mV EPSP
IPSC = -1. * (taui / taum) ** (taum / (taui - taum))   # mV: -1 mV IPSP
Ap, Ad = .05 * EPSC, -.04 * EPSC
stimradius = (11 + 1) * .5   # barrel widths
bar_period = 60.   # ms between bars


def layer4_update(ST, _t, _dt):
    direction = ST['direction']
    across = (ST['barrel_x'] + .5 - ST['bar_x']) * np.cos(direction) + \
        (ST['barrel_y'] + .5 - ST['bar_y']) * np.sin(direction)
    rate = 0.
    if abs(across) < .5:
        rate = max(np.cos(direction - ST['selectivity']), 0.) * Fmax
    ST['spike'] = 0.
    if np.random.random() < rate * _dt:
        ST['spike'] = 1.


@bp.integrate(method='euler')
def int_v(v, t, ge, gi):
    return (ge + gi + El - v) / taum


@bp.integrate(method='euler')
def int_ge(ge, t):
    return -ge / taue


@bp.integrate(method='euler')
def int_gi(gi, t):
    return -gi / taui


@bp.integrate(method='euler')
def int_vt(vt, t):
    return (Vt - vt) / tauvt


def layer23_update(ST, _t, _dt):
    v, ge, gi, vt = ST['v'], ST['ge'], ST['gi'], ST['vt']
    v_new = int_v(v, _t, ge, gi)
    vt_new = int_vt(vt, _t)
    ST['ge'] = int_ge(ge, _t)
    ST['gi'] = int_gi(gi, _t)
    ST['spike'] = 0.
    if v_new > vt_new and _t - ST['t_last_spike'] > t_ref - 0.5 * _dt:
        v_new = El
        vt_new += vt_inc
        ST['spike'] = 1.
        ST['t_last_spike'] = _t
    ST['v'], ST['vt'] = v_new, vt_new


@bp.integrate(method='exponential')
def int_A_source(A_source, t):
    return -A_source / taup


@bp.integrate(method='exponential')
def int_A_target(A_target, t):
    return -A_target / taud


def feedforward_update(ST, _t, pre, post):
    A_source = int_A_source(ST['A_source'], _t)
    A_target = int_A_target(ST['A_target'], _t)
    w = ST['w']
    if pre['spike'] > 0.:
        post['ge'] += w
        A_source += Ap
        w = min(max(w + A_target, 0.), EPSC)
    if post['spike'] > 0.:
        A_target += Ad
        w = min(max(w + A_source, 0.), EPSC)
    ST['A_source'], ST['A_target'], ST['w'] = A_source, A_target, w


def excitatory_update(ST, _t, pre, post):
    if pre['spike'] > 0.:
        post['ge'] += ST['w']


def inhibitory_update(ST, _t, pre, post):
    if pre['spike'] > 0.:
        post['gi'] += IPSC


layer4 = bp.NeuType(name='Kremer_layer4', ST=bp.types.NeuState(
    {'barrel_x': 0., 'barrel_y': 0., 'selectivity': 0., 'direction': 0., 'bar_x': 0., 'bar_y': 0., 'spike': 0.}),
    steps=layer4_update, mode='scalar')
layer23 = bp.NeuType(name='Kremer_layer23', ST=bp.types.NeuState(
    {'v': El, 'ge': 0., 'gi': 0., 'vt': Vt, 'spike': 0., 't_last_spike': -1e7}), steps=layer23_update, mode='scalar')
feedforward = bp.SynType(name='Kremer_feedforward', ST=bp.types.SynState({'w': .5 * EPSC, 'A_source': 0., 'A_target': 0.}),
                         requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['spike', 'ge'])),
                         steps=feedforward_update, mode='scalar')
# the same rule with each synapse's traces decayed only when one of its neurons spikes (Brian2's event-driven
# traces): the model library's pair STDP, adding w to ge
feedforward_events = bp.models.get_STDP(A_pre=Ap, A_post=Ad, tau_pre=taup, tau_post=taud, w_max=EPSC,
                                        post_field='ge')
excitatory = bp.SynType(name='Kremer_excitatory', ST=bp.types.SynState({'w': 0.}),
                        requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['ge'])),
                        steps=excitatory_update, mode='scalar')
inhibitory = bp.SynType(name='Kremer_inhibitory', ST=bp.types.SynState([]),
                        requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['gi'])),
                        steps=inhibitory_update, mode='scalar')


def positions(size: int, M: int) -> tuple[np.ndarray, np.ndarray]:
    """x, y (barrel widths) of the ``size**2 * M**2`` neurons of a layer 2/3 population, row by row."""
    i = np.arange((size * M) ** 2)
    return (i % (size * M)) / M, (i // (size * M)) / M


def gaussian_pairs(rng, x_pre, y_pre, x_post, y_post, p_max: float, width: float):
    """(i, j) drawn with probability ``p_max exp(-d^2 / (2 width^2))`` for each pre and post neuron."""
    d2 = (x_pre[:, None] - x_post[None, :]) ** 2 + (y_pre[:, None] - y_post[None, :]) ** 2
    return np.nonzero(rng.random(d2.shape) < p_max * np.exp(-.5 * d2 / width ** 2))


def bar_inputs(rng, size: int, start: float, duration: float, dt: float) -> dict:
    """The bar's direction and position at each step: a new random direction every ``bar_period`` ms, the bar
    starting ``stimradius`` from the array's centre and moving one barrel width per ``stim_change_time``."""
    t = start + np.arange(int(round(duration / dt))) * dt
    bar = np.floor(t / bar_period + 1e-9).astype(int)
    direction = rng.random(bar.max() + 1)[bar] * 2. * np.pi
    moved = (t - bar * bar_period) / stim_change_time - stimradius
    return {'direction': direction, 'bar_x': size / 2. + np.cos(direction) * moved,
            'bar_y': size / 2. + np.sin(direction) * moved}


def run(duration: float = 5000., size: int = 5, M4: int = 22, M23exc: int = 25, M23inh: int = 12,
        seed: int = 0, rule: str = 'scalar') -> dict:
    """Run ``size`` x ``size`` barrels (layer 4: ``M4**2`` neurons per barrel; layer 2/3: ``M23exc**2``
    excitatory and ``M23inh**2`` inhibitory) for ``duration`` ms at dt 0.1 ms. Returns the spikes of both
    layers, the feedforward weights (in EPSC), their presynaptic selectivity and postsynaptic index, the
    sizes and the run time (s). ``rule='scalar'`` is the STDP step that decays every synapse's traces every
    step; ``rule='event'`` the model library's ``bp.models.get_STDP`` onto ``ge``, which decays them at its
    neurons' spikes only (the same rule)."""
    N4, n_exc, n_inh = M4 ** 2 * size ** 2, M23exc ** 2 * size ** 2, M23inh ** 2 * size ** 2
    rng = np.random.default_rng(seed)
    with bp.profile.override(dt=0.1, seed=seed):
        l4 = bp.NeuGroup(layer4, N4, monitors=['spike'])
        i4 = np.arange(N4)
        l4.ST['barrel_x'] = (i4 // M4 ** 2) % size
        l4.ST['barrel_y'] = i4 // (size * M4 ** 2)
        l4.ST['selectivity'] = (i4 % M4 ** 2) / M4 ** 2 * 2. * np.pi
        l23 = bp.NeuGroup(layer23, n_exc + n_inh, monitors=['spike'])
        x_exc, y_exc = positions(size, M23exc)
        x_inh, y_inh = positions(size, M23inh)
        barrel_exc = np.floor(x_exc) + np.floor(y_exc) * size
        same = (l4.ST['barrel_x'] + size * l4.ST['barrel_y'])[:, None] == barrel_exc[None, :]
        ff_i, ff_j = np.nonzero(same & (rng.random(same.shape) < .5))
        ff = bp.SynConn(feedforward if rule == 'scalar' else feedforward_events, pre_group=l4, post_group=l23[:n_exc], conn=(ff_i, ff_j))
        x_all, y_all = np.concatenate([x_exc, x_inh]), np.concatenate([y_exc, y_inh])
        re_i, re_j = gaussian_pairs(rng, x_exc, y_exc, x_all, y_all, .15, .4)
        rec_exc = bp.SynConn(excitatory, pre_group=l23[:n_exc], post_group=l23, conn=(re_i, re_j))
        rec_exc.ST['w'] = np.where(re_j < n_exc, .3 * EPSC, EPSC)
        ri_i, ri_j = gaussian_pairs(rng, x_inh, y_inh, x_exc, y_exc, 1., .2)
        rec_inh = bp.SynConn(inhibitory, pre_group=l23[n_exc:], post_group=l23[:n_exc], conn=(ri_i, ri_j))
        net = bp.Network(l4, l23, ff, rec_exc, rec_inh)
        bar = bar_inputs(rng, size, 0., duration, bp.profile.get_dt())
        inputs = [(l4, f'ST.{key}', value, '=') for key, value in bar.items()]
        net.build(duration, inputs=inputs)
        t0 = time.perf_counter()
        net.run(duration, inputs=inputs)
        run_s = time.perf_counter() - t0
    return {'index4': np.asarray(l4.mon.spike_index), 'time4': np.asarray(l4.mon.spike_time),
            'index23': np.asarray(l23.mon.spike_index), 'time23': np.asarray(l23.mon.spike_time),
            'w': np.asarray(ff.ST['w']) / EPSC, 'w_selectivity': np.asarray(l4.ST['selectivity'])[ff_i],
            'w_post': ff_j, 'N4': N4, 'n_exc': n_exc, 'n_inh': n_inh, 'n_synapses': (ff_i.size, re_i.size, ri_i.size),
            'duration': duration, 'run_s': run_s}


def statistics(out: dict) -> dict:
    """Rates (Hz) of layer 4 and of layer 2/3's excitatory and inhibitory neurons; the mean feedforward weight
    and the fractions below 0.1 and above 0.9 EPSC."""
    seconds = out['duration'] / 1000.
    exc = out['index23'] < out['n_exc']
    w = out['w']
    return {'rate4_hz': out['index4'].size / out['N4'] / seconds,
            'rate23exc_hz': float(exc.sum() / out['n_exc'] / seconds),
            'rate23inh_hz': float((~exc).sum() / out['n_inh'] / seconds),
            'w_mean': float(w.mean()), 'frac_low': float(np.mean(w < .1)), 'frac_high': float(np.mean(w > .9))}


if __name__ == '__main__':
    result = run(duration=1000., size=2)
    print(statistics(result), result['n_synapses'], f"run {result['run_s']:.2f} s")
