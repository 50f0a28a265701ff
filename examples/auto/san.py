"""AUTO-07p demo ``san`` (HomCont): Sandstede's model of an orbit flip, x' = a x + b y - a x^2 + (mt - alpha z)
x (2 - 3x), y' = b x + a y - 3/2 b x^2 - 3/2 a x y - (mt - alpha z) 2 y, z' = c z + mu x + gamma x z + alpha
beta (x^2 (1 - x) - y^2), at the demo's last homotopy (a = 0.5, b = 3, c = -2, alpha = 1, beta = 0,
gamma = 0). At mu = 0 the plane z = 0 is invariant and y^2 = x^2 - x^3 is a loop homoclinic to the saddle
at the origin exactly at mt = 0; in mu the homoclinic curve moves off mt = 0, and at mu = 0 the orbit's
approach to the saddle along its leading stable (z) direction flips (an orbit flip)."""

import bp_core as bp

DEMO = "san"
#: The homoclinic curve's first (continued) parameter and the second one (AUTO's PAR(8) and PAR(7)).
PAR, SECOND = "mt", "mu"
PAR_RANGE, SECOND_RANGE = (-0.3, 0.3), (-0.5, 0.25)
VARIABLES = {"x": [-0.5, 1.5], "y": [-1.0, 1.0], "z": [-1.0, 1.0]}
RESOLUTION = 0.005
#: Where the curve starts: the loop at mt = mu = 0, one passage of it simulated from the saddle at the origin
#: (the demo's analytic starting orbit), at most LOOP_TIME long.
START, LOOP_TIME = {"mt": 0.0, "mu": 0.0}, 20.0


def model(a: float = 0.5, b: float = 3.0, c: float = -2.0, alpha: float = 1.0, beta: float = 0.0,
          gamma: float = 0.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, z, mt, mu):
        return a * x + b * y - a * x * x + (mt - alpha * z) * x * (2.0 - 3.0 * x)

    @bp.integrate
    def int_y(y, t, x, z, mt, mu):
        return b * x + a * y - 1.5 * b * x * x - 1.5 * a * x * y - (mt - alpha * z) * 2.0 * y

    @bp.integrate
    def int_z(z, t, x, y, mt, mu):
        return c * z + mu * x + gamma * x * z + alpha * beta * (x * x * (1.0 - x) - y * y)

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], ST['z'], 0., 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'], 0., 0.)
        ST['z'] = int_z(ST['z'], _t, ST['x'], ST['y'], 0., 0.)
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name="auto_san", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)

