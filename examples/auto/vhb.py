"""AUTO-07p demo ``vhb``: a vertical Hopf bifurcation, x' = p x - y, y' = x (1 - x): at p = 0 the system
is conservative, and the whole family of cycles born at the Hopf point lies at p = 0, its periods growing
towards the homoclinic orbit of the saddle (1, p)."""

import bp_core as bp

DEMO = "vhb"
PAR = "p"
PAR_RANGE = (-1.0, 1.0)
VARIABLES = {"x": [-2.0, 2.0], "y": [-2.0, 2.0]}
RESOLUTION = 0.02
MAX_PERIOD = 1000.0
AUTO = {"par_index": 1, "equilibria": {"c": "vhb.1"}, "cycles": {"NTST": 50, "NMX": 200}}


def model() -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, p):
        return p * x - y

    @bp.integrate
    def int_y(y, t, x, p):
        return x * (1 - x)

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_vhb", ST=bp.types.NeuState('x', 'y'), steps=update)
