"""Tsodyks, Pawelzik & Markram (1998), "Neural networks with dynamic synapses", Fig. 1: the postsynaptic
potential under a regular presynaptic train through a depressing (A) or facilitating (B, C) synapse
(Brian2's ``frompapers/Tsodyks_Pawelzik_Markram_1998`` example).

Synaptic resources are recovered (x), active (y) or inactive (z = 1 - x - y):

    dx/dt = z / tau_rec,   dy/dt = -y / tau_inact,   du/dt = -u / tau_facil (facilitating only)
    at a presynaptic spike:   u <- u + U_SE (1 - u);  y <- y + u x;  x <- x - u x
                              (depressing: y <- y + U_SE x;  x <- x - U_SE x)

and the postsynaptic membrane integrates ``tau_mem dv/dt = -v + R_in A_SE y``.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

#: the paper's three panels: neuron (tau_mem ms, R_in GOhm), synapse (tau_inact, tau_rec, tau_facil ms,
#: A_SE pA, U_SE), stimulus (start, stop ms, frequency Hz), duration ms. Panel A's U_SE is Brian2's 0.6
#: (0.5 in the paper does not reproduce its figure).
PANELS = {
    'A': dict(tau_mem=40., R_in=0.1, tau_inact=3., tau_rec=800., tau_facil=0., A_SE=250., U_SE=0.6,
              start=100., stop=1100., frequency=20., duration=1200.),
    'B': dict(tau_mem=60., R_in=1., tau_inact=1.5, tau_rec=130., tau_facil=530., A_SE=1540., U_SE=0.03,
              start=100., stop=1100., frequency=20., duration=1200.),
    'C': dict(tau_mem=60., R_in=1., tau_inact=1.5, tau_rec=130., tau_facil=530., A_SE=1540., U_SE=0.03,
              start=100., stop=375., frequency=70., duration=500.),
}

tau_mem, R_in = 40., 0.1
tau_inact, tau_rec, tau_facil, A_SE, U_SE = 3., 800., 530., 250., 0.6


@bp.integrate(method='exponential')
def int_v(v, t, I_syn):
    return (-v + R_in * I_syn) / tau_mem


def membrane_update(ST, _t):
    ST['V'] = int_v(ST['V'], _t, ST['input'])
    ST['input'] = 0.


@bp.integrate(method='exponential')
def int_x(x, t, y):
    return (1. - x - y) / tau_rec


@bp.integrate(method='exponential')
def int_y(y, t):
    return -y / tau_inact


@bp.integrate(method='exponential')
def int_u(u, t):
    return -u / tau_facil


def depressing_update(ST, _t, pre):
    x = int_x(ST['x'], _t, ST['y'])
    y = int_y(ST['y'], _t)
    if pre['spike'] > 0.:
        y += U_SE * x
        x -= U_SE * x
    ST['x'] = x
    ST['y'] = y


def facilitating_update(ST, _t, pre):
    x = int_x(ST['x'], _t, ST['y'])
    y = int_y(ST['y'], _t)
    u = int_u(ST['u'], _t)
    if pre['spike'] > 0.:
        u += U_SE * (1. - u)
        y += u * x
        x -= u * x
    ST['x'] = x
    ST['y'] = y
    ST['u'] = u


def output(ST, post):
    post['input'] += A_SE * ST['y']


membrane = bp.NeuType(name='passive_membrane', ST=bp.types.NeuState({'V': 0., 'input': 0.}),
                      steps=membrane_update, mode='scalar')
_requires = dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input']))
depressing = bp.SynType(name='TM_depressing', ST=bp.types.SynState({'x': 1., 'y': 0.}), requires=_requires,
                        steps=(depressing_update, output), mode='scalar')
facilitating = bp.SynType(name='TM_facilitating', ST=bp.types.SynState({'x': 1., 'y': 0., 'u': 0.}),
                          requires=_requires, steps=(facilitating_update, output), mode='scalar')


def run(panel: str = 'A', seed: int = 0, **changes) -> dict:
    """Run one panel (``changes`` override its values); returns the membrane potential (mV) and its times,
    the presynaptic spike times, and the run time (s). dt is Brian2's default 0.1 ms."""
    p = {**PANELS[panel], **changes}
    with bp.profile.override(dt=0.1, seed=seed):
        times = list(np.arange(p['start'], p['stop'] - 1e-9, 1000. / p['frequency']))
        source = bp.inputs.SpikeTimeInput(1, times=times)
        neuron = bp.NeuGroup(membrane, 1, monitors=['V'], pars_update=dict(tau_mem=p['tau_mem'], R_in=p['R_in']))
        model = facilitating if p['tau_facil'] else depressing
        pars = dict(tau_inact=p['tau_inact'], tau_rec=p['tau_rec'], A_SE=p['A_SE'], U_SE=p['U_SE'])
        if p['tau_facil']:
            pars['tau_facil'] = p['tau_facil']
        synapse = bp.SynConn(model, pre_group=source, post_group=neuron, conn=bp.connect.All2All(),
                             pars_update=pars)
        net = bp.Network(source, synapse, neuron)
        net.build(p['duration'])
        t0 = time.perf_counter()
        net.run(p['duration'])
        run_s = time.perf_counter() - t0
    return {'V': np.asarray(neuron.mon.V)[:, 0], 'ts': np.asarray(neuron.mon.ts), 'spike_times': np.asarray(times),
            'run_s': run_s}


def epsp_peaks(out: dict) -> np.ndarray:
    """The peak potential after each presynaptic spike, up to the next one (or the end)."""
    ends = list(out['spike_times'][1:]) + [out['ts'][-1] + 1.]
    return np.array([out['V'][(out['ts'] >= s) & (out['ts'] < e)].max() for s, e in zip(out['spike_times'], ends)])


if __name__ == '__main__':
    for name in PANELS:
        peaks = epsp_peaks(run(name))
        print(name, np.round(peaks[:5], 3), np.round(peaks[-2:], 3))
