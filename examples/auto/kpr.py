"""AUTO-07p demo ``kpr``: the three-variable model behind HomCont's ``kpr`` demo (a fast cubic variable
coupled to a two-compartment chain), continued in lambda at kappa = -0.15, 1 / epsilon = 10: the
equilibria u1 = u2 = u3 = u with 2.85 u - u^3 = lambda fold twice, Hopf points on them, and cycle
families that end at homoclinic orbits."""

import numpy as np

import bp_core as bp

DEMO = "kpr"
PAR = "lam"
PAR_RANGE = (-3.0, 3.0)
VARIABLES = {"u1": [-3.0, 3.0], "u2": [-3.0, 3.0], "u3": [-3.0, 3.0]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
#: The demo's constants drive HomCont (IPS = 9); the comparison continues its equations' equilibria
#: (IPS = 1) from the demo's starting parameter, at the equilibrium its STPNT names for HomCont.
START = -1.851185124
U0 = float(min(r.real for r in np.roots([-1.0, 0.0, 3.0 - 0.15, -START]) if abs(r.imag) < 1e-12))
AUTO = {"par_index": 1, "equilibria": {"c": "kpr", "IPS": 1, "ICP": [1], "ILP": 1, "ISW": 1, "NMX": 2000,
                                       "DS": 0.01, "DSMIN": 1e-5, "DSMAX": 0.05, "NTST": 50,
                                       "U": {1: U0, 2: U0, 3: U0}},
        "cycles": {"NTST": 50, "NMX": 1000, "DSMAX": 0.1}}


def model(kappa: float = -0.15, inv_eps: float = 10.0) -> bp.NeuType:
    @bp.integrate
    def int_u1(u1, t, u2, lam):
        return inv_eps * (kappa * u2 - u1 ** 3 + 3.0 * u1 - lam)

    @bp.integrate
    def int_u2(u2, t, u1, u3, lam):
        return u1 - 2 * u2 + u3

    @bp.integrate
    def int_u3(u3, t, u2, lam):
        return u2 - u3

    def update(ST, _t):
        u1 = int_u1(ST['u1'], _t, ST['u2'], 0.)
        u2 = int_u2(ST['u2'], _t, ST['u1'], ST['u3'], 0.)
        ST['u3'] = int_u3(ST['u3'], _t, ST['u2'], 0.)
        ST['u1'], ST['u2'] = u1, u2

    return bp.NeuType(name="auto_kpr", ST=bp.types.NeuState('u1', 'u2', 'u3'), steps=update)
