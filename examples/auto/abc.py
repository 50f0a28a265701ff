"""AUTO-07p demo ``abc``: the A -> B -> C reaction in a stirred tank reactor (Doedel & Heinemann 1983),
three variables, continued in the Damkohler number D (alpha = 1, beta = 1.55, B = 8, s = 0.04): folds
and Hopf points on the S-shaped equilibrium curve, folds and period doublings of the cycles."""

import numpy as np

import bp_core as bp

DEMO = "abc"
PAR = "D"
PAR_RANGE = (0.0, 0.4)
VARIABLES = {"x1": [0.0, 1.0], "x2": [0.0, 1.0], "x3": [0.0, 10.0]}
RESOLUTION = 0.005
MAX_PERIOD = 500.0
AUTO = {"par_index": 1, "equilibria": {"c": "abc.1", "NMX": 500}, "cycles": {"NTST": 50}}


def model(alpha: float = 1.0, beta: float = 1.55, B: float = 8.0, s: float = 0.04) -> bp.NeuType:
    @bp.integrate
    def int_x1(x1, t, x3, D):
        return -x1 + D * (1 - x1) * np.exp(x3)

    @bp.integrate
    def int_x2(x2, t, x1, x3, D):
        return -x2 + D * np.exp(x3) * (1 - x1 - s * x2)

    @bp.integrate
    def int_x3(x3, t, x1, x2, D):
        return -x3 - beta * x3 + D * B * np.exp(x3) * (1 - x1 + alpha * s * x2)

    def update(ST, _t):
        x1 = int_x1(ST['x1'], _t, ST['x3'], 0.)
        x2 = int_x2(ST['x2'], _t, ST['x1'], ST['x3'], 0.)
        ST['x3'] = int_x3(ST['x3'], _t, ST['x1'], ST['x2'], 0.)
        ST['x1'], ST['x2'] = x1, x2

    return bp.NeuType(name="auto_abc", ST=bp.types.NeuState('x1', 'x2', 'x3'), steps=update)
