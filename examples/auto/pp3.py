"""AUTO-07p demo ``pp3``: a three-level food chain with harvesting of the middle species, continued in
the harvesting rate p1 (p2 = 0.25, p3 = 0.5, p4 = 4, p5 = 3, p6 = 5): branch points, folds and Hopf
points, cycles with their folds."""

import numpy as np

import bp_core as bp

DEMO = "pp3"
PAR = "p1"
PAR_RANGE = (0.0, 1.0)
VARIABLES = {"u1": [-0.5, 1.5], "u2": [-0.5, 1.5], "u3": [-0.5, 1.5]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
AUTO = {"par_index": 1, "equilibria": {"c": "pp3", "NMX": 1000}, "cycles": {"NTST": 50}}


def model(p2: float = 0.25, p3: float = 0.5, p4: float = 4.0, p5: float = 3.0, p6: float = 5.0,
          name: str = f"auto_{DEMO}") -> bp.NeuType:
    @bp.integrate
    def int_u1(u1, t, u2, p1):
        return u1 * (1 - u1) - p4 * u1 * u2

    @bp.integrate
    def int_u2(u2, t, u1, u3, p1):
        return -p2 * u2 + p4 * u1 * u2 - p5 * u2 * u3 - p1 * (1 - np.exp(-p6 * u2))

    @bp.integrate
    def int_u3(u3, t, u2, p1):
        return -p3 * u3 + p5 * u2 * u3

    def update(ST, _t):
        u1 = int_u1(ST['u1'], _t, ST['u2'], 0.)
        u2 = int_u2(ST['u2'], _t, ST['u1'], ST['u3'], 0.)
        ST['u3'] = int_u3(ST['u3'], _t, ST['u2'], 0.)
        ST['u1'], ST['u2'] = u1, u2

    return bp.NeuType(name=name, ST=bp.types.NeuState('u1', 'u2', 'u3'), steps=update)
