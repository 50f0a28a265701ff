"""Goodwin's (1965) oscillator of a gene repressing itself through two intermediates (Griffith's form, as in
Gonze & Abou-Jaoude 2013), x' = a / (1 + z^n) - b x, y' = x - b y, z' = y - b z, continued in the common
degradation rate b at a = 1, n = 10: the one equilibrium loses stability where the loop's gain n z^n / (1 + z^n)
reaches 8 = sec(pi / 3)^3, at the Hopf point b = (a / (5 4^(1 / n)))^(1 / 3) = 0.558394757, and slower degradation
lets the repression oscillate. Not an
AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import bp_core as bp

DEMO = "goodwin"
PAR = "b"
PAR_RANGE = (0.1, 0.8)
VARIABLES = {"x": [0.0, 20.0], "y": [0.0, 50.0], "z": [0.0, 100.0]}
RESOLUTION = 0.002
MAX_PERIOD = 500.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is b, the only free parameter).
AUTO = {"par_index": 1, "generated": True, "equilibria": {"c": "goodwin", "NMX": 1000, "DS": 0.001, "DSMAX": 0.005},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.01}}


def model(a: float = 1.0, n: int = 10) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, z, b):
        return a / (1 + z ** n) - b * x

    @bp.integrate
    def int_y(y, t, x, b):
        return x - b * y

    @bp.integrate
    def int_z(z, t, y, b):
        return y - b * z

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['z'], 0.)
        y = int_y(ST['y'], _t, ST['x'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['y'], 0.)
        ST['x'] = x
        ST['y'] = y

    return bp.NeuType(name="auto_goodwin", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
