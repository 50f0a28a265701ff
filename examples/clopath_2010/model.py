"""Voltage-based STDP of Clopath et al. (2010) without homeostasis: the weight change of a pre-post and a
post-pre pairing as a function of the pairing frequency (Brian2's ``frompapers/Clopath_et_al_2010_no_homeostasis``,
after Fig. 2b of the paper and Sjostrom et al. 2001).

Two conductance-based integrate-and-fire neurons, each connected to the other. Each neuron low-pass filters its
potential (40 and 30 ms) and keeps a presynaptic trace ``x`` (+1/15 at a spike, 15 ms). A presynaptic spike
opens the AMPA conductance and depresses the weight in proportion to the postsynaptic filtered potential above
rest; a postsynaptic spike raises both filters by 10 mV (standing in for the spike's depolarisation) and
potentiates in proportion to the presynaptic trace times the second filter above rest. Weights are clipped to
[0, 1]. Each protocol forces neuron 0 to fire, then neuron 1 10 ms later, five times at each frequency.
Units: mV, ms, nS, pF, pA.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

V_rest, V_thresh = -70., -50.  # mV
Theta_low = V_rest  # mV: depolarisation threshold for plasticity
x_reset, taux = 1., 15.  # 1, ms
A_LTD, A_LTP = 1.5e-4, 1.5e-2
tau_lowpass1, tau_lowpass2 = 40., 30.  # ms
gleak, C = 30., 300.  # nS, pF
tau_AMPA, E_AMPA = 2., 0.  # ms, mV
ampa_max_cond = 0.5  # nS
w_max = 1.
RATES = (1., 5., 10., 15., 20., 30., 50.)  # Hz
init_weight, reps = 0.5, 5


@bp.integrate(method='exponential')
def int_v(v, t, g_ampa, I_ext):
    return (gleak * (V_rest - v) + I_ext + g_ampa * (E_AMPA - v)) / C


@bp.integrate(method='exponential')
def int_lowpass1(v_lowpass1, t, v):
    return (v - v_lowpass1) / tau_lowpass1


@bp.integrate(method='exponential')
def int_lowpass2(v_lowpass2, t, v):
    return (v - v_lowpass2) / tau_lowpass2


@bp.integrate(method='exponential')
def int_g_ampa(g_ampa, t):
    return -g_ampa / tau_AMPA


@bp.integrate(method='exponential')
def int_x_trace(x_trace, t):
    return -x_trace / taux


def neuron_update(ST, _t):
    v = int_v(ST['v'], _t, ST['g_ampa'], ST['I_ext'])
    ST['v_lowpass1'] = int_lowpass1(ST['v_lowpass1'], _t, ST['v'])
    ST['v_lowpass2'] = int_lowpass2(ST['v_lowpass2'], _t, ST['v'])
    ST['g_ampa'] = int_g_ampa(ST['g_ampa'], _t)
    x_trace = int_x_trace(ST['x_trace'], _t)
    ST['spike'] = 0.
    if v > V_thresh:
        v = V_rest
        x_trace += x_reset / taux
        ST['spike'] = 1.
    ST['v'] = v
    ST['x_trace'] = x_trace


def synapse_update(ST, pre, post):
    if pre['spike'] > 0.:
        post['g_ampa'] += ST['w'] * ampa_max_cond
        w_minus = A_LTD * (post['v_lowpass1'] - Theta_low) * (post['v_lowpass1'] - Theta_low > 0.)
        ST['w'] = np.clip(ST['w'] - w_minus, 0., w_max)
    if post['spike'] > 0.:
        post['v_lowpass1'] += 10.
        post['v_lowpass2'] += 10.
        w_plus = A_LTP * pre['x_trace'] * (post['v_lowpass2'] - Theta_low) * (post['v_lowpass2'] - Theta_low > 0.)
        ST['w'] = np.clip(ST['w'] + w_plus, 0., w_max)


neuron = bp.NeuType(name='clopath_LIF',
                    ST=bp.types.NeuState({'v': V_rest, 'v_lowpass1': V_rest, 'v_lowpass2': V_rest, 'g_ampa': 0.,
                                          'x_trace': 0., 'I_ext': 0., 'spike': 0.}),
                    steps=neuron_update, mode='scalar')
clopath_stdp = bp.SynType(name='clopath_STDP', ST=bp.types.SynState({'w': init_weight}),
                          requires=dict(pre=bp.types.NeuState(['spike', 'x_trace']),
                                        post=bp.types.NeuState(['spike', 'v_lowpass1', 'v_lowpass2', 'g_ampa'])),
                          steps=synapse_update, mode='scalar')


def run(rates=RATES, seed: int = 0) -> dict:
    """The pairing protocol at each of ``rates`` (Hz), dt 0.1 ms: from rest, ``reps`` times: neuron 0 is set
    1 mV above threshold, 10 ms later neuron 1, then the pause to the next pair. Returns the final weights in
    percent of the initial one (rows: pre-post synapse 0 -> 1, post-pre synapse 1 -> 0; columns: rates), and the
    time of the runs (s). Deterministic: ``seed`` only seeds the network."""
    weights = np.zeros((2, len(rates)))
    with bp.profile.override(dt=0.1, seed=seed):
        neurons = bp.NeuGroup(neuron, 2)
        synapses = bp.SynConn(clopath_stdp, pre_group=neurons, post_group=neurons,
                              conn=bp.connect.All2All(include_self=False))
        net = bp.Network(neurons, synapses)
        net.build(10.)
        run_s, t = 0., 0.
        for k, rate in enumerate(rates):
            pair_interval = 1000. / rate - 10.
            for name in ('v', 'v_lowpass1', 'v_lowpass2'):
                neurons.ST[name] = V_rest
            neurons.ST['I_ext'] = 0.
            neurons.ST['x_trace'] = 0.
            synapses.ST['w'] = init_weight
            t0 = time.perf_counter()
            for _ in range(reps):
                neurons.ST['v'][0] = V_thresh + 1.
                net.run((t, t + 10.))
                neurons.ST['v'][1] = V_thresh + 1.
                net.run((t + 10., t + 10. + pair_interval))
                t += 10. + pair_interval
            run_s += time.perf_counter() - t0
            weights[:, k] = 100. * synapses.ST['w'] / init_weight
    return {'rates': np.asarray(rates), 'weights': weights, 'run_s': run_s}


if __name__ == '__main__':
    out = run()
    for rate, (pre_post, post_pre) in zip(out['rates'], out['weights'].T):
        print(f"{rate:4.0f} Hz: pre-post {pre_post:6.2f} %, post-pre {post_pre:6.2f} %")
    print(f"run {out['run_s']:.3f} s")
