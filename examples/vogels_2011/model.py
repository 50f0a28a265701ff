"""Inhibitory plasticity balances excitation and inhibition (Vogels, Sprekeler, Zenke, Clopath & Gerstner
2011; Brian2's ``frompapers/Vogels_et_al_2011`` example, after F. Zenke's Brian twister).

``NE`` excitatory and ``NE / 4`` inhibitory conductance-based LIF neurons driven by a constant current,

    C dv/dt = -gl (v - el) - g_ampa v - g_gaba (v - er) + I   (not while refractory, 5 ms),
    dg_ampa/dt = -g_ampa / tau_ampa,   dg_gaba/dt = -g_gaba / tau_gaba,

threshold -50 mV, reset -60 mV, connected with probability ``epsilon``: excitatory onto all (0.3 nS),
inhibitory onto inhibitory (3 nS) and, plastic, inhibitory onto excitatory. The plastic weights follow the
symmetric inhibitory STDP rule: traces ``A_pre``, ``A_post`` (20 ms) step up by 1 at their neuron's spikes;
a presynaptic spike changes ``w`` by ``eta (A_post - alpha)``, a postsynaptic one by ``eta A_pre`` (``w`` in
[0, 100] nS), which drives the excitatory rate to ``alpha / (2 tau_stdp)`` = 3 Hz. The first second runs
without plasticity (``eta = 0``), the rest with ``eta = 0.01``.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau_ampa, tau_gaba, tau_stdp = 5., 10., 20.  # ms
gl, el, er, vt, C, I_bg, t_ref = 10., -60., -80., -50., 200., 200., 5.  # nS, mV, mV, mV, pF, pA, ms
w_exc, w_ii = 0.3, 3.  # nS
alpha, g_max = 3e-3 * tau_stdp * 2, 100.  # 3 Hz target rate; nS


@bp.integrate(method='euler')
def int_v(v, t, g_ampa, g_gaba):
    return (-gl * (v - el) - (g_ampa * v + g_gaba * (v - er)) + I_bg) / C  # nS mV = pA, pA / pF = mV / ms


@bp.integrate(method='euler')
def int_g_ampa(g, t):
    return -g / tau_ampa


@bp.integrate(method='euler')
def int_g_gaba(g, t):
    return -g / tau_gaba


def neuron_update(ST, _t, _dt):
    g_ampa, g_gaba = ST['g_ampa'], ST['g_gaba']
    ST['g_ampa'] = int_g_ampa(g_ampa, _t)
    ST['g_gaba'] = int_g_gaba(g_gaba, _t)
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > t_ref - 0.5 * _dt:  # refractory for whole steps, as Brian2 counts them
        v = int_v(ST['v'], _t, g_ampa, g_gaba)
        if v > vt:
            v = el
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['v'] = v


def excitatory_on_pre(ST, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['g_ampa'][pre2post[i]] += w_exc


def inhibitory_on_pre(ST, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['g_gaba'][pre2post[i]] += w_ii


def istdp_update(ST, _t, pre, post, pre2syn, post2syn, post_ids):
    # Only synapses with a spike at either end are touched: the traces are decayed exactly from the last
    # update (Brian2's event-driven traces), as bp.models.get_STDP does.
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            for syn in pre2syn[i]:
                decay = np.exp(-(_t - ST['t_last'][syn]) / tau_stdp)
                ST['A_pre'][syn] = ST['A_pre'][syn] * decay + 1.
                ST['A_post'][syn] *= decay
                ST['t_last'][syn] = _t
                ST['w'][syn] = min(max(ST['w'][syn] + (ST['A_post'][syn] - alpha) * eta, 0.), g_max)
                post['g_gaba'][post_ids[syn]] += ST['w'][syn]
    for j in range(post['spike'].shape[0]):
        if post['spike'][j] > 0.:
            for syn in post2syn[j]:
                decay = np.exp(-(_t - ST['t_last'][syn]) / tau_stdp)
                ST['A_post'][syn] = ST['A_post'][syn] * decay + 1.
                ST['A_pre'][syn] *= decay
                ST['t_last'][syn] = _t
                ST['w'][syn] = min(max(ST['w'][syn] + ST['A_pre'][syn] * eta, 0.), g_max)


eta = 0.  # replaced by the SynConn's pars['eta']

neuron = bp.NeuType(name='Vogels_LIF', ST=bp.types.NeuState({'v': 0., 'g_ampa': 0., 'g_gaba': 0., 'spike': 0.,
                                                             't_last_spike': -1e7}),
                    steps=neuron_update, mode='scalar')
_static = dict(pre=bp.types.NeuState(['spike']), pre2post=bp.types.ListConn())
excitatory = bp.SynType(name='Vogels_exc', ST=bp.types.SynState([]), steps=excitatory_on_pre, mode='vector',
                        requires=dict(_static, post=bp.types.NeuState(['g_ampa'])))
inhibitory = bp.SynType(name='Vogels_inh', ST=bp.types.SynState([]), steps=inhibitory_on_pre, mode='vector',
                        requires=dict(_static, post=bp.types.NeuState(['g_gaba'])))
istdp = bp.SynType(name='Vogels_iSTDP', ST=bp.types.SynState({'w': 1e-10, 'A_pre': 0., 'A_post': 0., 't_last': 0.}),
                   requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['spike', 'g_gaba'])),
                   steps=istdp_update, mode='vector')


def run(duration: float = 10000., NE: int = 8000, epsilon: float = 0.02, eta_plastic: float = 1e-2,
        static: float = 1000., seed: int = 0) -> dict:
    """Run ``static`` ms without plasticity, then ``duration - static`` ms with ``eta = eta_plastic``
    (dt 0.1 ms). Returns the excitatory spikes of both runs (indices, times in ms from the start), the final
    inhibitory-to-excitatory weights (nS), the sizes and the run time of the plastic part (s)."""
    NI = NE // 4
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(neuron, NE + NI, monitors=['spike'])
        exc = bp.SynConn(excitatory, pre_group=group[:NE], post_group=group,
                         conn=bp.connect.FixedProb(epsilon, seed=seed))
        ii = bp.SynConn(inhibitory, pre_group=group[NE:], post_group=group[NE:],
                        conn=bp.connect.FixedProb(epsilon, seed=seed + 1))
        ie = bp.SynConn(istdp, pre_group=group[NE:], post_group=group[:NE],
                        conn=bp.connect.FixedProb(epsilon, seed=seed + 2))
        net = bp.Network(group, exc, ii, ie)
        ie.pars['eta'] = 0.
        net.run(static)
        index, times = [np.asarray(group.mon.spike_index)], [np.asarray(group.mon.spike_time)]
        ie.pars['eta'] = eta_plastic
        # (start, end): the plastic run continues the clock, which the traces' exact decay reads
        net.build((static, duration))
        t0 = time.perf_counter()
        net.run((static, duration))
        run_s = time.perf_counter() - t0
        index.append(np.asarray(group.mon.spike_index))  # the monitors hold the last run
        times.append(np.asarray(group.mon.spike_time))
    index, times = np.concatenate(index), np.concatenate(times)
    excitatory_spikes = index < NE
    return {'spike_index': index[excitatory_spikes], 'spike_time': times[excitatory_spikes],
            'w': np.asarray(ie.ST['w']).copy(), 'NE': NE, 'n': NE, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run(duration=5000., NE=1600, epsilon=0.1)
    i, t = out['spike_index'], out['spike_time']
    first, last = (t >= 800.) & (t < 1000.), t >= 4000.
    print(f"E rate {first.sum() / out['NE'] / 0.2:.1f} Hz before, {last.sum() / out['NE']:.1f} Hz in the last "
          f"second; mean w {out['w'].mean():.2f} nS; run {out['run_s']:.2f} s")
