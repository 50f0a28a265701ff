"""Spike-timing-dependent plasticity: one conductance-based LIF neuron driven by ``N`` Poisson inputs through
plastic synapses (Song, Miller & Abbott 2000; Song & Abbott 2001; Brian2's ``synapses/STDP`` example).

    taum dv/dt = ge (Ee - v) + El - v,   dge/dt = -ge / taue,   v > vt: v <- vr
    dApre/dt = -Apre / taupre,   dApost/dt = -Apost / taupost
    presynaptic spike:  ge += w;  Apre += dApre;  w <- clip(w + Apost, 0, gmax)
    postsynaptic spike: Apost += dApost;  w <- clip(w + Apre, 0, gmax)

Competition between the inputs drives the weights to a bimodal distribution at 0 and ``gmax``.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

taum, Ee, vt, vr, El, taue = 10., 0., -54., -60., -74., 5.   # ms, mV
taupre = taupost = 20.   # ms
gmax = .01
dApre = .01 * gmax
dApost = -.01 * taupre / taupost * 1.05 * gmax


@bp.integrate(method='euler')
def int_v(v, t, ge):
    return (ge * (Ee - v) + El - v) / taum


@bp.integrate(method='euler')
def int_ge(ge, t):
    return -ge / taue


def neuron_update(ST, _t):
    ge = ST['ge'] + ST['input']  # the step's synaptic increments (Brian2's on_pre ge += w)
    v = int_v(ST['V'], _t, ge)
    ST['ge'] = int_ge(ge, _t)
    ST['input'] = 0.
    ST['spike'] = 0.
    if v > vt:
        v = vr
        ST['spike'] = 1.
    ST['V'] = v


@bp.integrate(method='exponential')
def int_Apre(Apre, t):
    return -Apre / taupre


@bp.integrate(method='exponential')
def int_Apost(Apost, t):
    return -Apost / taupost


def stdp_update(ST, _t, pre, post):
    Apre = int_Apre(ST['Apre'], _t)
    Apost = int_Apost(ST['Apost'], _t)
    w = ST['w']
    if pre['spike'] > 0.:
        post['input'] += w
        Apre += dApre
        w = min(max(w + Apost, 0.), gmax)
    if post['spike'] > 0.:
        Apost += dApost
        w = min(max(w + Apre, 0.), gmax)
    ST['Apre'] = Apre
    ST['Apost'] = Apost
    ST['w'] = w


neuron = bp.NeuType(name='COBA_LIF', ST=bp.types.NeuState({'V': vr, 'ge': 0., 'input': 0., 'spike': 0.}),
                    steps=neuron_update, mode='scalar')
stdp = bp.SynType(name='STDP', ST=bp.types.SynState({'w': 0., 'Apre': 0., 'Apost': 0.}),
                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['spike', 'input'])),
                  steps=stdp_update, mode='scalar')


def run(duration: float = 100000., N: int = 1000, F: float = 15., seed: int = 0, rule: str = 'scalar') -> dict:
    """Run ``duration`` ms with ``N`` inputs at ``F`` Hz (dt 0.1 ms); returns the final weights, the output
    neuron's spike times, the weights of synapses 0 and 1 every 100 ms, and the run time (s).

    ``rule='scalar'`` is the step above (traces integrated every step); ``rule='event'`` the model library's
    event-driven ``bp.models.get_STDP`` with the same parameters (traces updated only at spikes)."""
    with bp.profile.override(dt=0.1, seed=seed):
        inputs = bp.inputs.PoissonInput(N, freqs=F, monitors=['spike'] if rule == 'event' else None)
        out = bp.NeuGroup(neuron, 1, monitors=['spike'])
        model = stdp if rule == 'scalar' else bp.models.get_STDP(A_pre=dApre, A_post=dApost, tau_pre=taupre,
                                                                 tau_post=taupost, w_max=gmax)
        synapses = bp.SynConn(model, pre_group=inputs, post_group=out, conn=bp.connect.All2All(),
                              monitors=[bp.Monitor('w', indices=[0, 1], interval=100.)])
        synapses.ST['w'] = np.random.default_rng(seed).uniform(0., gmax, N)
        net = bp.Network(inputs, out, synapses)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'w': np.asarray(synapses.ST['w']).copy(), 'post_spike_time': np.asarray(out.mon.spike_time),
            'w_trace': np.asarray(synapses.mon.w), 'N': N, 'duration': duration, 'run_s': run_s}


def weight_statistics(out: dict) -> dict:
    """Mean final weight and the fractions near 0 and near gmax (all relative to gmax), and the output rate."""
    w = out['w'] / gmax
    return {'w_mean': float(w.mean()), 'frac_low': float(np.mean(w < 0.1)), 'frac_high': float(np.mean(w > 0.9)),
            'post_rate_hz': out['post_spike_time'].size / (out['duration'] / 1000.)}


if __name__ == '__main__':
    result = run(duration=20000.)
    print(weight_statistics(result), f"run {result['run_s']:.2f} s")
