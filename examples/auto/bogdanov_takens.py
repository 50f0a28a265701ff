"""The Bogdanov-Takens normal form (Kuznetsov 2004, section 8.4), x' = y, y' = beta1 + beta2 x + x^2 + x y,
continued in beta1 at beta2 = -1: the equilibria x^2 - x + beta1 = 0 meet at the fold beta1 = 1/4, the left one
has a Hopf point where its trace x vanishes, beta1 = 0, and the cycles born there end at the orbit homoclinic
to the saddle. Not an AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import bp_core as bp

DEMO = "btnf"
PAR = "beta1"
PAR_RANGE = (-1.0, 1.0)
VARIABLES = {"x": [-3.0, 3.0], "y": [-3.0, 3.0]}
RESOLUTION = 0.005
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is beta1, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "btnf", "NMX": 1000, "DS": 0.005, "DSMAX": 0.02},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.02}}


def model(beta2: float = -1.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, beta1):
        return y

    @bp.integrate
    def int_y(y, t, x, beta1):
        return beta1 + beta2 * x + x ** 2 + x * y

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_bogdanov_takens", ST=bp.types.NeuState('x', 'y'), steps=update)
