"""Hastings & Powell's (1991) three-species food chain, a prey x, a consumer y and a top predator z with Holling
type II responses, x' = x (1 - x) - a1 x y / (1 + b1 x), y' = a1 x y / (1 + b1 x) - a2 y z / (1 + b2 y) - d1 y,
z' = a2 y z / (1 + b2 y) - d2 z, continued in the consumer's half-saturation b1 at the paper's a1 = 5, a2 = 0.1,
b2 = 2, d1 = 0.4, d2 = 0.01: the three-species equilibrium loses stability at a Hopf point and its cycles double
their period on the way to the paper's chaotic "teacup". Not an AUTO-07p demo: AUTO-07p runs the Fortran printed
from the same sympy equations."""

import bp_core as bp

DEMO = "hpfc"
PAR = "b1"
PAR_RANGE = (0.5, 3.0)
VARIABLES = {"x": [0.0, 1.0], "y": [0.0, 1.0], "z": [0.0, 15.0]}
RESOLUTION = 0.01
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is b1, the only free parameter); AUTO starts on
#: the three-species branch at b1 = 2.
AUTO = {"par_index": 1, "generated": True, "start": (3, 2.0),
        "equilibria": {"c": "hpfc", "NMX": 1000, "DS": 0.005, "DSMAX": 0.02},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.05}}


def model(a1: float = 5.0, a2: float = 0.1, b2: float = 2.0, d1: float = 0.4, d2: float = 0.01) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, b1):
        return x * (1 - x) - a1 * x * y / (1 + b1 * x)

    @bp.integrate
    def int_y(y, t, x, z, b1):
        return a1 * x * y / (1 + b1 * x) - a2 * y * z / (1 + b2 * y) - d1 * y

    @bp.integrate
    def int_z(z, t, y, b1):
        return a2 * y * z / (1 + b2 * y) - d2 * z

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['y'], 0.)
        ST['x'] = x
        ST['y'] = y

    return bp.NeuType(name="auto_hastings_powell", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
