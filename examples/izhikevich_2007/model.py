"""Dopamine-modulated STDP: an eligibility trace turns spike pairings into weight changes only when a reward
arrives (Izhikevich 2007, Fig. 1c; Brian2's ``frompapers/Izhikevich_2007`` example).

Two LIF neurons, each made to fire by an input spike (``v += 100 mV``); a plastic synapse from neuron 0 to
neuron 1 keeps the pair-based STDP traces ``Apre``, ``Apost`` and

    dc/dt = -c / tauc,   dd/dt = -d / taud,   ds/dt = mode c d / taus

a presynaptic spike adds ``s`` to the target's ``ge`` and moves ``c`` by ``mode Apost`` and ``s`` by
``(1 - mode) Apost`` (a postsynaptic one by ``Apre``), each clipped to [-gmax, gmax]. With ``mode = 0``
(the first 3 s) the pairings change ``s`` at once (classical STDP); with ``mode = 1`` they only mark ``c``,
and ``s`` grows while dopamine ``d``, released 20 ms after each pre-post pairing, overlaps the trace.
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
tauc, taud, taus, epsilon_dopa = 1000., 200., 1., 5e-3   # ms
input_indices = [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0]
input_times = [500., 550., 1000., 1010., 1500., 1510., 3500., 3550., 4000., 4010., 4500., 4510.]   # ms
dopamine_times = [3520., 4020., 4520.]   # ms
mode = 0.  # replaced by the SynConn's pars['mode']


@bp.integrate(method='linear')
def int_neuron(v, ge, t):
    return (ge * (Ee - vr) + El - v) / taum, -ge / taue


def neuron_update(ST, _t):
    v, ge = int_neuron(ST['v'], ST['ge'], _t)
    ST['spike'] = 0.
    if v > vt:
        v = vr
        ST['spike'] = 1.
    ST['v'], ST['ge'] = v, ge


def input_update(ST, pre, post):
    if pre['spike'] > 0.:
        post['v'] += ST['s']


@bp.integrate(method='euler')
def int_c(c, t):
    return -c / tauc


@bp.integrate(method='euler')
def int_d(d, t):
    return -d / taud


@bp.integrate(method='euler')
def int_s(s, t, c, d, mode):
    return mode * c * d / taus


@bp.integrate(method='exponential')
def int_Apre(Apre, t):
    return -Apre / taupre


@bp.integrate(method='exponential')
def int_Apost(Apost, t):
    return -Apost / taupost


def stdp_update(ST, _t, pre, post):
    c, d = ST['c'], ST['d']
    s = int_s(ST['s'], _t, c, d, mode)
    c = int_c(c, _t)
    d = int_d(d, _t)
    Apre = int_Apre(ST['Apre'], _t)
    Apost = int_Apost(ST['Apost'], _t)
    if pre['spike'] > 0.:
        post['ge'] += s
        Apre += dApre
        c = min(max(c + mode * Apost, -gmax), gmax)
        s = min(max(s + (1. - mode) * Apost, -gmax), gmax)
    if post['spike'] > 0.:
        Apost += dApost
        c = min(max(c + mode * Apre, -gmax), gmax)
        s = min(max(s + (1. - mode) * Apre, -gmax), gmax)
    ST['c'], ST['d'], ST['s'] = c, d, s
    ST['Apre'], ST['Apost'] = Apre, Apost


lif = bp.NeuType(name='Izhikevich2007_LIF', ST=bp.types.NeuState({'v': vr, 'ge': 0., 'spike': 0.}),
                 steps=neuron_update, mode='scalar')
kick = bp.SynType(name='Izhikevich2007_input', ST=bp.types.SynState({'s': 100.}),
                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['v'])),
                  steps=input_update, mode='scalar')
da_stdp = bp.SynType(name='Izhikevich2007_DA_STDP',
                     ST=bp.types.SynState({'c': 1e-10, 'd': 0., 's': 1e-10, 'Apre': 0., 'Apost': 0.}),
                     requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['spike', 'ge'])),
                     steps=stdp_update, mode='scalar')


def dopamine(start: float, end: float, dt: float) -> np.ndarray:
    """The dopamine released in each step of ``[start, end)``: ``epsilon_dopa`` in the step after each time
    of ``dopamine_times`` (Brian2 adds it at the end of that time's step; an input is added at the start of
    a step), 0 elsewhere."""
    release = np.zeros(int(round((end - start) / dt)))
    for t in dopamine_times:
        k = int(round((t - start) / dt)) + 1
        if 0 <= k < release.size:
            release[k] += epsilon_dopa
    return release


def run(duration: float = 6000., seed: int = 0) -> dict:
    """Classical STDP for the first half of ``duration`` ms, dopamine-modulated STDP for the second (dt 0.1
    ms; each half is a run, whose monitors hold that run only). Returns the neurons' spikes (indices, times in
    ms), ``c``, ``d``, ``s`` of the plastic synapse after every step and the steps' times, over both halves,
    and the time of the two runs after building them (s)."""
    half = duration / 2.
    with bp.profile.override(dt=0.1, seed=seed):
        source = bp.inputs.SpikeTimeInput(2, times=input_times, indices=input_indices)
        neurons = bp.NeuGroup(lif, 2, monitors=['spike'])
        kicks = bp.SynConn(kick, pre_group=source, post_group=neurons, conn=bp.connect.One2One())
        plastic = bp.SynConn(da_stdp, pre_group=neurons, post_group=neurons, conn=(np.array([0]), np.array([1])),
                             monitors=['c', 'd', 's'])
        net = bp.Network(source, neurons, kicks, plastic)
        dt = bp.profile.get_dt()
        halves = []
        run_s = 0.
        for mode_value, window in ((0., (0., half)), (1., (half, duration))):
            plastic.pars['mode'] = mode_value
            release = (plastic, 'ST.d', dopamine(*window, dt), '+')
            net.build(window, inputs=release)
            t0 = time.perf_counter()
            net.run(window, inputs=release)
            run_s += time.perf_counter() - t0
            halves.append({'spike_index': neurons.mon.spike_index, 'spike_time': neurons.mon.spike_time,
                           'c': plastic.mon.c[:, 0], 'd': plastic.mon.d[:, 0], 's': plastic.mon.s[:, 0],
                           'ts': plastic.mon.ts})
    out = {key: np.concatenate([np.asarray(h[key]) for h in halves]) for key in halves[0]}
    out['run_s'] = run_s
    return out


if __name__ == '__main__':
    out = run()
    print(f"s after 3 s {out['s'][29999] / gmax:.4f} gmax, after 6 s {out['s'][-1] / gmax:.4f} gmax")
