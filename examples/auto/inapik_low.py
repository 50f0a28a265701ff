"""Izhikevich's persistent-sodium plus potassium model (I_Na,p+I_K, Dynamical Systems in Neuroscience, 2007,
ch. 4) with the low-threshold potassium current (n's half-activation at -45 mV, tau_n = 1 ms) and E_L = -78 mV,
the resonator whose rest state loses stability at a Hopf point (ch. 6), continued in the applied current I. Not
an AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "inapikl"
PAR = "I"
PAR_RANGE = (-10.0, 100.0)
VARIABLES = {"V": [-90.0, 40.0], "n": [0.0, 1.0]}
RESOLUTION = 0.5
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is I, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "inapikl", "NMX": 2000, "DS": 0.05, "DSMAX": 0.5},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 1.0}}


def model(C: float = 1.0, g_L: float = 8.0, E_L: float = -78.0, g_Na: float = 20.0, E_Na: float = 60.0,
          g_K: float = 10.0, E_K: float = -90.0, tau_n: float = 1.0) -> bp.NeuType:
    @bp.integrate
    def int_V(V, t, n, I):
        m_inf = 1 / (1 + np.exp((-20 - V) / 15))
        return (I - g_L * (V - E_L) - g_Na * m_inf * (V - E_Na) - g_K * n * (V - E_K)) / C

    @bp.integrate
    def int_n(n, t, V, I):
        return (1 / (1 + np.exp((-45 - V) / 5)) - n) / tau_n

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['n'], 0.)
        ST['n'] = int_n(ST['n'], _t, ST['V'], 0.)
        ST['V'] = V

    return bp.NeuType(name="auto_inapik_low", ST=bp.types.NeuState('V', 'n'), steps=update)
