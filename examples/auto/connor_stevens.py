"""The Connor-Stevens neuron (Connor, Walter & McKown 1977, in the form of Dayan & Abbott 2001, section
6.2, per cm^2): Hodgkin-Huxley sodium and delayed-rectifier currents plus the transient A-type potassium
current a^3 b, continued in the applied current I. The A-current makes it a type I neuron: repetitive
firing starts at a saddle-node on an invariant circle (SNIC), with arbitrarily low rates. Not an AUTO-07p
demo: AUTO-07p runs the Fortran that benchmarks/continuation.py prints from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "cst"
PAR = "I"
PAR_RANGE = (-20.0, 200.0)
VARIABLES = {"V": [-100.0, 60.0], "m": [0.0, 1.0], "h": [0.0, 1.0], "n": [0.0, 1.0], "a": [0.0, 1.0],
             "b": [0.0, 1.0]}
RESOLUTION = 1.0
MAX_PERIOD = 2000.0
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "cst", "NMX": 2000, "DS": 0.1, "DSMAX": 1.0},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 1.0}}


def model(C: float = 1.0, g_L: float = 0.3, g_Na: float = 120.0, g_K: float = 20.0, g_A: float = 47.7,
          E_L: float = -17.0, E_Na: float = 55.0, E_K: float = -72.0, E_A: float = -75.0) -> bp.NeuType:
    @bp.integrate
    def int_V(V, t, m, h, n, a, b, I):
        return (I - g_L * (V - E_L) - g_Na * m ** 3 * h * (V - E_Na) - g_K * n ** 4 * (V - E_K)
                - g_A * a ** 3 * b * (V - E_A)) / C

    @bp.integrate
    def int_m(m, t, V, I):
        alpha = 0.38 * (V + 29.7) / (1 - np.exp(-0.1 * (V + 29.7)))
        beta = 15.2 * np.exp(-0.0556 * (V + 54.7))
        return alpha * (1 - m) - beta * m

    @bp.integrate
    def int_h(h, t, V, I):
        alpha = 0.266 * np.exp(-0.05 * (V + 48))
        beta = 3.8 / (1 + np.exp(-0.1 * (V + 18)))
        return alpha * (1 - h) - beta * h

    @bp.integrate
    def int_n(n, t, V, I):
        alpha = 0.02 * (V + 45.7) / (1 - np.exp(-0.1 * (V + 45.7)))
        beta = 0.25 * np.exp(-0.0125 * (V + 55.7))
        return alpha * (1 - n) - beta * n

    @bp.integrate
    def int_a(a, t, V, I):
        a_inf = (0.0761 * np.exp(0.0314 * (V + 94.22)) / (1 + np.exp(0.0346 * (V + 1.17)))) ** (1 / 3)
        tau_a = 0.3632 + 1.158 / (1 + np.exp(0.0497 * (V + 55.96)))
        return (a_inf - a) / tau_a

    @bp.integrate
    def int_b(b, t, V, I):
        b_inf = (1 / (1 + np.exp(0.0688 * (V + 53.3)))) ** 4
        tau_b = 1.24 + 2.678 / (1 + np.exp(0.0624 * (V + 50)))
        return (b_inf - b) / tau_b

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['m'], ST['h'], ST['n'], ST['a'], ST['b'], 0.)
        m = int_m(ST['m'], _t, ST['V'], 0.)
        h = int_h(ST['h'], _t, ST['V'], 0.)
        n = int_n(ST['n'], _t, ST['V'], 0.)
        a = int_a(ST['a'], _t, ST['V'], 0.)
        ST['b'] = int_b(ST['b'], _t, ST['V'], 0.)
        ST['V'], ST['m'], ST['h'], ST['n'], ST['a'] = V, m, h, n, a

    return bp.NeuType(name="connor_stevens", ST=bp.types.NeuState('V', 'm', 'h', 'n', 'a', 'b'), steps=update)
