"""Synapse models: AMPA, GABA_A, NMDA, short-term plasticity (Tsodyks-Markram), gap junction.

Each ``get_X(**params)`` returns a SynType in scalar mode written with the public API
only (``get_STP(event_driven=True)`` a vector-mode one updated only at presynaptic spikes).
Chemical synapses read ``pre['spike']`` and add a current to ``post['input']``;
their output step is ``@bp.delayed`` so a SynConn's ``delay`` applies.
"""

from __future__ import annotations

import numpy as np

import bp_core as bp

__all__ = ["get_AMPA1", "get_GABAa1", "get_GABAa2", "get_NMDA", "get_STP", "get_GapJunction", "mg_block"]


def _exponential_synapse(name: str, g_max: float, E: float, tau_decay: float) -> bp.SynType:
    """A conductance ``s`` that jumps by 1 at each pre-synaptic spike and decays with ``tau_decay``."""
    requires = dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['V', 'input']))

    @bp.integrate(method='exponential')
    def int_s(s, t):
        return - s / tau_decay

    def update(ST, _t, pre):
        s = int_s(ST['s'], _t)
        s += pre['spike']
        ST['s'] = s

    @bp.delayed
    def output(ST, post):
        post['input'] -= g_max * ST['s'] * (post['V'] - E)

    return bp.SynType(name=name, ST=bp.types.SynState(['s']), requires=requires, steps=(update, output),
                      mode='scalar')


def get_AMPA1(g_max: float = 0.10, E: float = 0., tau_decay: float = 2.0) -> bp.SynType:
    """AMPA synapse with an instantaneous rise and exponential decay (Destexhe et al. 1994, simplified).

    .. math:: \\frac{ds}{dt} = -\\frac{s}{\\tau_{decay}} + \\sum_k \\delta(t - t_k), \\quad
              I_{syn} = -g_{max} s (V_{post} - E)
    """
    return _exponential_synapse('AMPA1', g_max, E, tau_decay)


def get_GABAa1(g_max: float = 0.4, E: float = -80., tau_decay: float = 6.) -> bp.SynType:
    """GABA_A synapse with an instantaneous rise and exponential decay (same form as :func:`get_AMPA1`)."""
    return _exponential_synapse('GABAa1', g_max, E, tau_decay)


def get_GABAa2(g_max: float = 0.1, E: float = -75., alpha: float = 12., beta: float = 0.1,
               V_th: float = 0.) -> bp.SynType:
    """GABA_A synapse with a gate opened by transmitter released in proportion to a sigmoid of the
    pre-synaptic voltage (Wang & Buzsaki 1996), the synapse of the spec's Quickstart gamma network.

    .. math:: \\frac{ds}{dt} = \\alpha T (1 - s) - \\beta s, \\quad T = \\frac{1}{1 + e^{-(V_{pre} - V_{th})/2}},
              \\quad I_{syn} = -g_{max} s (V_{post} - E)
    """
    requires = dict(pre=bp.types.NeuState(['V']), post=bp.types.NeuState(['V', 'input']))

    @bp.integrate(method='exponential')
    def int_s(s, t, TT):
        return alpha * TT * (1 - s) - beta * s

    def update(ST, _t, pre):
        T = 1 / (1 + np.exp(-(pre['V'] - V_th) / 2))
        ST['s'] = int_s(ST['s'], _t, T)

    @bp.delayed
    def output(ST, post):
        post['input'] -= g_max * ST['s'] * (post['V'] - E)

    return bp.SynType(name='GABAa2', ST=bp.types.SynState(['s']), requires=requires, steps=(update, output),
                      mode='scalar',
                      units={'g_max': 'mS/cm2', 'E': 'mV', 'alpha': '1/ms', 'beta': '1/ms', 'V_th': 'mV'},
                      descriptions={'g_max': 'maximal conductance of one synapse', 'E': 'reversal potential',
                                    'alpha': 'opening rate', 'beta': 'closing rate',
                                    'V_th': 'pre-synaptic voltage of half release', 's': 'open fraction'})


def mg_block(V, cc_Mg: float = 1.2, alpha: float = 0.062, beta: float = 3.57):
    """Fraction of NMDA channels free of Mg2+ at potential V (Jahr & Stevens 1990)."""
    return 1. / (1. + np.exp(-alpha * V) * cc_Mg / beta)


def get_NMDA(g_max: float = 0.15, E: float = 0., alpha: float = 0.062, beta: float = 3.57, cc_Mg: float = 1.2,
             tau_decay: float = 100., a: float = 0.5, tau_rise: float = 2.) -> bp.SynType:
    """NMDA synapse with a rise variable and a voltage-dependent Mg2+ block (Jahr & Stevens 1990).

    .. math::

        \\frac{ds}{dt} = -\\frac{s}{\\tau_{decay}} + a x (1 - s), \\qquad
        \\frac{dx}{dt} = -\\frac{x}{\\tau_{rise}} + \\sum_k \\delta(t - t_k)

        I_{syn} = -g_{max} s (V - E) / (1 + [Mg^{2+}] e^{-\\alpha V} / \\beta)
    """
    requires = dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['V', 'input']))

    @bp.integrate(method='exponential')
    def int_x(x, t):
        return -x / tau_rise

    @bp.integrate(method='exponential')
    def int_s(s, t, x):
        return -s / tau_decay + a * x * (1 - s)

    def update(ST, _t, pre):
        x = int_x(ST['x'], _t)
        x += pre['spike']
        s = int_s(ST['s'], _t, ST['x'])
        ST['x'] = x
        ST['s'] = s

    @bp.delayed
    def output(ST, post):
        block = 1. / (1. + np.exp(-alpha * post['V']) * cc_Mg / beta)
        post['input'] -= g_max * ST['s'] * (post['V'] - E) * block

    return bp.SynType(name='NMDA', ST=bp.types.SynState(['s', 'x']), requires=requires, steps=(update, output),
                      mode='scalar')


def get_STP(U: float = 0.15, tau_f: float = 1500., tau_d: float = 200., tau: float = 8., A: float = 1.,
            event_driven: bool = False) -> bp.SynType:
    """Short-term plasticity (Tsodyks, Pawelzik & Markram 1998).

    Between spikes ``du/dt = -u / tau_f``, ``dx/dt = (1 - x) / tau_d``, ``dI/dt = -I / tau``.
    At a pre-synaptic spike ``u <- u + U (1 - u)`` first, then ``I <- I + A u x`` and
    ``x <- x - u x``. The efficacy ``u x`` of the k-th spike of a regular train
    facilitates (small U, long tau_f) or depresses (large U, long tau_d). The output
    adds ``I`` to ``post['input']``.

    With ``event_driven=True`` the synapse is computed only at its presynaptic spikes (see
    :func:`_event_driven_stp`): ``u`` and ``x`` recover exactly since the last spike, there is no
    current ``I`` (``tau`` is unused) and each spike adds ``A u x`` to ``post['input']``.
    """
    if event_driven:
        return _event_driven_stp(U, tau_f, tau_d, A)
    requires = dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input']))
    ST = bp.types.SynState({'u': 0., 'x': 1., 'I': 0., 'efficacy': 0.})

    @bp.integrate(method='exponential')
    def int_u(u, t):
        return - u / tau_f

    @bp.integrate(method='exponential')
    def int_x(x, t):
        return (1 - x) / tau_d

    @bp.integrate(method='exponential')
    def int_I(I, t):
        return - I / tau

    def update(ST, _t, pre):
        u = int_u(ST['u'], _t)
        x = int_x(ST['x'], _t)
        I = int_I(ST['I'], _t)
        if pre['spike'] > 0:
            u += U * (1 - u)
            ST['efficacy'] = u * x
            I += A * u * x
            x -= u * x
        ST['u'] = u
        ST['x'] = x
        ST['I'] = I

    @bp.delayed
    def output(ST, post):
        post['input'] += ST['I']

    return bp.SynType(name='STP', ST=ST, requires=requires, steps=(update, output), mode='scalar')


def _event_driven_stp(U: float, tau_f: float, tau_d: float, A: float) -> bp.SynType:
    """Tsodyks-Markram synapse updated only at presynaptic spikes, with the exact recovery since the last one.

    Each synapse stores ``u`` and ``x`` as they were right after its last spike, at ``t_last``. At a spike at
    ``t``: ``u <- u exp(-(t - t_last) / tau_f)``, ``x <- 1 - (1 - x) exp(-(t - t_last) / tau_d)``, then
    ``u <- u + U (1 - u)``, ``efficacy <- u x``, ``post['input'] += A u x`` and ``x <- x - u x``.

    Parameters
    ----------
    U : float
        Increment of the utilisation ``u`` at a spike.
    tau_f, tau_d : float
        Facilitation and depression (recovery) time constants (ms).
    A : float
        Amplitude of the input a spike delivers at efficacy 1.

    Returns
    -------
    bp.SynType
        A vector-mode synapse type with state ``u``, ``x``, ``efficacy`` and ``t_last``.
    """
    requires = dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input']))
    ST = bp.types.SynState({'u': 0., 'x': 1., 'efficacy': 0., 't_last': 0.})

    def update(ST, _t, pre, post, pre2syn, post_ids):
        for i in range(pre['spike'].shape[0]):
            if pre['spike'][i] > 0.:
                for syn in pre2syn[i]:
                    elapsed = _t - ST['t_last'][syn]
                    u = ST['u'][syn] * np.exp(-elapsed / tau_f)
                    x = 1. - (1. - ST['x'][syn]) * np.exp(-elapsed / tau_d)
                    u += U * (1. - u)
                    ST['efficacy'][syn] = u * x
                    post['input'][post_ids[syn]] += A * u * x
                    ST['u'][syn] = u
                    ST['x'][syn] = x - u * x
                    ST['t_last'][syn] = _t

    return bp.SynType(name='STP_event_driven', ST=ST, requires=requires, steps=update, mode='vector')


def get_GapJunction(g: float = 0.1) -> bp.SynType:
    """Electrical synapse: ``I_post += g (V_pre - V_post)`` (one direction per synapse;
    connect both ways for a symmetric junction)."""
    requires = dict(pre=bp.types.NeuState(['V']), post=bp.types.NeuState(['V', 'input']))

    def output(ST, pre, post):
        post['input'] += g * (pre['V'] - post['V'])

    return bp.SynType(name='GapJunction', ST=bp.types.SynState(['w']), requires=requires, steps=output,
                      mode='scalar')
