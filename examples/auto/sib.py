"""AUTO-07p demo ``sib``: the three-dimensional unfolding of an inclination flip behind the demo's
homoclinic runs (a = 0.375, the end of the demo's first run, b = 0.625, c = -2.5, mu = 0), continued in alpha
as the demo's second run does: the equilibrium's Hopf point and the cycles born there."""

import bp_core as bp

DEMO = "sib"
PAR = "alpha"
PAR_RANGE = (-1.0, 1.0)
VARIABLES = {"x": [-1.0, 2.0], "y": [-1.0, 1.0], "z": [-2.0, 2.0]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
#: The demo's equations file starts at a = 0 (its first run goes to a = 0.375), so AUTO-07p runs the file
#: printed from the same equations at a = 0.375 (PAR(1) is alpha).
AUTO = {"par_index": 1, "generated": True,
        "start": (1, None), "equilibria": {"c": "sib", "NMX": 2000, "DS": 0.002, "DSMAX": 0.02},
        "cycles": {"NTST": 50, "NMX": 2000, "DSMAX": 0.05}}


def model(a: float = 0.375, b: float = 0.625, c: float = -2.5, mu: float = 0.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, z, alpha):
        return a * x + b * y - a * x * x - alpha * z * x * (2 - 3 * x)

    @bp.integrate
    def int_y(y, t, x, z, alpha):
        return b * x + a * y - 1.5 * x * (b * x + a * y) + 2 * alpha * z * y

    @bp.integrate
    def int_z(z, t, x, y, alpha):
        return c * z + mu * x + 3 * x * z + alpha * (x * x * (1 - x) - y * y)

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], ST['z'], 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['x'], ST['y'], 0.)
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name="auto_sib", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
