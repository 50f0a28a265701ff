"""Izhikevich's (2003) network of excitatory and inhibitory spiking neurons, as a BrainPy 0.3 user writes it.

Scalar-mode neurons with per-neuron parameters in their state (regular spiking to chattering cells, fast-spiking
to low-threshold interneurons), scalar-mode pulse synapses whose ``@bp.delayed`` output adds the weight of a
presynaptic spike to the target's input, one delay per synapse (axonal delays of 1-10 ms for the excitatory
synapses, 1 ms for the inhibitory ones, as in Izhikevich's 2006 polychronous networks), and a noisy thalamic
input given to ``run`` as one value per step and neuron.
"""

import numpy as np

import bp_core as bp

ST = bp.types.NeuState({'v': -65., 'u': -13., 'a': 0.02, 'b': 0.2, 'c': -65., 'd': 8., 'input': 0., 'spike': 0.})


@bp.integrate
def int_v(v, t, u, I):
    return 0.04 * v * v + 5 * v + 140 - u + I


@bp.integrate
def int_u(u, t, v, a, b):
    return a * (b * v - u)


def update(ST, _t):
    v = int_v(ST['v'], _t, ST['u'], ST['input'])
    u = int_u(ST['u'], _t, ST['v'], ST['a'], ST['b'])
    ST['spike'] = 0.
    if v >= 30.:
        v = ST['c']
        u += ST['d']
        ST['spike'] = 1.
    ST['v'] = v
    ST['u'] = u
    ST['input'] = 0.


Izhikevich = bp.NeuType(name='Izhikevich2003', ST=ST, steps=update, mode='scalar')

syn_ST = bp.types.SynState({'w': 0., 'g': 0.})


def syn_update(ST, _t, pre):
    ST['g'] = ST['w'] * pre['spike']


@bp.delayed
def syn_output(ST, post):
    post['input'] += ST['g']


Pulse = bp.SynType(name='PulseSynapse', ST=syn_ST, steps=(syn_update, syn_output), mode='scalar',
                   requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input'])))


def make(num_exc, num_inh, seed=0, dt=0.1, prob=0.2, monitors=('v', 'spike')):
    """The network's groups, synapses and cell parameters, drawn from ``seed``; the group records ``monitors``."""
    bp.profile.set(dt=dt, numerical_method='euler')
    rng = np.random.RandomState(seed)
    num = num_exc + num_inh
    group = bp.NeuGroup(Izhikevich, geometry=num, monitors=list(monitors))
    re, ri = rng.rand(num_exc), rng.rand(num_inh)
    group.ST['a'] = np.concatenate([0.02 * np.ones(num_exc), 0.02 + 0.08 * ri])
    group.ST['b'] = np.concatenate([0.2 * np.ones(num_exc), 0.25 - 0.05 * ri])
    group.ST['c'] = np.concatenate([-65 + 15 * re ** 2, -65 * np.ones(num_inh)])
    group.ST['d'] = np.concatenate([8 - 6 * re ** 2, 2 * np.ones(num_inh)])
    group.ST['v'] = -65.
    group.ST['u'] = group.ST['b'] * -65.
    scale = 1000. / num / prob  # Izhikevich's weights are for 1000 neurons, all to all
    exc = bp.SynConn(Pulse, pre_group=group[:num_exc], post_group=group,
                     conn=bp.connect.FixedProb(prob, seed=seed))
    exc.ST['w'] = 0.5 * scale * rng.rand(exc.num)
    exc.delay = rng.uniform(1., 10., exc.num)
    inh = bp.SynConn(Pulse, pre_group=group[num_exc:], post_group=group,
                     conn=bp.connect.FixedProb(prob, seed=seed + 1), delay=1.)
    inh.ST['w'] = -1. * scale * rng.rand(inh.num)
    # Izhikevich draws the thalamic input once per millisecond: held for the steps of each
    per_ms = np.concatenate([5 * np.ones(num_exc), 2 * np.ones(num_inh)]) * rng.randn(1000, num)
    thalamic = np.repeat(per_ms, int(round(1. / dt)), axis=0)
    return group, exc, inh, thalamic


def run(num_exc, num_inh, duration, seed=0, dt=0.1):
    """Run the network; returns the group, the synapses and the thalamic input given."""
    group, exc, inh, thalamic = make(num_exc, num_inh, seed, dt)
    net = bp.Network(group, exc, inh)
    n_steps = int(round(duration / dt))
    net.run(duration, inputs=(group, 'ST.input', thalamic[:n_steps]))
    return group, exc, inh, thalamic[:n_steps]


def reference(group, syns, thalamic, dt=0.1):
    """The same network in plain numpy (group's initial state and parameters as set by ``make``)."""
    p = {k: np.array(group.ST[k], dtype=float) for k in ('a', 'b', 'c', 'd')}
    v = np.full(group.num, -65.)
    u = p['b'] * -65.
    links = []
    for syn in syns:  # presynaptic and postsynaptic index in the whole group, weight, delay in steps
        i, j = syn.pre_ids, syn.post_ids
        steps = np.broadcast_to(np.rint(np.asarray(syn.delay) / dt).astype(int), i.shape)
        links.append((i, j, np.array(syn.ST['w']), steps))
    n_steps = len(thalamic)
    spikes = np.zeros((n_steps, group.num))
    vs = np.empty((n_steps, group.num))
    pending = np.zeros(group.num)
    for n in range(n_steps):
        I = pending + thalamic[n]
        v_new = v + dt * (0.04 * v * v + 5 * v + 140 - u + I)
        u = u + dt * p['a'] * (p['b'] * v - u)
        fired = v_new >= 30.
        v_new[fired] = p['c'][fired]
        u[fired] += p['d'][fired]
        v = v_new
        spikes[n], vs[n] = fired, v
        pending = np.zeros(group.num)
        for i, j, w, steps in links:  # what the synapses deliver at this step, the target reads at the next
            src = n - steps
            ok = src >= 0
            np.add.at(pending, j[ok], w[ok] * spikes[src[ok], i[ok]])
    return vs, spikes
