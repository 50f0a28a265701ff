"""Two identical Morris-Lecar neurons (Rinzel & Ermentrout's 1998 Hopf set: g_Ca = 4.4, V3 = 2, V4 = 30,
phi = 0.04) joined by a gap junction of conductance g_c = 0.5, continued in the applied current I: the in-phase
oscillation is born at the single cell's subcritical Hopf point, the antiphase one where the junction's current
shifts it, and the exchange of the two cells (V1, w1) <-> (V2, w2) makes branch points of cycles generic. Not an
AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "mlpair"
PAR = "I"
PAR_RANGE = (50.0, 150.0)
VARIABLES = {"V1": [-80.0, 60.0], "w1": [0.0, 1.0], "V2": [-80.0, 60.0], "w2": [0.0, 1.0]}
RESOLUTION = 0.5
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is I, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "mlpair", "NMX": 2000, "DS": 0.1, "DSMAX": 1.0},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 1.0}}


def model(g_c: float = 0.5, C: float = 20.0, g_Ca: float = 4.4, g_K: float = 8.0, g_L: float = 2.0,
          E_Ca: float = 120.0, E_K: float = -84.0, E_L: float = -60.0, V1: float = -1.2, V2: float = 18.0,
          V3: float = 2.0, V4: float = 30.0, phi: float = 0.04) -> bp.NeuType:
    def current(V, w, I):
        m_inf = 0.5 * (1 + np.tanh((V - V1) / V2))
        return I - g_L * (V - E_L) - g_Ca * m_inf * (V - E_Ca) - g_K * w * (V - E_K)

    def recovery(V, w):
        return phi * (0.5 * (1 + np.tanh((V - V3) / V4)) - w) * np.cosh((V - V3) / (2 * V4))

    @bp.integrate
    def int_V1(V1, t, w1, V2, I):
        return (current(V1, w1, I) + g_c * (V2 - V1)) / C

    @bp.integrate
    def int_w1(w1, t, V1, I):
        return recovery(V1, w1)

    @bp.integrate
    def int_V2(V2, t, w2, V1, I):
        return (current(V2, w2, I) + g_c * (V1 - V2)) / C

    @bp.integrate
    def int_w2(w2, t, V2, I):
        return recovery(V2, w2)

    def update(ST, _t):
        V1 = int_V1(ST['V1'], _t, ST['w1'], ST['V2'], 0.)
        w1 = int_w1(ST['w1'], _t, ST['V1'], 0.)
        V2 = int_V2(ST['V2'], _t, ST['w2'], ST['V1'], 0.)
        ST['w2'] = int_w2(ST['w2'], _t, ST['V2'], 0.)
        ST['V1'] = V1
        ST['w1'] = w1
        ST['V2'] = V2

    return bp.NeuType(name="auto_ml_pair", ST=bp.types.NeuState('V1', 'w1', 'V2', 'w2'), steps=update)
