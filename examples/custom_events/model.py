"""Custom events (Brian2's ``advanced/custom_events`` example): a second kind of event beside the spike, with
a synaptic pathway of its own.

A Poisson input (250 Hz) adds 0.5 to ``g`` of neuron G; ``g`` decays in 10 ms and drives ``v`` (50 ms).
``v > 1`` is a spike (``v = g = 0``); ``g > 1`` is a "gspike", once per excursion above 1 (a flag
``allow_gspike`` is cleared by the gspike and set again once ``g < 1``, or by a spike). Neuron H counts G's
spikes in ``x`` and G's gspikes in ``y`` (both decaying in 10 ms) through two pathways of one synapse: in the
spec's API an event is a state field, and a synapse step reads each field it follows from ``pre``.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau_v, tau_g, tau_h = 50., 10., 10.  # ms
rate, w_in = 250., 0.5  # Hz, jump of g per input spike


@bp.integrate(method='linear')
def int_G(v, g, t):
    return (g - v) / tau_v, -g / tau_g


@bp.integrate(method='exponential')
def int_x(x, t):
    return -x / tau_h


@bp.integrate(method='exponential')
def int_y(y, t):
    return -y / tau_h


def G_update(ST, _t):
    v, g = int_G(ST['v'], ST['g'], _t)
    ST['spike'] = 0.
    ST['gspike'] = 0.
    if g > 1. and ST['allow_gspike'] > 0.:
        ST['gspike'] = 1.
        ST['allow_gspike'] = 0.
    elif g < 1. and ST['allow_gspike'] == 0.:
        ST['allow_gspike'] = 1.
    if v > 1.:
        ST['spike'] = 1.
        v, g = 0., 0.
        ST['allow_gspike'] = 1.
    ST['v'], ST['g'] = v, g


def H_update(ST, _t):
    ST['x'] = int_x(ST['x'], _t)
    ST['y'] = int_y(ST['y'], _t)


def input_update(ST, pre, post):
    if pre['spike'] > 0.:
        post['g'] += w_in


def G_to_H_update(ST, pre, post):
    if pre['spike'] > 0.:  # the spike pathway
        post['x'] += 1.
    if pre['gspike'] > 0.:  # the gspike pathway
        post['y'] += 1.


G_type = bp.NeuType(name='custom_events_G', mode='scalar', steps=G_update,
                    ST=bp.types.NeuState({'v': 0., 'g': 0., 'allow_gspike': 1., 'spike': 0., 'gspike': 0.}))
H_type = bp.NeuType(name='custom_events_H', mode='scalar', steps=H_update, ST=bp.types.NeuState({'x': 0., 'y': 0.}))
input_syn = bp.SynType(name='custom_events_input', mode='scalar', steps=input_update, ST=bp.types.SynState([]),
                       requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['g'])))
G_to_H = bp.SynType(name='custom_events_G_to_H', mode='scalar', steps=G_to_H_update, ST=bp.types.SynState([]),
                    requires=dict(pre=bp.types.NeuState(['spike', 'gspike']), post=bp.types.NeuState(['x', 'y'])))


def run(duration: float = 500., n: int = 1, seed: int = 0) -> dict:
    """``n`` independent copies of input -> G -> H (the original has one), ``duration`` ms at dt 0.1 ms.
    Returns G's spikes and gspikes (indices, times in ms), G's ``g`` and H's ``x`` and ``y`` (time x copy,
    after each step), ``n``, ``duration`` and the run time (s)."""
    with bp.profile.override(dt=0.1, seed=seed):
        inputs = bp.inputs.PoissonInput(n, freqs=rate)
        G = bp.NeuGroup(G_type, n, monitors=['spike', 'gspike', 'g'])
        H = bp.NeuGroup(H_type, n, monitors=['x', 'y'])
        drive = bp.SynConn(input_syn, pre_group=inputs, post_group=G, conn=bp.connect.One2One())
        relay = bp.SynConn(G_to_H, pre_group=G, post_group=H, conn=bp.connect.One2One())
        net = bp.Network(inputs, G, H, drive, relay)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    gspike = np.asarray(G.mon.gspike)
    step, index = np.nonzero(gspike > 0.)
    return {'spike_index': np.asarray(G.mon.spike_index), 'spike_time': np.asarray(G.mon.spike_time),
            'gspike_index': index, 'gspike_time': step * 0.1,
            'g': np.asarray(G.mon.g), 'x': np.asarray(H.mon.x), 'y': np.asarray(H.mon.y),
            'n': n, 'duration': duration, 'run_s': run_s}


def statistics(out: dict) -> dict:
    """G's spike and gspike rates (Hz per copy) and the means of H's ``x`` and ``y``."""
    seconds = out['duration'] / 1000.
    return {'spike_rate_hz': out['spike_index'].size / out['n'] / seconds,
            'gspike_rate_hz': out['gspike_index'].size / out['n'] / seconds,
            'x_mean': float(out['x'].mean()), 'y_mean': float(out['y'].mean())}


if __name__ == '__main__':
    out = run(n=100)
    print(statistics(out), f"run {out['run_s']:.3f} s")
