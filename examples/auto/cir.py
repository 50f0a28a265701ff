"""AUTO-07p demo ``cir`` (HomCont): the electronic circuit of Freire, Rodriguez-Luis, Gamero & Ponce (the
``tor`` demo's equations) at gamma = 0, r = 0.6, a3 = 0.328578, b3 = 0.933578, where the origin is a
saddle-focus with an orbit homoclinic to it (a Shilnikov orbit) at nu = -0.721309, beta = 0.6; its curve
in (nu, beta)."""

import bp_core as bp

DEMO = "cir"
#: The homoclinic curve's first (continued) parameter and the second one (AUTO's PAR(1) and PAR(2)).
PAR, SECOND = "nu", "beta"
PAR_RANGE, SECOND_RANGE = (-1.2, -0.6), (0.0, 0.8)
VARIABLES = {"x": [-1.0, 1.0], "y": [-1.0, 1.0], "z": [-1.0, 1.0]}
RESOLUTION = 0.003
#: Where AUTO's script starts (the homoclinic orbit of its data file), where bp_core simulates one passage
#: of the loop from the saddle at the origin, at most LOOP_TIME long.
START, LOOP_TIME = {"nu": -0.721309, "beta": 0.6}, 60.0
#: The curve is followed on to lambda_u T = 5, where it has left HomCont's by 1e-5 (the comparison shows it).
MIN_RATE_TIMES_PERIOD = 5.0


def model(gamma: float = 0.0, r: float = 0.6, a3: float = 0.328578, b3: float = 0.933578) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, nu, beta):
        return (-(beta + nu) * x + beta * y - a3 * x ** 3 + b3 * (y - x) ** 3) / r

    @bp.integrate
    def int_y(y, t, x, z, nu, beta):
        return beta * x - (beta + gamma) * y - z - b3 * (y - x) ** 3

    @bp.integrate
    def int_z(z, t, y, nu, beta):
        return y

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0., 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'], 0., 0.)
        ST['z'] = int_z(ST['z'], _t, ST['y'], 0., 0.)
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name="auto_cir", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
