"""NMDA-like synapses with a nonlinear conductance, summed into the postsynaptic neuron (Brian2's
``synapses/nonlinear`` example).

Two input neurons ramp up (``dv/dt = 1 / 10 ms``), fire at ``v > 1`` and reset to 0; they start at 0 and
0.5, so they fire in alternation every 5 ms. Each projects onto one neuron through a synapse with

    dg_syn/dt = -a g_syn + b x (1 - g_syn),   dx/dt = -c x,   x += w at a presynaptic spike,

``a = b = c = 1 / 10 ms``, weights 1 and 10; ``g_syn`` saturates at 1, so the strong synapse adds less than
ten times the weak one. The neuron's conductance is the sum of its synapses' ``g_syn`` (a summed variable,
Brian2's ``g_post = g_syn : 1 (summed)``), and its potential follows it: ``dv/dt = (g - v) / 10 ms``.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

a = b = c = 1 / 10.  # 1/ms
tau_input = tau = 10.  # ms


@bp.integrate(method='euler')
def int_v_input(v, t):
    return 1. / tau_input


@bp.integrate(method='exponential')  # exact for a linear equation, as Brian2's 'linear'
def int_v(v, t, g):
    return (g - v) / tau


@bp.integrate(method='euler')  # as Brian2 chooses for this nonlinear system
def int_g_syn(g_syn, t, x):
    return -a * g_syn + b * x * (1. - g_syn)


@bp.integrate(method='euler')
def int_x(x, t):
    return -c * x


def input_update(ST, _t):
    v = int_v_input(ST['v'], _t)
    ST['spike'] = v > 1.
    ST['v'] = np.where(v > 1., 0., v)


def neuron_update(ST, _t):
    ST['v'] = int_v(ST['v'], _t, ST['g'])


def synapse_update(ST, _t, pre, pre_ids):
    # both equations step from the old values (Euler), then a presynaptic spike of this step adds w to x,
    # as Brian2's on_pre runs after the state update
    g_syn = int_g_syn(ST['g_syn'], _t, ST['x'])
    ST['x'] = int_x(ST['x'], _t) + ST['w'] * pre['spike'][pre_ids]
    ST['g_syn'] = g_syn


ramp = bp.NeuType(name='ramp_input', ST=bp.types.NeuState({'v': 0., 'spike': 0.}), steps=input_update,
                  mode='vector')
neuron = bp.NeuType(name='conductance_follower', ST=bp.types.NeuState({'v': 0., 'g': 0.}), steps=neuron_update,
                    mode='vector')
nmda = bp.SynType(name='nonlinear_NMDA', ST=bp.types.SynState({'g_syn': 0., 'x': 0., 'w': 0.}),
                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['g'])),
                  steps=synapse_update, mode='vector', summed={'g': 'g_syn'})


def run(duration: float = 1000., seed: int = 0) -> dict:
    """Run the two inputs, their two synapses and the neuron for ``duration`` ms at dt = 0.1 ms.

    Returns the inputs' spikes (indices, times in ms); the neuron's ``g`` and ``v`` and the synapses'
    ``g_syn`` (rows: synapses) at the start of every step, as Brian2's StateMonitor records them, with their
    times ``ts``; and the run time in seconds (``run_s``). The model is deterministic: ``seed`` only seeds
    the network.
    """
    with bp.profile.override(dt=0.1, seed=seed):
        inputs = bp.NeuGroup(ramp, 2, monitors=['spike'])
        inputs.ST['v'] = [0., 0.5]
        post = bp.NeuGroup(neuron, 1, monitors=['g', 'v'])
        synapses = bp.SynConn(nmda, pre_group=inputs, post_group=post, conn=bp.connect.All2All(),
                              monitors=['g_syn'])
        synapses.ST['w'] = [1., 10.]
        start = {'g': post.ST['g'][0], 'v': post.ST['v'][0], 'g_syn': synapses.ST['g_syn'].copy()}
        net = bp.Network(inputs, synapses, post)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    # the monitors record after each step; the value at the start of step k is the one recorded at step k - 1
    g = np.concatenate([[start['g']], np.asarray(post.mon.g)[:-1, 0]])
    v = np.concatenate([[start['v']], np.asarray(post.mon.v)[:-1, 0]])
    g_syn = np.vstack([start['g_syn'], np.asarray(synapses.mon.g_syn)[:-1]]).T
    return {'spike_index': np.asarray(inputs.mon.spike_index), 'spike_time': np.asarray(inputs.mon.spike_time),
            'g': g, 'v': v, 'g_syn': g_syn, 'ts': np.asarray(post.mon.ts), 'n': 2, 'duration': duration,
            'run_s': run_s}


if __name__ == '__main__':
    out = run()
    print(f"{out['spike_time'].size} input spikes; neuron g: max {out['g'].max():.4f} at "
          f"{out['ts'][np.argmax(out['g'])]:.1f} ms, mean {out['g'].mean():.4f}; run {out['run_s']:.3f} s")
