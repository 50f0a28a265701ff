"""AUTO-07p demo ``tor``: the electronic circuit of Freire, Rodriguez-Luis, Gamero & Ponce, continued in
nu (beta = 0.5, gamma = -0.6, r = 0.6, a3 = 0.328578, b3 = 0.933578): a Hopf point, and on its cycles a
symmetry-breaking branch point, a period doubling and a torus bifurcation."""

import bp_core as bp

DEMO = "tor"
PAR = "nu"
PAR_RANGE = (-0.9, -0.4)
VARIABLES = {"x": [-1.0, 1.0], "y": [-1.0, 1.0], "z": [-1.0, 1.0]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
AUTO = {"par_index": 1, "equilibria": {"c": "tor"}, "cycles": {"NTST": 50, "NMX": 300}}


def model(beta: float = 0.5, gamma: float = -0.6, r: float = 0.6, a3: float = 0.328578,
          b3: float = 0.933578) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, nu):
        return (-(beta + nu) * x + beta * y - a3 * x ** 3 + b3 * (y - x) ** 3) / r

    @bp.integrate
    def int_y(y, t, x, z, nu):
        return beta * x - (beta + gamma) * y - z - b3 * (y - x) ** 3

    @bp.integrate
    def int_z(z, t, y, nu):
        return y

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['y'], 0.)
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name="auto_tor", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
