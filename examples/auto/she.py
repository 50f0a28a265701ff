"""AUTO-07p demo ``she``: the five-mode truncation of magnetoconvection behind HomCont's ``she`` demo
(the variables of its Fortran file, P11, T02, P12, P01, A01), continued in mu at q = 0, sigma = 0.5,
zeta = 0.2: the convecting equilibria P11 = +-sqrt(mu), T02 = -mu that branch off the conduction state at
mu = 0, and what happens on them."""

import numpy as np

import bp_core as bp

DEMO = "she"
PAR = "mu"
PAR_RANGE = (-0.5, 1.5)
VARIABLES = {"P11": [-2.0, 2.0], "T02": [-2.0, 1.0], "P12": [-2.0, 2.0], "P01": [-2.0, 2.0], "A01": [-2.0, 2.0]}
RESOLUTION = 0.005
MAX_PERIOD = 300.0
#: The demo's constants drive HomCont (IPS = 9); the comparison continues its equations' equilibria
#: (IPS = 1) from the demo's starting parameter, at the equilibrium its STPNT names for HomCont.
START = 0.163875
AUTO = {"par_index": 1, "equilibria": {"c": "she", "IPS": 1, "ICP": [1], "ILP": 1, "ISW": 1, "NMX": 2000,
                                       "DS": 0.01, "DSMIN": 1e-5, "DSMAX": 0.05, "NTST": 50,
                                       "U": {1: float(np.sqrt(START)), 2: -START, 3: 0.0, 4: 0.0, 5: 0.0}},
        "cycles": {"NTST": 50, "NMX": 1000, "DSMAX": 0.1}}


def model(q: float = 0.0, sigma: float = 0.5, zeta: float = 0.2) -> bp.NeuType:
    pi2 = 3.141592654 * 3.141592654  # the demo's own value of pi squared

    @bp.integrate
    def int_P11(P11, t, T02, P12, P01, mu):
        return P11 * T02 + P11 * mu - P12 * P01

    @bp.integrate
    def int_T02(T02, t, P11, mu):
        return -(P11 ** 2 + T02)

    @bp.integrate
    def int_P12(P12, t, P11, P01, mu):
        return P12 * mu + P11 * P01 - 9 * sigma * P12 / (4 * (sigma + 1))

    @bp.integrate
    def int_P01(P01, t, P11, P12, A01, mu):
        return (-q * sigma * A01 / pi2 - sigma * P01 + 3 * P11 * P12 * (1 + 1 / sigma)) / 4

    @bp.integrate
    def int_A01(A01, t, P01, mu):
        return zeta * (P01 - A01) / 4

    def update(ST, _t):
        P11 = int_P11(ST['P11'], _t, ST['T02'], ST['P12'], ST['P01'], 0.)
        T02 = int_T02(ST['T02'], _t, ST['P11'], 0.)
        P12 = int_P12(ST['P12'], _t, ST['P11'], ST['P01'], 0.)
        P01 = int_P01(ST['P01'], _t, ST['P11'], ST['P12'], ST['A01'], 0.)
        ST['A01'] = int_A01(ST['A01'], _t, ST['P01'], 0.)
        ST['P11'], ST['T02'], ST['P12'], ST['P01'] = P11, T02, P12, P01

    return bp.NeuType(name="auto_she", ST=bp.types.NeuState('P11', 'T02', 'P12', 'P01', 'A01'), steps=update)
