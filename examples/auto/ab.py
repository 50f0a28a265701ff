"""AUTO-07p demo ``ab``: the A -> B reaction in a continuously stirred tank reactor (Uppal, Ray &
Poore 1974), conversion u1 and temperature u2, continued in the Damkohler number D at B = 14, beta = 3:
a Hopf point on the upper equilibria and the fold of the cycles born there."""

import numpy as np

import bp_core as bp

DEMO = "ab"
PAR = "D"
PAR_RANGE = (0.0, 0.25)
VARIABLES = {"u1": [0.0, 1.0], "u2": [0.0, 10.0]}
RESOLUTION = 0.005
MAX_PERIOD = 1000.0
#: AUTO-07p's run: the demo's constants file for the equilibria (PAR(2) set to B), and for the cycles.
AUTO = {"par_index": 1, "equilibria": {"c": "ab.2", "PAR": {2: 14.0}}, "cycles": {"NTST": 70}}


def model(B: float = 14.0, beta: float = 3.0) -> bp.NeuType:
    @bp.integrate
    def int_u1(u1, t, u2, D):
        return -u1 + D * (1 - u1) * np.exp(u2)

    @bp.integrate
    def int_u2(u2, t, u1, D):
        return -u2 + D * B * (1 - u1) * np.exp(u2) - beta * u2

    def update(ST, _t):
        u1 = int_u1(ST['u1'], _t, ST['u2'], 0.)
        ST['u2'] = int_u2(ST['u2'], _t, ST['u1'], 0.)
        ST['u1'] = u1

    return bp.NeuType(name="auto_ab", ST=bp.types.NeuState('u1', 'u2'), steps=update)
