"""The Hodgkin-Huxley (1952) squid axon under a steady current I = 10 uA/cm^2, continued in the temperature
(degrees C): every rate scales by phi = 3^((T - 6.3) / 10), so warming speeds the gates until the repetitive
firing that I drives at 6.3 degrees stops at a Hopf point of the rest state and a fold of cycles (the axon's
heat block; Rinzel & Miller 1980 continue the firing in I at several temperatures). Not an AUTO-07p demo:
AUTO-07p runs the Fortran printed from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "hhtemp"
PAR = "T"
PAR_RANGE = (0.0, 40.0)
VARIABLES = {"V": [-90.0, 60.0], "m": [0.0, 1.0], "h": [0.0, 1.0], "n": [0.0, 1.0]}
RESOLUTION = 0.1
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is T, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "hhtemp", "NMX": 2000, "DS": 0.05, "DSMAX": 0.5},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.5}}


def model(I: float = 10.0, C: float = 1.0, g_Na: float = 120.0, g_K: float = 36.0, g_L: float = 0.3,
          E_Na: float = 50.0, E_K: float = -77.0, E_L: float = -54.4) -> bp.NeuType:
    @bp.integrate
    def int_V(V, t, m, h, n, T):
        return (I - g_Na * m ** 3 * h * (V - E_Na) - g_K * n ** 4 * (V - E_K) - g_L * (V - E_L)) / C

    @bp.integrate
    def int_m(m, t, V, T):
        alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
        beta = 4 * np.exp(-(V + 65) / 18)
        return 3 ** ((T - 6.3) / 10) * (alpha * (1 - m) - beta * m)

    @bp.integrate
    def int_h(h, t, V, T):
        alpha = 0.07 * np.exp(-(V + 65) / 20)
        beta = 1 / (1 + np.exp(-(V + 35) / 10))
        return 3 ** ((T - 6.3) / 10) * (alpha * (1 - h) - beta * h)

    @bp.integrate
    def int_n(n, t, V, T):
        alpha = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
        beta = 0.125 * np.exp(-(V + 65) / 80)
        return 3 ** ((T - 6.3) / 10) * (alpha * (1 - n) - beta * n)

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['m'], ST['h'], ST['n'], 0.)
        ST['m'] = int_m(ST['m'], _t, ST['V'], 0.)
        ST['h'] = int_h(ST['h'], _t, ST['V'], 0.)
        ST['n'] = int_n(ST['n'], _t, ST['V'], 0.)
        ST['V'] = V

    return bp.NeuType(name="auto_hh_temperature", ST=bp.types.NeuState('V', 'm', 'h', 'n'), steps=update)
