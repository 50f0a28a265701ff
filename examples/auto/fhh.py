"""AUTO-07p demo ``fhh`` (its files are named ``fhn``): the travelling-wave equations of the
FitzHugh-Nagumo system, u1 the voltage and u2 its derivative in the moving frame, continued in the
threshold a at wave speed c = 0.21 and recovery rate b = 0.0025: the rest state u = 0 has a Hopf point at
a = -b / c^2, and the wave trains born there approach the travelling pulse, a homoclinic orbit, the
orbit the demo follows with HomCont."""

import bp_core as bp

DEMO = "fhn"
FOLDER = "fhh"
PAR = "a"
PAR_RANGE = (-0.3, 0.5)
VARIABLES = {"u1": [-1.0, 2.0], "u2": [-1.0, 1.0], "u3": [-1.0, 1.0]}
RESOLUTION = 0.005
MAX_PERIOD = 500.0
#: The demo's constants drive HomCont (IPS = 9); the comparison continues its equations' rest state
#: (IPS = 1) in a (PAR(2)) from the demo's a = 0.2.
AUTO = {"par_index": 2, "equilibria": {"c": "fhn", "IPS": 1, "ICP": [2], "ILP": 1, "ISW": 1, "NMX": 2000,
                                       "DS": 0.01, "DSMIN": 1e-5, "DSMAX": 0.05, "NTST": 50, "JAC": 0,
                                       "U": {1: 0.0, 2: 0.0, 3: 0.0}},
        "cycles": {"NTST": 50, "NMX": 1000, "DSMAX": 0.1, "JAC": 0}}


def model(c: float = 0.21, b: float = 0.0025) -> bp.NeuType:
    @bp.integrate
    def int_u1(u1, t, u2, a):
        return u2

    @bp.integrate
    def int_u2(u2, t, u1, u3, a):
        return c * u2 + u1 * (u1 - a) * (u1 - 1) + u3

    @bp.integrate
    def int_u3(u3, t, u1, a):
        return b * u1 / c

    def update(ST, _t):
        u1 = int_u1(ST['u1'], _t, ST['u2'], 0.)
        u2 = int_u2(ST['u2'], _t, ST['u1'], ST['u3'], 0.)
        ST['u3'] = int_u3(ST['u3'], _t, ST['u1'], 0.)
        ST['u1'], ST['u2'] = u1, u2

    return bp.NeuType(name="auto_fhh", ST=bp.types.NeuState('u1', 'u2', 'u3'), steps=update)
