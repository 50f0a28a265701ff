"""Rothman & Manis (2003): the ventral cochlear nucleus neuron types (Brian2's ``frompapers/Rothman_Manis_2003``).

One single-compartment model with seven currents, all the types differing only in their maximal
conductances: a fast sodium current, a high-threshold (KHT) and a low-threshold (KLT) potassium current, a
transient potassium current (KA), two hyperpolarisation-activated cation currents (Ih, and the octopus cells'
HCNO) and a leak,

    C dv/dt = I_leak + I_Na + I_KHT + I_KLT + I_KA + I_h + I_HCNO + I,

each gate ``x`` relaxing to ``x_inf(v)`` with time constant ``x_tau(v)``. Type I-c cells fire regularly under a
current step, type II cells (large KLT) fire one spike at its onset, types I-II and II-I lie between, type I-t
adds KA and type II-o (octopus) HCNO. Units: mV, ms, pA, nS, pF (nS * mV = pA, pA / pF = mV / ms).
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

C = 12.  # pF
E_h, E_K, E_L, E_Na = -43., -70., -65., 50.  # mV
nf = 0.85  # share of the KHT current through n (the rest through p)
zss = 0.5  # steady-state inactivation of KLT
temp = 22.  # degrees Celsius
q10 = 3. ** ((temp - 22.) / 10.)
frac = 0.  # share of HCNO's fast component
qt = 4.5 ** ((temp - 33.) / 10.)
FARADAY_OVER_RT = 1e-3 * 9.648e4 / (8.315 * (273.16 + temp))  # 1 / mV

TYPES = ('type1c', 'type1t', 'type12', 'type21', 'type2', 'type2o')
#: maximal conductances (nS) of each type, as in the paper's table
CONDUCTANCES = {
    #         g_Na,  g_KHT, g_KLT, g_KA, g_h, g_HCNO, g_L
    'type1c': (1000., 150., 0., 0., 0.5, 0., 2.),
    'type1t': (1000., 80., 0., 65., 0.5, 0., 2.),
    'type12': (1000., 150., 20., 0., 2., 0., 2.),
    'type21': (1000., 150., 35., 0., 3.5, 0., 2.),
    'type2': (1000., 150., 200., 0., 20., 0., 2.),
    'type2o': (1000., 150., 600., 0., 0., 40., 2.),
}
FIELDS = ('g_Na', 'g_KHT', 'g_KLT', 'g_KA', 'g_h', 'g_HCNO', 'g_L')


# sodium: activation m, inactivation h
@bp.integrate(method='exponential')
def int_m(m, t, v):
    m_inf = 1. / (1. + np.exp(-(v + 38.) / 7.))
    m_tau = 10. / (5. * np.exp((v + 60.) / 18.) + 36. * np.exp(-(v + 60.) / 25.)) + 0.04
    return q10 * (m_inf - m) / m_tau


@bp.integrate(method='exponential')
def int_h(h, t, v):
    h_inf = 1. / (1. + np.exp((v + 65.) / 6.))
    h_tau = 100. / (7. * np.exp((v + 60.) / 11.) + 10. * np.exp(-(v + 60.) / 25.)) + 0.6
    return q10 * (h_inf - h) / h_tau


# high-threshold potassium: n and p
@bp.integrate(method='exponential')
def int_n(n, t, v):
    n_inf = (1. + np.exp(-(v + 15.) / 5.)) ** -0.5
    n_tau = 100. / (11. * np.exp((v + 60.) / 24.) + 21. * np.exp(-(v + 60.) / 23.)) + 0.7
    return q10 * (n_inf - n) / n_tau


@bp.integrate(method='exponential')
def int_p(p, t, v):
    p_inf = 1. / (1. + np.exp(-(v + 23.) / 6.))
    p_tau = 100. / (4. * np.exp((v + 60.) / 32.) + 5. * np.exp(-(v + 60.) / 22.)) + 5.
    return q10 * (p_inf - p) / p_tau


# hyperpolarisation-activated cation current: r
@bp.integrate(method='exponential')
def int_r(r, t, v):
    r_inf = 1. / (1. + np.exp((v + 76.) / 7.))
    r_tau = 100000. / (237. * np.exp((v + 60.) / 12.) + 17. * np.exp(-(v + 60.) / 14.)) + 25.
    return q10 * (r_inf - r) / r_tau


# low-threshold potassium: activation w, inactivation z
@bp.integrate(method='exponential')
def int_w(w, t, v):
    w_inf = (1. / (1. + np.exp(-(v + 48.) / 6.))) ** 0.25
    w_tau = 100. / (6. * np.exp((v + 60.) / 6.) + 16. * np.exp(-(v + 60.) / 45.)) + 1.5
    return q10 * (w_inf - w) / w_tau


@bp.integrate(method='exponential')
def int_z(z, t, v):
    z_inf = zss + (1. - zss) / (1. + np.exp((v + 71.) / 10.))
    z_tau = 1000. / (np.exp((v + 60.) / 20.) + np.exp(-(v + 60.) / 8.)) + 50.
    return q10 * (z_inf - z) / z_tau


# transient potassium: activation a, inactivations b and c
@bp.integrate(method='exponential')
def int_a(a, t, v):
    a_inf = (1. / (1. + np.exp(-(v + 31.) / 6.))) ** 0.25
    a_tau = 100. / (7. * np.exp((v + 60.) / 14.) + 29. * np.exp(-(v + 60.) / 24.)) + 0.1
    return q10 * (a_inf - a) / a_tau


@bp.integrate(method='exponential')
def int_b(b, t, v):
    b_inf = 1. / (1. + np.exp((v + 66.) / 7.)) ** 0.5
    b_tau = 1000. / (14. * np.exp((v + 60.) / 27.) + 29. * np.exp(-(v + 60.) / 24.)) + 1.
    return q10 * (b_inf - b) / b_tau


@bp.integrate(method='exponential')
def int_c(c, t, v):
    c_inf = 1. / (1. + np.exp((v + 66.) / 7.)) ** 0.5
    c_tau = 90. / (1. + np.exp((-66. - v) / 17.)) + 10.
    return q10 * (c_inf - c) / c_tau


# the octopus cells' HCNO current: a fast (h1) and a slow (h2) component
@bp.integrate(method='exponential')
def int_h1(h1, t, v):
    h_inf = 1. / (1. + np.exp((v + 66.) / 7.))
    alpha = np.exp(3. * (v + 50.) * FARADAY_OVER_RT)
    beta = np.exp(3. * 0.3 * (v + 50.) * FARADAY_OVER_RT)
    return (h_inf - h1) * qt * 0.008 * (1. + alpha) / beta


@bp.integrate(method='exponential')
def int_h2(h2, t, v):
    h_inf = 1. / (1. + np.exp((v + 66.) / 7.))
    alpha = np.exp(3. * (v + 84.) * FARADAY_OVER_RT)
    beta = np.exp(3. * 0.6 * (v + 84.) * FARADAY_OVER_RT)
    return (h_inf - h2) * qt * 0.0029 * (1. + alpha) / beta


@bp.integrate(method='exponential')
def int_v(v, t, m, h, n, p, r, w, z, a, b, c, h1, h2, g_Na, g_KHT, g_KLT, g_KA, g_h, g_HCNO, g_L, I):
    I_Na = g_Na * m ** 3 * h * (E_Na - v)
    I_KHT = g_KHT * (nf * n ** 2 + (1. - nf) * p) * (E_K - v)
    I_KLT = g_KLT * w ** 4 * z * (E_K - v)
    I_KA = g_KA * a ** 4 * b * c * (E_K - v)
    I_h = g_h * r * (E_h - v)
    I_HCNO = g_HCNO * (h1 * frac + h2 * (1. - frac)) * (E_h - v)
    I_L = g_L * (E_L - v)
    return (I_L + I_Na + I_KHT + I_KLT + I_KA + I_h + I_HCNO + I) / C


GATES = ('m', 'h', 'n', 'p', 'r', 'w', 'z', 'a', 'b', 'c', 'h1', 'h2')


def update(ST, _t):
    v = ST['v']
    # every gate steps from the potential at the start of the step, then the potential from the old gates
    m, h = int_m(ST['m'], _t, v), int_h(ST['h'], _t, v)
    n, p = int_n(ST['n'], _t, v), int_p(ST['p'], _t, v)
    r = int_r(ST['r'], _t, v)
    w, z = int_w(ST['w'], _t, v), int_z(ST['z'], _t, v)
    a, b, c = int_a(ST['a'], _t, v), int_b(ST['b'], _t, v), int_c(ST['c'], _t, v)
    h1, h2 = int_h1(ST['h1'], _t, v), int_h2(ST['h2'], _t, v)
    ST['v'] = int_v(v, _t, ST['m'], ST['h'], ST['n'], ST['p'], ST['r'], ST['w'], ST['z'], ST['a'], ST['b'],
                    ST['c'], ST['h1'], ST['h2'], ST['g_Na'], ST['g_KHT'], ST['g_KLT'], ST['g_KA'], ST['g_h'],
                    ST['g_HCNO'], ST['g_L'], ST['input'])
    ST['m'], ST['h'], ST['n'], ST['p'], ST['r'], ST['w'] = m, h, n, p, r, w
    ST['z'], ST['a'], ST['b'], ST['c'], ST['h1'], ST['h2'] = z, a, b, c, h1, h2
    ST['input'] = 0.


neuron = bp.NeuType(name='RothmanManis', mode='vector', steps=update,
                    ST=bp.types.NeuState({'v': E_L, 'input': 0., **{g: 0. for g in GATES},
                                          **{f: 0. for f in FIELDS}}))


def run(duration: float = 100., current: float = 250., types: tuple = TYPES, rest: float = 50., dt: float = 0.1,
        seed: int = 0) -> dict:
    """One neuron of each of ``types`` from ``v = E_L`` with every gate closed, ``rest`` ms without input, then
    ``current`` pA for ``duration`` ms (exponential Euler, the original's dt of 0.1 ms). Returns the potentials
    at the end of the rest (mV), the traces during the current (time x neuron; row ``k`` is the state ``k``
    steps after its onset, row 0 the rest's end), their upward crossings of -20 mV (indices, times in ms from
    the current's onset) and the run time of both runs (s)."""
    with bp.profile.override(dt=dt, seed=seed):
        group = bp.NeuGroup(neuron, len(types), monitors=['v'])
        for k, field in enumerate(FIELDS):
            group.ST[field] = np.array([CONDUCTANCES[name][k] for name in types])
        net = bp.Network(group)
        net.build(rest)
        t0 = time.perf_counter()
        net.run(rest)
        run_s = time.perf_counter() - t0
        rest_v = np.array(group.ST['v'])
        net.build((rest, rest + duration), inputs=(group, 'ST.input', current))
        t0 = time.perf_counter()
        net.run((rest, rest + duration), inputs=(group, 'ST.input', current))
        run_s += time.perf_counter() - t0
    # the monitor holds the state after each step: the onset's state (the rest's end) comes first
    V = np.vstack([rest_v, np.asarray(group.mon.v)[:-1]])
    index, times = crossings(V, dt)
    return {'V': V, 'rest_v': rest_v, 'spike_index': index, 'spike_time': times, 'types': tuple(types),
            'n': len(types), 'duration': duration, 'run_s': run_s}


def crossings(V: np.ndarray, dt: float, level: float = -20.) -> tuple[np.ndarray, np.ndarray]:
    """Upward crossings of ``level`` mV in traces ``V`` (time x neuron, row ``k`` at ``k dt`` ms): the neuron
    and the time (ms) of the first sample at or above it."""
    step, index = np.nonzero((V[:-1] < level) & (V[1:] >= level))
    order = np.lexsort((step, index))
    return index[order], (step[order] + 1) * dt


if __name__ == '__main__':
    out = run()
    print(dict(zip(out['types'], np.bincount(out['spike_index'], minlength=out['n']))), f"run {out['run_s']:.3f} s")
