"""The Rosenzweig-MacArthur (1963) predator-prey model, logistic prey and a Holling type II predator, in
dimensionless form (Kuznetsov 2004, example 3.3's scaling with unit half-saturation), x' = x (1 - x / K) -
x y / (1 + x), y' = y (x / (1 + x) - d), continued in the carrying capacity K at d = 0.4: the predator invades
at the transcritical point K = d / (1 - d) and the coexistence state loses stability at the Hopf point
K = (1 + d) / (1 - d) (the paradox of enrichment). Not an AUTO-07p demo: AUTO-07p runs the Fortran printed
from the same sympy equations."""

import bp_core as bp

DEMO = "rma"
PAR = "K"
PAR_RANGE = (0.2, 4.0)
VARIABLES = {"x": [0.0, 5.0], "y": [0.0, 5.0]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is K, the only free parameter); AUTO starts
#: on the coexistence branch (x = d / (1 - d)) at K = 1, which crosses the prey-only one at the transcritical
#: point (AUTO does not switch branches there).
AUTO = {"par_index": 1, "generated": True, "start": (2, 1.0), "equilibria": {"c": "rma", "NMX": 1000, "DS": 0.01, "DSMAX": 0.02},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.05}}


def model(d: float = 0.4) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, K):
        return x * (1 - x / K) - x * y / (1 + x)

    @bp.integrate
    def int_y(y, t, x, K):
        return y * (x / (1 + x) - d)

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_rma", ST=bp.types.NeuState('x', 'y'), steps=update)
