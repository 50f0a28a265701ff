"""AUTO-07p demo ``chu``: Chua's circuit with a smooth nonlinearity (x arctan(k x) for |x|), continued in
alpha (beta = 14.3, k = 10, a0 = -1/7, a1 = 2/7): pitchfork and Hopf points of the equilibria, the cycles
from the Hopf points with their period doublings."""

import numpy as np

import bp_core as bp

DEMO = "chu"
PAR = "alpha"
PAR_RANGE = (-1.0, 15.0)
VARIABLES = {"x": [-3.0, 3.0], "y": [-1.0, 1.0], "z": [-4.0, 4.0]}
RESOLUTION = 0.1
MAX_PERIOD = 200.0
AUTO = {"par_index": 1, "equilibria": {"c": "chu", "NMX": 500}, "cycles": {"NTST": 50}}


def model(beta: float = 14.3, k: float = 10.0, a0: float = -1.0 / 7.0, a1: float = 2.0 / 7.0) -> bp.NeuType:
    two_over_pi = 2 / np.pi

    @bp.integrate
    def int_x(x, t, y, alpha):
        h = a1 * x + 0.5 * (a0 - a1) * (two_over_pi * (x + 1) * np.arctan(k * (x + 1)) -
                                         two_over_pi * (x - 1) * np.arctan(k * (x - 1)))
        return alpha * (y - h)

    @bp.integrate
    def int_y(y, t, x, z, alpha):
        return x - y + z

    @bp.integrate
    def int_z(z, t, y, alpha):
        return -beta * y

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['y'], 0.)
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name="auto_chu", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
