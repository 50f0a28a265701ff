"""Sel'kov's (1968) model of glycolytic oscillations in Strogatz's scaling (Nonlinear Dynamics and Chaos,
2015, section 7.3), x' = -x + a y + x^2 y, y' = b - a y - x^2 y, continued in the influx b at a = 0.08: the
equilibrium (b, b / (a + b^2)) loses stability at one Hopf point and regains it at another, and one family of
cycles joins the two. Not an AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import bp_core as bp

DEMO = "selkov"
PAR = "b"
PAR_RANGE = (0.1, 1.2)
VARIABLES = {"x": [0.0, 3.0], "y": [0.0, 15.0]}
RESOLUTION = 0.005
MAX_PERIOD = 200.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is b, the only free parameter).
AUTO = {"par_index": 1, "generated": True, "equilibria": {"c": "selkov", "NMX": 1000, "DS": 0.005, "DSMAX": 0.01},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.02}}


def model(a: float = 0.08) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, b):
        return -x + a * y + x ** 2 * y

    @bp.integrate
    def int_y(y, t, x, b):
        return b - a * y - x ** 2 * y

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_selkov", ST=bp.types.NeuState('x', 'y'), steps=update)
