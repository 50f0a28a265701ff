"""AUTO-07p demo ``lrz``: the Lorenz equations (beta = 8/3, sigma = 10) continued in rho: the pitchfork
at rho = 1, the two symmetric Hopf points at rho = 24.7368 and the unstable cycles born there."""

import bp_core as bp

DEMO = "lrz"
PAR = "rho"
PAR_RANGE = (0.0, 30.0)
VARIABLES = {"x": [-20.0, 20.0], "y": [-20.0, 20.0], "z": [0.0, 50.0]}
RESOLUTION = 0.1
MAX_PERIOD = 100.0
AUTO = {"par_index": 1, "equilibria": {"c": "lrz", "NMX": 500}, "cycles": {"NTST": 50}}


def model(beta: float = 8.0 / 3.0, sigma: float = 10.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, rho):
        return sigma * (y - x)

    @bp.integrate
    def int_y(y, t, x, z, rho):
        return rho * x - y - x * z

    @bp.integrate
    def int_z(z, t, x, y, rho):
        return x * y - beta * z

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['x'], ST['y'], 0.)
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name="auto_lrz", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
