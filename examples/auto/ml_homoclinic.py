"""The Morris-Lecar neuron with Rinzel & Ermentrout's (1998) homoclinic set (their SNIC set with the
faster recovery phi = 0.23; Ermentrout & Terman 2010, section 3.4): continued in the applied current
I, the rest state and a saddle coexist, and repetitive firing begins at a saddle homoclinic orbit, not at
the fold of the rest state (a SNIC). Not an AUTO-07p demo: AUTO-07p runs the Fortran that
benchmarks/continuation.py prints from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "mlhom"
PAR = "I"
PAR_RANGE = (-20.0, 150.0)
VARIABLES = {"V": [-80.0, 60.0], "w": [0.0, 1.0]}
RESOLUTION = 1.0
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is I, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "mlhom", "NMX": 2000, "DS": 0.1, "DSMAX": 1.5},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 2.0}}


def model(C: float = 20.0, g_Ca: float = 4.0, g_K: float = 8.0, g_L: float = 2.0, E_Ca: float = 120.0,
          E_K: float = -84.0, E_L: float = -60.0, V1: float = -1.2, V2: float = 18.0, V3: float = 12.0,
          V4: float = 17.4, phi: float = 0.23) -> bp.NeuType:
    @bp.integrate
    def int_V(V, t, w, I):
        m_inf = 0.5 * (1 + np.tanh((V - V1) / V2))
        return (I - g_L * (V - E_L) - g_Ca * m_inf * (V - E_Ca) - g_K * w * (V - E_K)) / C

    @bp.integrate
    def int_w(w, t, V, I):
        w_inf = 0.5 * (1 + np.tanh((V - V3) / V4))
        return phi * (w_inf - w) * np.cosh((V - V3) / (2 * V4))

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['w'], 0.)
        ST['w'] = int_w(ST['w'], _t, ST['V'], 0.)
        ST['V'] = V

    return bp.NeuType(name="ml_homoclinic", ST=bp.types.NeuState('V', 'w'), steps=update)
