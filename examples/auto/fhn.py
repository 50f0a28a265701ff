"""AUTO-07p demo ``fhn``: FitzHugh-Nagumo in AUTO's form x' = c (x - x^3/3 + y), y' = -(x - a + b y) / c,
b = 0.8, c = 3, continued in a: two Hopf points and the cycles between them."""

import bp_core as bp

DEMO = "fhn"
PAR = "a"
PAR_RANGE = (0.0, 1.0)
VARIABLES = {"x": [-3.0, 3.0], "y": [-3.0, 3.0]}
RESOLUTION = 0.01
MAX_PERIOD = 500.0
AUTO = {"par_index": 1, "equilibria": {"c": "fhn.1"}, "cycles": {"NTST": 50}}


def model(b: float = 0.8, c: float = 3.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, a):
        return c * (x - x ** 3 / 3 + y)

    @bp.integrate
    def int_y(y, t, x, a):
        return -(x - a + b * y) / c

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_fhn", ST=bp.types.NeuState('x', 'y'), steps=update)
