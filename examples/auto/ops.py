"""AUTO-07p demo ``ops``: a three-variable relaxation oscillator (a van der Pol cubic coupled to a
slow variable and a lag), continued in p3 (p1 = 0.5, p2 = 4, p4 = 2): the Hopf point of the single
equilibrium (x, y, z) = (p3, -p4 (p3^3/3 - p3), p3) and the cycles born there."""

import bp_core as bp

DEMO = "ops"
PAR = "p3"
PAR_RANGE = (0.8, 1.2)
VARIABLES = {"x": [-3.0, 3.0], "y": [-3.0, 3.0], "z": [-3.0, 3.0]}
RESOLUTION = 0.005
MAX_PERIOD = 500.0
AUTO = {"par_index": 3, "equilibria": {"c": "ops", "NMX": 500}, "cycles": {"NTST": 50}}


def model(p1: float = 0.5, p2: float = 4.0, p4: float = 2.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, z, p3):
        return (-p4 * (x ** 3 / 3 - x) + (z - x) / p2 - y) / p1

    @bp.integrate
    def int_y(y, t, x, p3):
        return x - p3

    @bp.integrate
    def int_z(z, t, x, p3):
        return -(z - x) / p2

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], ST['z'], 0.)
        y = int_y(ST['y'], _t, ST['x'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['x'], 0.)
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name="auto_ops", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
