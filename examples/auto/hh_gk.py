"""The Hodgkin-Huxley (1952) squid axon at rest (no applied current), continued in the potassium conductance
g_K (rates at a rest near -65 mV, 6.3 degrees C): lowering g_K depolarises the rest state until it loses
stability at a Hopf point and the axon fires on its own (Aihara & Matsumoto 1982 follow such branches in the
conductances). Not an AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "hhgk"
PAR = "g_K"
PAR_RANGE = (2.0, 60.0)
VARIABLES = {"V": [-90.0, 60.0], "m": [0.0, 1.0], "h": [0.0, 1.0], "n": [0.0, 1.0]}
RESOLUTION = 0.2
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is g_K, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "hhgk", "NMX": 2000, "DS": 0.05, "DSMAX": 0.5},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 1.0}}


def model(I: float = 0.0, C: float = 1.0, g_Na: float = 120.0, g_L: float = 0.3, E_Na: float = 50.0,
          E_K: float = -77.0, E_L: float = -54.4) -> bp.NeuType:
    @bp.integrate
    def int_V(V, t, m, h, n, g_K):
        return (I - g_Na * m ** 3 * h * (V - E_Na) - g_K * n ** 4 * (V - E_K) - g_L * (V - E_L)) / C

    @bp.integrate
    def int_m(m, t, V, g_K):
        alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
        beta = 4 * np.exp(-(V + 65) / 18)
        return alpha * (1 - m) - beta * m

    @bp.integrate
    def int_h(h, t, V, g_K):
        alpha = 0.07 * np.exp(-(V + 65) / 20)
        beta = 1 / (1 + np.exp(-(V + 35) / 10))
        return alpha * (1 - h) - beta * h

    @bp.integrate
    def int_n(n, t, V, g_K):
        alpha = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
        beta = 0.125 * np.exp(-(V + 65) / 80)
        return alpha * (1 - n) - beta * n

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['m'], ST['h'], ST['n'], 0.)
        ST['m'] = int_m(ST['m'], _t, ST['V'], 0.)
        ST['h'] = int_h(ST['h'], _t, ST['V'], 0.)
        ST['n'] = int_n(ST['n'], _t, ST['V'], 0.)
        ST['V'] = V

    return bp.NeuType(name="auto_hh_gk", ST=bp.types.NeuState('V', 'm', 'h', 'n'), steps=update)
