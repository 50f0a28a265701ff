"""Wilson & Cowan's (1972) excitatory-inhibitory pair with their subtractive sigmoids, E' = -E + (k_e - r_e E)
S_e(c1 E - c2 I + P), tau I' = -I + (k_i - r_i I) S_i(c3 E - c4 I + Q), with the paper's limit-cycle set
(c1 = 16, c2 = 12, c3 = 15, c4 = 3, a_e = 1.3, theta_e = 4, a_i = 2, theta_i = 3.7, r = 1), continued in the
excitatory input P: folds of the rest states and a Hopf point where the populations start to oscillate. Not an
AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import numpy as np

import bp_core as bp

DEMO = "wc"
PAR = "P"
PAR_RANGE = (-2.0, 4.0)
VARIABLES = {"E": [-0.1, 0.6], "I": [-0.1, 0.6]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is P, the only free parameter).
AUTO = {"par_index": 1, "generated": True, "equilibria": {"c": "wc", "NMX": 2000, "DS": 0.01, "DSMAX": 0.02},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.05}}


def model(c1: float = 16.0, c2: float = 12.0, c3: float = 15.0, c4: float = 3.0, a_e: float = 1.3,
          theta_e: float = 4.0, a_i: float = 2.0, theta_i: float = 3.7, r_e: float = 1.0, r_i: float = 1.0,
          Q: float = 0.0, tau: float = 1.0) -> bp.NeuType:
    k_e = 1 - 1 / (1 + np.exp(a_e * theta_e))
    k_i = 1 - 1 / (1 + np.exp(a_i * theta_i))

    @bp.integrate
    def int_E(E, t, I, P):
        x = c1 * E - c2 * I + P
        S = 1 / (1 + np.exp(-a_e * (x - theta_e))) - 1 / (1 + np.exp(a_e * theta_e))
        return -E + (k_e - r_e * E) * S

    @bp.integrate
    def int_I(I, t, E, P):
        x = c3 * E - c4 * I + Q
        S = 1 / (1 + np.exp(-a_i * (x - theta_i))) - 1 / (1 + np.exp(a_i * theta_i))
        return (-I + (k_i - r_i * I) * S) / tau

    def update(ST, _t):
        E = int_E(ST['E'], _t, ST['I'], 0.)
        ST['I'] = int_I(ST['I'], _t, ST['E'], 0.)
        ST['E'] = E

    return bp.NeuType(name="auto_wilson_cowan", ST=bp.types.NeuState('E', 'I'), steps=update)
