"""AUTO-07p demo ``tfc``: a tritrophic food chain (Kuznetsov, De Feo & Rinaldi), prey and predator by
their logarithms u1, u2, the top predator z itself, continued in d1 (a1 = 5, b1 = 3, a2 = 0.1, b2 = 2,
d2 = 0.01): the Hopf point of the prey-predator equilibrium and the cycles born there."""

import numpy as np

import bp_core as bp

DEMO = "tfc"
PAR = "d1"
PAR_RANGE = (0.5, 1.5)
VARIABLES = {"u1": [-4.0, 1.0], "u2": [-4.0, 1.0], "z": [-0.5, 1.0]}
RESOLUTION = 0.01
MAX_PERIOD = 500.0
AUTO = {"par_index": 3, "equilibria": {"c": "tfc", "NMX": 500}, "cycles": {"NTST": 50}}


def model(a1: float = 5.0, b1: float = 3.0, a2: float = 0.1, b2: float = 2.0, d2: float = 0.01) -> bp.NeuType:
    @bp.integrate
    def int_u1(u1, t, u2, d1):
        return (1 - np.exp(u1)) - a1 * np.exp(u2) / (1 + b1 * np.exp(u1))

    @bp.integrate
    def int_u2(u2, t, u1, z, d1):
        return a1 * np.exp(u1) / (1 + b1 * np.exp(u1)) - d1 - a2 * z / (1 + b2 * np.exp(u2))

    @bp.integrate
    def int_z(z, t, u2, d1):
        return z * (a2 * np.exp(u2) / (1 + b2 * np.exp(u2)) - d2)

    def update(ST, _t):
        u1 = int_u1(ST['u1'], _t, ST['u2'], 0.)
        u2 = int_u2(ST['u2'], _t, ST['u1'], ST['z'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['u2'], 0.)
        ST['u1'], ST['u2'] = u1, u2

    return bp.NeuType(name="auto_tfc", ST=bp.types.NeuState('u1', 'u2', 'z'), steps=update)
