"""A Tsodyks-Markram synapse (Tsodyks, Pawelzik & Markram 1998) in scalar mode, as a BrainPy 0.3 user writes it.

Resources ``x`` recover to 1 with ``tau_d``, utilisation ``u`` relaxes to ``U`` with ``tau_f``; a presynaptic
spike first raises ``u`` by ``U (1 - u)``, then releases ``u x`` (the synaptic current ``I`` jumps by
``A u x``, decaying with ``tau_s``) and takes it from ``x``. The output reaches the target after ``delay``.
"""

import numpy as np

import bp_core as bp

U = 0.2
tau_d = 150.
tau_f = 600.
tau_s = 3.
A = 1.

ST = bp.types.SynState({'x': 1., 'u': U, 'I': 0.})


@bp.integrate(method='exponential')
def int_x(x, t):
    return (1 - x) / tau_d


@bp.integrate(method='exponential')
def int_u(u, t):
    return (U - u) / tau_f


@bp.integrate(method='exponential')
def int_I(I, t):
    return -I / tau_s


def update(ST, _t, pre):
    x = int_x(ST['x'], _t)
    u = int_u(ST['u'], _t)
    I = int_I(ST['I'], _t)
    if pre['spike'] > 0.:
        u += U * (1 - u)
        I += A * u * x
        x -= u * x
    ST['x'] = x
    ST['u'] = u
    ST['I'] = I


@bp.delayed
def output(ST, post):
    post['input'] += ST['I']


TM = bp.SynType(name='TsodyksMarkram', ST=ST, steps=(update, output), mode='scalar',
                requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input'])))

# a passive membrane that the synapse drives
tau_m = 20.
neu_ST = bp.types.NeuState({'V': 0., 'input': 0.})


@bp.integrate(method='exponential')
def int_V(V, t, I):
    return (-V + I) / tau_m


def neu_update(ST, _t):
    ST['V'] = int_V(ST['V'], _t, ST['input'])
    ST['input'] = 0.


Passive = bp.NeuType(name='Passive', ST=neu_ST, steps=neu_update, mode='scalar')


def run(spike_times, duration, delay=1., dt=0.1):
    """One synapse driven by ``spike_times``; returns the groups and the synapse after the run."""
    bp.profile.set(dt=dt, numerical_method='exponential')
    pre = bp.inputs.SpikeTimeInput(1, times=list(spike_times), monitors=['spike'])
    post = bp.NeuGroup(Passive, geometry=1, monitors=['V'])
    syn = bp.SynConn(TM, pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                     delay=delay, monitors=['x', 'u', 'I'])
    net = bp.Network(pre, syn, post)
    net.run(duration)
    return pre, syn, post


def released(spike_times):
    """The analytic release ``u x`` at each spike (the model's recursion between spikes, solved exactly)."""
    u_prev, x_prev, last, out = U, 1., None, []
    for t in spike_times:
        if last is None:
            u, x = U, 1.
        else:
            gap = t - last
            u = U + (u_prev - U) * np.exp(-gap / tau_f)
            x = 1 + (x_prev - 1) * np.exp(-gap / tau_d)
        u = u + U * (1 - u)
        out.append(u * x)
        u_prev, x_prev, last = u, x - u * x, t
    return np.array(out)
