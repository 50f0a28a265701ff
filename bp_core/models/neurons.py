"""Neuron models: Hodgkin-Huxley, leaky integrate-and-fire, Izhikevich, FitzHugh-Nagumo, Wang-Buzsaki.

Each ``get_X(**params)`` returns a NeuType written with the public API only. The
state always has ``V``, ``spike`` (1 on the step a spike is emitted) and ``input``
(summed by inputs and synapses each step, then cleared).
"""

from __future__ import annotations

import numpy as np

import bp_core as bp

__all__ = ["get_HH", "get_LIF", "get_Izhikevich", "get_FitzHughNagumo", "get_WangBuzsaki", "wang_buzsaki_gates",
           "get_MorrisLecar", "MORRIS_LECAR_SETS"]


#: Units of the conductance-based neurons' parameters and potential (mV, ms, uA/cm2, mS/cm2).
HH_UNITS = {'V_th': 'mV', 'C': 'uF/cm2', 'E_Na': 'mV', 'g_Na': 'mS/cm2', 'E_K': 'mV', 'g_K': 'mS/cm2',
            'E_Leak': 'mV', 'g_Leak': 'mS/cm2', 'V': 'mV', 'input': 'uA/cm2'}
HH_DESCRIPTIONS = {'V_th': 'threshold of the spike flag', 'C': 'membrane capacitance',
                   'g_Na': 'maximal sodium conductance', 'g_K': 'maximal potassium conductance',
                   'g_Leak': 'leak conductance', 'E_Na': 'sodium reversal potential',
                   'E_K': 'potassium reversal potential', 'E_Leak': 'leak reversal potential',
                   'V': 'membrane potential', 'input': 'input current density'}


def get_HH(V_th: float = 20., C: float = 1.0, E_Na: float = 50., g_Na: float = 120., E_K: float = -77.,
           g_K: float = 36., E_Leak: float = -54.387, g_Leak: float = 0.3, noise: float = 0.,
           method: str = 'exponential') -> bp.NeuType:
    """The Hodgkin-Huxley squid-axon neuron (Hodgkin & Huxley 1952), vector mode.

    .. math::

        C \\frac{dV}{dt} = -g_{Na} m^3 h (V - E_{Na}) - g_K n^4 (V - E_K) - g_L (V - E_L) + I + \\sigma \\xi(t)

        \\frac{dx}{dt} = \\alpha_x(V) (1 - x) - \\beta_x(V) x, \\quad x \\in \\{m, h, n\\}

    with the classic rate functions (mV, ms, uA/cm^2, mS/cm^2). ``spike`` is 1 when V
    crosses ``V_th`` upwards.
    """
    ST = bp.types.NeuState({'V': -65., 'm': 0.053, 'h': 0.596, 'n': 0.318, 'spike': 0., 'input': 0.})

    @bp.integrate(method=method)
    def int_m(m, t, V):
        alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
        beta = 4.0 * np.exp(-(V + 65) / 18)
        return alpha * (1 - m) - beta * m

    @bp.integrate(method=method)
    def int_h(h, t, V):
        alpha = 0.07 * np.exp(-(V + 65) / 20.)
        beta = 1 / (1 + np.exp(-(V + 35) / 10))
        return alpha * (1 - h) - beta * h

    @bp.integrate(method=method)
    def int_n(n, t, V):
        alpha = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
        beta = 0.125 * np.exp(-(V + 65) / 80)
        return alpha * (1 - n) - beta * n

    def dV(V, t, m, h, n, I_ext):
        I_Na = g_Na * m ** 3 * h * (V - E_Na)
        I_K = g_K * n ** 4 * (V - E_K)
        I_leak = g_Leak * (V - E_Leak)
        return (- I_Na - I_K - I_leak + I_ext) / C

    if noise:
        @bp.integrate(method='euler')
        def int_V(V, t, m, h, n, I_ext):
            return dV(V, t, m, h, n, I_ext), noise / C
    else:  # an ODE, so every method integrates it
        int_V = bp.integrate(dV, method=method)

    def update(ST, _t):
        m = np.clip(int_m(ST['m'], _t, ST['V']), 0., 1.)
        h = np.clip(int_h(ST['h'], _t, ST['V']), 0., 1.)
        n = np.clip(int_n(ST['n'], _t, ST['V']), 0., 1.)
        V = int_V(ST['V'], _t, ST['m'], ST['h'], ST['n'], ST['input'])
        ST['spike'] = np.logical_and(ST['V'] < V_th, V >= V_th)
        ST['V'] = V
        ST['m'] = m
        ST['h'] = h
        ST['n'] = n
        ST['input'] = 0.

    return bp.NeuType(name='HH', ST=ST, steps=update, mode='vector', units=HH_UNITS, descriptions=HH_DESCRIPTIONS)


def get_LIF(V_rest: float = 0., V_reset: float = -5., V_th: float = 20., R: float = 1., tau: float = 10.,
            t_refractory: float = 5., noise: float = 0., mode: str = 'scalar') -> bp.NeuType:
    """Leaky integrate-and-fire neuron (Lapicque 1907; Gerstner et al. 2014, ch. 1).

    .. math:: \\tau \\frac{dV}{dt} = -(V - V_{rest}) + R I + \\sigma \\xi(t)

    When V reaches ``V_th`` it is set to ``V_reset`` and held there for ``t_refractory`` ms.
    With constant input the rate is ``1 / (t_ref + tau * ln((R I + V_rest - V_reset) / (R I + V_rest - V_th)))``.
    """
    ST = bp.types.NeuState({'V': V_rest, 'input': 0., 'spike': 0., 'refractory': 0., 't_last_spike': -1e7})

    @bp.integrate(method='euler' if noise else 'exponential')
    def int_V(V, _t, I_ext):
        return (- (V - V_rest) + R * I_ext) / tau, noise / tau

    if mode == 'scalar':
        def update(ST, _t):
            ST['spike'] = 0.
            if _t - ST['t_last_spike'] <= t_refractory:
                ST['refractory'] = 1.
            else:
                ST['refractory'] = 0.
                V = int_V(ST['V'], _t, ST['input'])
                if V >= V_th:
                    V = V_reset
                    ST['spike'] = 1.
                    ST['t_last_spike'] = _t
                ST['V'] = V
            ST['input'] = 0.
    else:
        def update(ST, _t):
            refractory = (_t - ST['t_last_spike']) <= t_refractory
            V = int_V(ST['V'], _t, ST['input'])
            V = np.where(refractory, ST['V'], V)
            spike = V >= V_th
            ST['t_last_spike'] = np.where(spike, _t, ST['t_last_spike'])
            ST['V'] = np.where(spike, V_reset, V)
            ST['spike'] = spike
            ST['refractory'] = refractory
            ST['input'] = 0.

    return bp.NeuType(name='LIF', ST=ST, steps=update, mode=mode,
                      units={'V_rest': 'mV', 'V_reset': 'mV', 'V_th': 'mV', 'tau': 'ms', 't_refractory': 'ms',
                             'V': 'mV'},
                      descriptions={'V_rest': 'resting potential', 'V_reset': 'potential after a spike',
                                    'V_th': 'spike threshold', 'R': 'membrane resistance',
                                    'tau': 'membrane time constant', 't_refractory': 'refractory period'})


IZHIKEVICH_TYPES = {
    'tonic': (0.02, 0.2, -65., 6.), 'regular': (0.02, 0.2, -65., 8.), 'intrinsically_bursting': (0.02, 0.2, -55., 4.),
    'chattering': (0.02, 0.2, -50., 2.), 'fast_spiking': (0.1, 0.2, -65., 2.), 'low_threshold': (0.02, 0.25, -65., 2.),
    'resonator': (0.1, 0.26, -65., 2.),
}
"""(a, b, c, d) of the firing classes of Izhikevich (2003)."""


def get_Izhikevich(a: float = 0.02, b: float = 0.20, c: float = -65., d: float = 8., t_refractory: float = 0.,
                   noise: float = 0., V_th: float = 30., type: str | None = None) -> bp.NeuType:
    """The Izhikevich (2003) neuron.

    .. math::

        \\frac{dV}{dt} = 0.04 V^2 + 5 V + 140 - u + I, \\qquad \\frac{du}{dt} = a (b V - u)

    and when ``V >= V_th``: ``V <- c``, ``u <- u + d``. ``type`` picks (a, b, c, d) from
    :data:`IZHIKEVICH_TYPES` (e.g. 'regular', 'fast_spiking', 'chattering').
    """
    if type is not None:
        if type not in IZHIKEVICH_TYPES:
            raise bp.errors.ModelDefError(f"unknown Izhikevich type {type!r}; known: {sorted(IZHIKEVICH_TYPES)}.")
        a, b, c, d = IZHIKEVICH_TYPES[type]
    ST = bp.types.NeuState({'V': -65., 'u': b * -65., 'spike': 0., 'input': 0., 't_last_spike': -1e7})

    @bp.integrate(method='euler')
    def int_u(u, t, V):
        return a * (b * V - u)

    @bp.integrate(method='euler')
    def int_V(V, t, u, I_ext):
        return 0.04 * V * V + 5 * V + 140 - u + I_ext, noise

    def update(ST, _t):
        ST['spike'] = 0.
        if _t - ST['t_last_spike'] > t_refractory:
            V = int_V(ST['V'], _t, ST['u'], ST['input'])
            u = int_u(ST['u'], _t, ST['V'])
            if V >= V_th:
                V = c
                u += d
                ST['spike'] = 1.
                ST['t_last_spike'] = _t
            ST['V'] = V
            ST['u'] = u
        ST['input'] = 0.

    return bp.NeuType(name='Izhikevich', ST=ST, steps=update, mode='scalar')


def get_FitzHughNagumo(a: float = 0.7, b: float = 0.8, tau: float = 12.5, Vth: float = 1.9,
                       method: str = 'rk4') -> bp.NeuType:
    """The FitzHugh-Nagumo neuron (FitzHugh 1961; Nagumo et al. 1962), vector mode.

    .. math::

        \\frac{dv}{dt} = v - \\frac{v^3}{3} - w + I_{ext}, \\qquad \\tau \\frac{dw}{dt} = v + a - b w

    The input ``Iext`` is the derivative's argument fed from ``ST['input']``, so the
    analyzers can fix or vary it (``fixed_vars={'Iext': ...}``).
    """
    state = bp.types.NeuState({'v': 0., 'w': 1., 'spike': 0., 'input': 0.})

    @bp.integrate(method=method)
    def int_w(w, t, v):
        return (v + a - b * w) / tau

    @bp.integrate(method=method)
    def int_v(v, t, w, Iext):
        return v - v * v * v / 3 - w + Iext

    def update(ST, _t):
        ST['w'] = int_w(ST['w'], _t, ST['v'])
        v = int_v(ST['v'], _t, ST['w'], ST['input'])
        ST['spike'] = np.logical_and(v >= Vth, ST['v'] < Vth)
        ST['v'] = v
        ST['input'] = 0.

    return bp.NeuType(name='FitzHugh_Nagumo', ST=state, steps=update, mode='vector',
                      descriptions={'a': 'offset of the recovery nullcline', 'b': 'slope of the recovery nullcline',
                                    'tau': 'time scale of the recovery variable w', 'v': 'fast (voltage-like) variable',
                                    'w': 'slow recovery variable'})


#: Rinzel & Ermentrout (1998) parameter sets of the Morris-Lecar model: a Hopf (class II) and a SNIC (class I) onset.
MORRIS_LECAR_SETS = {
    "hopf": dict(g_Ca=4.4, V3=2., V4=30., phi=0.04),
    "snic": dict(g_Ca=4.0, V3=12., V4=17.4, phi=1. / 15.),
}


def get_MorrisLecar(C: float = 20., g_Ca: float = 4.4, g_K: float = 8., g_Leak: float = 2., E_Ca: float = 120.,
                    E_K: float = -84., E_Leak: float = -60., V1: float = -1.2, V2: float = 18., V3: float = 2.,
                    V4: float = 30., phi: float = 0.04, V_th: float = 0., method: str = 'rk4') -> bp.NeuType:
    """The Morris-Lecar neuron (Morris & Lecar 1981), vector mode, with Rinzel & Ermentrout's (1998) Hopf set
    as defaults (``MORRIS_LECAR_SETS`` holds both of their sets).

    .. math::

        C \\frac{dV}{dt} = I - g_L (V - E_L) - g_{Ca} m_\\infty(V) (V - E_{Ca}) - g_K w (V - E_K), \\qquad
        \\frac{dw}{dt} = \\phi \\frac{w_\\infty(V) - w}{\\tau_w(V)}

    with :math:`m_\\infty = (1 + \\tanh((V - V_1)/V_2))/2`, :math:`w_\\infty = (1 + \\tanh((V - V_3)/V_4))/2`,
    :math:`\\tau_w = 1/\\cosh((V - V_3)/(2 V_4))` (mV, ms, uA/cm^2, mS/cm^2).
    """
    state = bp.types.NeuState({'V': -60., 'w': 0.015, 'spike': 0., 'input': 0.})

    @bp.integrate(method=method)
    def int_w(w, t, V):
        w_inf = 0.5 * (1 + np.tanh((V - V3) / V4))
        tau_w = 1 / np.cosh((V - V3) / (2 * V4))
        return phi * (w_inf - w) / tau_w

    @bp.integrate(method=method)
    def int_V(V, t, w, Iext):
        m_inf = 0.5 * (1 + np.tanh((V - V1) / V2))
        I_ion = g_Leak * (V - E_Leak) + g_Ca * m_inf * (V - E_Ca) + g_K * w * (V - E_K)
        return (Iext - I_ion) / C

    def update(ST, _t):
        w = int_w(ST['w'], _t, ST['V'])
        V = int_V(ST['V'], _t, ST['w'], ST['input'])
        ST['spike'] = np.logical_and(ST['V'] < V_th, V >= V_th)
        ST['V'] = V
        ST['w'] = w
        ST['input'] = 0.

    return bp.NeuType(name='MorrisLecar', ST=state, steps=update, mode='vector',
                      units={'C': 'uF/cm2', 'g_Ca': 'mS/cm2', 'g_K': 'mS/cm2', 'g_Leak': 'mS/cm2', 'E_Ca': 'mV',
                             'E_K': 'mV', 'E_Leak': 'mV', 'V1': 'mV', 'V2': 'mV', 'V3': 'mV', 'V4': 'mV',
                             'phi': '1/ms', 'V': 'mV'},
                      descriptions={'g_Ca': 'maximal calcium conductance', 'g_K': 'maximal potassium conductance',
                                    'phi': 'rate of the potassium gate w'})


def get_WangBuzsaki(V_th: float = 0., C: float = 1.0, g_Leak: float = 0.1, E_Leak: float = -65., g_Na: float = 35.,
                    E_Na: float = 55., g_K: float = 9., E_K: float = -90., phi: float = 5.0,
                    mode: str = 'vector') -> bp.NeuType:
    """The Wang & Buzsaki (1996) interneuron: Hodgkin-Huxley currents with instantaneous sodium activation,
    the neuron of the spec's Quickstart gamma network.

    ``mode='vector'`` (the Quickstart's) updates the group with array expressions; ``mode='scalar'`` runs the
    same step one neuron at a time, with every intermediate a number: in vector mode each line allocates a
    temporary array per step, which costs more than the arithmetic in small groups (5x at one neuron).

    ``input`` is the synaptic current (summed each step, then cleared); a spike is an upward crossing of
    ``V_th``.
    """
    ST = bp.types.NeuState({'V': -55., 'h': 0., 'n': 0., 'spike': 0., 'input': 0.})

    @bp.integrate(method='exponential')
    def int_h(h, t, V):
        alpha = 0.07 * np.exp(-(V + 58) / 20)
        beta = 1 / (np.exp(-0.1 * (V + 28)) + 1)
        return phi * (alpha * (1 - h) - beta * h)

    @bp.integrate(method='exponential')
    def int_n(n, t, V):
        alpha = -0.01 * (V + 34) / (np.exp(-0.1 * (V + 34)) - 1)
        beta = 0.125 * np.exp(-(V + 44) / 80)
        return phi * (alpha * (1 - n) - beta * n)

    @bp.integrate(method='exponential')
    def int_V(V, t, h, n, Isyn):
        m_alpha = -0.1 * (V + 35) / (np.exp(-0.1 * (V + 35)) - 1)
        m_beta = 4 * np.exp(-(V + 60) / 18)
        m = m_alpha / (m_alpha + m_beta)
        INa = g_Na * m ** 3 * h * (V - E_Na)
        IK = g_K * n ** 4 * (V - E_K)
        IL = g_Leak * (V - E_Leak)
        return (- INa - IK - IL + Isyn) / C

    def update(ST, _t):
        h = int_h(ST['h'], _t, ST['V'])
        n = int_n(ST['n'], _t, ST['V'])
        V = int_V(ST['V'], _t, ST['h'], ST['n'], ST['input'])
        ST['spike'] = np.logical_and(ST['V'] < V_th, V >= V_th)
        ST['V'] = V
        ST['h'] = h
        ST['n'] = n
        ST['input'] = 0.

    if mode not in ('scalar', 'vector'):
        raise bp.errors.ModelDefError(f"get_WangBuzsaki: mode must be 'scalar' or 'vector', got {mode!r}.")
    return bp.NeuType(name='WangBuzsaki', ST=ST, steps=update, mode=mode, units=HH_UNITS,
                      descriptions=HH_DESCRIPTIONS)


def wang_buzsaki_gates(V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Steady-state ``h`` and ``n`` of :func:`get_WangBuzsaki` at membrane potentials ``V`` (a start at rest)."""
    h_a, h_b = 0.07 * np.exp(-(V + 58) / 20), 1 / (np.exp(-0.1 * (V + 28)) + 1)
    n_a, n_b = -0.01 * (V + 34) / (np.exp(-0.1 * (V + 34)) - 1), 0.125 * np.exp(-(V + 44) / 80)
    return h_a / (h_a + h_b), n_a / (n_a + n_b)
