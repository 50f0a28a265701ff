"""AUTO-07p demo ``cusp``: the cusp normal form x' = mu + lambda x - x^3 at lambda = 1, continued in mu:
two folds, at mu = -+2 / (3 sqrt 3)."""

import bp_core as bp

DEMO = "cusp"
PAR = "mu"
PAR_RANGE = (-2.0, 2.0)
VARIABLES = {"x": [-3.0, 3.0]}
RESOLUTION = 0.01
MAX_PERIOD = 100.0
AUTO = {"par_index": 2, "equilibria": {"c": "cusp", "ICP": [2]}, "cycles": None}


def model(lam: float = 1.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, mu):
        return mu + lam * x - x ** 3

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t, 0.)

    return bp.NeuType(name="auto_cusp", ST=bp.types.NeuState('x'), steps=update)
