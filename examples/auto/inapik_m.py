"""Izhikevich's persistent-sodium plus potassium model (I_Na,p+I_K, Dynamical Systems in Neuroscience, 2007,
ch. 4, its high-threshold potassium with the fast kinetics tau_n = 0.152 ms) with a slow M-type potassium
current (ch. 9's construction of a square-wave burster: g_M = 5 mS/cm^2, tau_M = 20 ms), continued in the
applied current I. Not an AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "inapikm"
PAR = "I"
PAR_RANGE = (-100.0, 150.0)
VARIABLES = {"V": [-90.0, 40.0], "n": [0.0, 1.0], "nM": [0.0, 1.0]}
RESOLUTION = 0.5
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is I, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "inapikm", "NMX": 2000, "DS": 0.05, "DSMAX": 0.5},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 1.0}}


def model(C: float = 1.0, g_L: float = 8.0, E_L: float = -80.0, g_Na: float = 20.0, E_Na: float = 60.0,
          g_K: float = 10.0, E_K: float = -90.0, tau_n: float = 0.152, g_M: float = 5.0,
          tau_M: float = 20.0) -> bp.NeuType:
    @bp.integrate
    def int_V(V, t, n, nM, I):
        m_inf = 1 / (1 + np.exp((-20 - V) / 15))
        return (I - g_L * (V - E_L) - g_Na * m_inf * (V - E_Na) - (g_K * n + g_M * nM) * (V - E_K)) / C

    @bp.integrate
    def int_n(n, t, V, I):
        return (1 / (1 + np.exp((-25 - V) / 5)) - n) / tau_n

    @bp.integrate
    def int_nM(nM, t, V, I):
        return (1 / (1 + np.exp((-20 - V) / 5)) - nM) / tau_M

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['n'], ST['nM'], 0.)
        n = int_n(ST['n'], _t, ST['V'], 0.)
        ST['nM'] = int_nM(ST['nM'], _t, ST['V'], 0.)
        ST['V'], ST['n'] = V, n

    return bp.NeuType(name="inapik_m", ST=bp.types.NeuState('V', 'n', 'nM'), steps=update)
