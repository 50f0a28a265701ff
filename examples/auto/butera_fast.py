"""The fast subsystem of Butera, Rinzel & Smith's (1999) pre-Botzinger neuron (model 1: persistent sodium with
slow inactivation h, fast sodium, delayed-rectifier potassium, leak; E_L = -57.5 mV, I_app = 20 pA), V and n with
the slow h as the parameter: the rest states fold, and the depolarised state loses stability at a Hopf point whose
cycles run to h = 1 (their fold lies just past it, at h = 1.0032). Not an AUTO-07p demo: AUTO-07p runs the Fortran
printed from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "butera"
PAR = "h"
PAR_RANGE = (0.0, 1.0)
VARIABLES = {"V": [-80.0, 20.0], "n": [0.0, 1.0]}
RESOLUTION = 0.002
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is h, the only free parameter); AUTO starts on
#: the depolarised branch, which holds the Hopf point (bp_core's first branch is the rest states' fold).
AUTO = {"par_index": 1, "generated": True, "start": (1, 0.5),
        "equilibria": {"c": "butera", "NMX": 2000, "DS": 0.001, "DSMAX": 0.005},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.01}}


def model(C: float = 21.0, g_NaP: float = 2.8, g_Na: float = 28.0, g_K: float = 11.2, g_L: float = 2.8,
          E_Na: float = 50.0, E_K: float = -85.0, E_L: float = -57.5, I_app: float = 20.0,
          tau_n_max: float = 10.0) -> bp.NeuType:
    @bp.integrate
    def int_V(V, t, n, h):
        m_p = 1 / (1 + np.exp((V + 40) / -6))
        m = 1 / (1 + np.exp((V + 34) / -5))
        I_NaP = g_NaP * m_p * h * (V - E_Na)
        I_Na = g_Na * m ** 3 * (1 - n) * (V - E_Na)
        I_K = g_K * n ** 4 * (V - E_K)
        return (I_app - I_NaP - I_Na - I_K - g_L * (V - E_L)) / C

    @bp.integrate
    def int_n(n, t, V, h):
        return (1 / (1 + np.exp((V + 29) / -4)) - n) * np.cosh((V + 29) / -8) / tau_n_max

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['n'], 0.)
        ST['n'] = int_n(ST['n'], _t, ST['V'], 0.)
        ST['V'] = V

    return bp.NeuType(name="auto_butera_fast", ST=bp.types.NeuState('V', 'n'), steps=update)
