"""A continuous attractor network (Wu, Amari et al. 2008), written as a BrainPy 0.3 user writes it.

A ring of ``num`` rate neurons, preferred stimuli in (-pi, pi]: Gaussian recurrent weights on the ring distance,
a firing rate divided by the population's activity (global inhibition), and a Gaussian stimulus that moves
along the ring. Vector mode, the dense weight matrix handed to the group through ``requires``.

    tau du/dt = -u + rho int J(x - x') r(x') dx' + I_ext,     r = u^2 / (1 + k rho int u(x')^2 dx')

on ``num`` points of density ``rho``, where ``rho int f dx'`` is the sum over neurons.
"""

import numpy as np

import bp_core as bp

tau = 1.
k = 8.1
a = 0.5
A = 0.1
J0 = 4.
z_min, z_max = -np.pi, np.pi


def ring(num):
    """The preferred stimuli of ``num`` neurons and the density ``rho`` of the ring."""
    x = np.linspace(z_min, z_max, num + 1)[1:]
    return x, num / (z_max - z_min)


def distance(d):
    """Distance on the ring."""
    d = np.remainder(d, z_max - z_min)
    return np.where(d > 0.5 * (z_max - z_min), d - (z_max - z_min), d)


def weights(num):
    """The Gaussian recurrent weight matrix."""
    x, _ = ring(num)
    d = distance(np.abs(x[:, None] - x[None, :]))
    return J0 * np.exp(-0.5 * np.square(d / a)) / (np.sqrt(2 * np.pi) * a)


def stimulus(num, pos):
    """A Gaussian bump of height ``A`` centred on ``pos`` (one row per entry of ``pos``)."""
    x, _ = ring(num)
    d = distance(np.abs(np.asarray(pos)[..., None] - x))
    return A * np.exp(-0.25 * np.square(d / a))


def stationary_height(num):
    """The height u0 of the free bump u0 exp(-x^2 / 4a^2) in the continuum limit (Wu et al. 2008).

    Substituting the bump in the equations gives B u0^2 - C u0 + 1 = 0 with B = k rho sqrt(2 pi) a and
    C = rho J0 / sqrt(2); a bump exists while k < rho J0^2 / (8 sqrt(2 pi) a).
    """
    _, rho = ring(num)
    B = k * rho * np.sqrt(2 * np.pi) * a
    C = rho * J0 / np.sqrt(2)
    if C ** 2 <= 4 * B:
        raise ValueError(f"no stationary bump for k = {k} at {num} neurons")
    return (C + np.sqrt(C ** 2 - 4 * B)) / (2 * B)


def cann_type():
    """The CANN NeuType, vector mode, the recurrent weights as the required ``conn_mat``."""
    ST = bp.types.NeuState({'x': 0., 'u': 0., 'r': 0., 'input': 0.})

    @bp.integrate
    def int_u(u, t, Irec, Iext):
        return (-u + Irec + Iext) / tau

    def update(ST, _t, conn_mat):
        r1 = np.square(ST['u'])
        r2 = 1.0 + k * np.sum(r1)
        r = r1 / r2
        Irec = np.dot(conn_mat, r)
        ST['u'] = int_u(ST['u'], _t, Irec, ST['input'])
        ST['r'] = r
        ST['input'] = 0.

    return bp.NeuType(name='CANN', ST=ST, steps=update, mode='vector',
                      requires={'conn_mat': bp.types.Array(dim=2)})


def run(num, duration, speed, dt=0.05):
    """Track a stimulus moving at ``speed`` (rad per time unit) from 0; returns (ts, u history, stimulus)."""
    bp.profile.set(dt=dt, numerical_method='euler')
    x, _ = ring(num)
    group = bp.NeuGroup(cann_type(), geometry=num, monitors=['u'],
                        satisfies={'conn_mat': weights(num)})
    group.ST['x'] = x
    n_steps = int(round(duration / dt))
    ts = np.arange(n_steps) * dt
    I_ext = stimulus(num, speed * ts)
    group.run(duration, inputs=('ST.input', I_ext))
    return group.mon.ts, group.mon.u, I_ext


def reference(num, I_ext, dt=0.05):
    """The same equations in plain numpy, forward Euler, as the reference of ``run``."""
    W = weights(num)
    u = np.zeros(num)
    out = np.empty((len(I_ext), num))
    for i, I in enumerate(I_ext):
        r1 = np.square(u)
        r = r1 / (1.0 + k * np.sum(r1))
        u = u + dt * (-u + W @ r + I) / tau
        out[i] = u
    return out
