"""Rinzel's (1985) two-variable reduction of the Hodgkin-Huxley neuron (m at its steady state, h = 0.8 - n;
Ermentrout & Terman 2010, section 3.2, with the squid axon's rates at a rest near -65 mV), continued in the
applied current I: a subcritical Hopf point and the fold of cycles where repetitive firing begins. Not an
AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "rhh"
PAR = "I"
PAR_RANGE = (-10.0, 200.0)
VARIABLES = {"V": [-90.0, 60.0], "n": [0.0, 0.8]}
RESOLUTION = 0.5
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is I, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "rhh", "NMX": 2000, "DS": 0.05, "DSMAX": 1.0},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 2.0}}


def model(C: float = 1.0, g_Na: float = 120.0, g_K: float = 36.0, g_L: float = 0.3, E_Na: float = 50.0,
          E_K: float = -77.0, E_L: float = -54.4) -> bp.NeuType:
    @bp.integrate
    def int_V(V, t, n, I):
        alpha_m = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
        beta_m = 4 * np.exp(-(V + 65) / 18)
        m = alpha_m / (alpha_m + beta_m)
        return (I - g_Na * m ** 3 * (0.8 - n) * (V - E_Na) - g_K * n ** 4 * (V - E_K) - g_L * (V - E_L)) / C

    @bp.integrate
    def int_n(n, t, V, I):
        alpha_n = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
        beta_n = 0.125 * np.exp(-(V + 65) / 80)
        return alpha_n * (1 - n) - beta_n * n

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['n'], 0.)
        ST['n'] = int_n(ST['n'], _t, ST['V'], 0.)
        ST['V'] = V

    return bp.NeuType(name="rinzel_hh", ST=bp.types.NeuState('V', 'n'), steps=update)
