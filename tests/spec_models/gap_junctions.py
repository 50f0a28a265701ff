"""Neurons coupled by gap junctions, written as a BrainPy 0.3 user writes them, with ``pre2post`` or ``post2pre``.

Leaky integrate-and-fire neurons with graded drives ``v0`` (Brian2's gap-junction example, in units of the
threshold): ``tau dv/dt = v0 - v + I_gap``, spike and reset to 0 at ``v > 1``; every pair is coupled,
``I_gap,i = w sum_j (v_j - v_i)``. The synapse is a vector-mode SynType that walks the connection lists.
"""

import numpy as np

import bp_core as bp

tau = 10.
w = 0.05
v_th = 1.

neu_ST = bp.types.NeuState({'v': 0., 'v0': 1., 'input': 0., 'spike': 0.})


@bp.integrate
def int_v(v, t, v0, I_gap):
    return (v0 - v + I_gap) / tau


def neu_update(ST, _t):
    v = int_v(ST['v'], _t, ST['v0'], ST['input'])
    ST['spike'] = 0.
    if v > v_th:
        v = 0.
        ST['spike'] = 1.
    ST['v'] = v
    ST['input'] = 0.


LIF = bp.NeuType(name='GapLIF', ST=neu_ST, steps=neu_update, mode='scalar')

gap_ST = bp.types.SynState(['dummy'])
requires_post = dict(pre=bp.types.NeuState(['v']), post=bp.types.NeuState(['v', 'input']),
                     post2pre=bp.types.ListConn())
requires_pre = dict(pre=bp.types.NeuState(['v']), post=bp.types.NeuState(['v', 'input']),
                    pre2post=bp.types.ListConn())


def gap_by_post(ST, _t, pre, post, post2pre):
    for post_id in range(len(post2pre)):
        pre_ids = post2pre[post_id]
        post['input'][post_id] += w * np.sum(pre['v'][pre_ids] - post['v'][post_id])


def gap_by_pre(ST, _t, pre, post, pre2post):
    for pre_id in range(len(pre2post)):
        post_ids = pre2post[pre_id]
        post['input'][post_ids] += w * (pre['v'][pre_id] - post['v'][post_ids])


GapByPost = bp.SynType(name='GapJunctionPost2Pre', ST=gap_ST, requires=requires_post, steps=gap_by_post,
                       mode='vector')
GapByPre = bp.SynType(name='GapJunctionPre2Post', ST=gap_ST, requires=requires_pre, steps=gap_by_pre,
                      mode='vector')


def drives(num):
    """Brian2's example's graded drives."""
    return np.linspace(1.05, 3., num)


def run(num, duration, model=GapByPost, dt=0.1):
    """All-to-all gap junctions between ``num`` neurons; returns the group after the run."""
    bp.profile.set(dt=dt, numerical_method='euler')
    group = bp.NeuGroup(LIF, geometry=num, monitors=['v', 'spike'])
    group.ST['v0'] = drives(num)
    gap = bp.SynConn(model, pre_group=group, post_group=group, conn=bp.connect.All2All(include_self=False))
    net = bp.Network(group, gap)
    net.run(duration)
    return group


def reference(num, n_steps, dt=0.1):
    """The same network in plain numpy, forward Euler: (v, spike) histories."""
    v0 = drives(num)
    v, I = np.zeros(num), np.zeros(num)
    vs, spikes = np.empty((n_steps, num)), np.empty((n_steps, num))
    for i in range(n_steps):
        v = v + dt * (v0 - v + I) / tau
        spike = v > v_th
        v[spike] = 0.
        I = w * (v.sum() - num * v)  # sum over j != i of (v_j - v_i)
        vs[i], spikes[i] = v, spike
    return vs, spikes
