"""AUTO-07p demo ``phs``: x' = -p x - y, y' = x (1 - x), the vertical Hopf bifurcation of ``vhb`` with the
parameter's sign reversed: at p = 0 a conservative system, the whole family of cycles at one parameter
value, its period growing without bound towards the homoclinic loop of the saddle (1, 0)."""

import bp_core as bp

DEMO = "phs"
PAR = "p"
PAR_RANGE = (-1.0, 1.0)
VARIABLES = {"x": [-2.0, 2.0], "y": [-2.0, 2.0]}
RESOLUTION = 0.02
MAX_PERIOD = 1000.0
AUTO = {"par_index": 1, "equilibria": {"c": "phs.1"}, "cycles": {"NTST": 110, "NMX": 200}}


def model() -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, p):
        return -p * x - y

    @bp.integrate
    def int_y(y, t, x, p):
        return x * (1 - x)

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_phs", ST=bp.types.NeuState('x', 'y'), steps=update)
