"""Rossler's (1976) attractor, x' = -y - z, y' = x + a y, z' = b + z (x - c), continued in c at a = b = 0.2:
the two equilibria meet at a fold at c = 2 sqrt(a b), the inner one loses stability at a Hopf point, and its
cycles double their period on the way to the chaotic band. Not an AUTO-07p demo: AUTO-07p runs the Fortran
printed from the same sympy equations."""

import bp_core as bp

DEMO = "ros"
PAR = "c"
PAR_RANGE = (0.2, 3.5)
VARIABLES = {"x": [-10.0, 10.0], "y": [-10.0, 10.0], "z": [-1.0, 20.0]}
RESOLUTION = 0.01
MAX_PERIOD = 50.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is c, the only free parameter); AUTO starts on
#: the equilibria at c = 1, not at the fold where bp_core's branch has its lowest point.
AUTO = {"par_index": 1, "generated": True, "start": (0, 1.0), "equilibria": {"c": "ros", "NMX": 1000, "DS": 0.01, "DSMAX": 0.02},
        "cycles": {"NTST": 50, "DSMAX": 0.05}}


def model(a: float = 0.2, b: float = 0.2) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, z, c):
        return -y - z

    @bp.integrate
    def int_y(y, t, x, c):
        return x + a * y

    @bp.integrate
    def int_z(z, t, x, c):
        return b + z * (x - c)

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], ST['z'], 0.)
        y = int_y(ST['y'], _t, ST['x'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['x'], 0.)
        ST['x'] = x
        ST['y'] = y

    return bp.NeuType(name="auto_rossler", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
