"""The Bautin (generalised Hopf) normal form in Cartesian coordinates (Kuznetsov, Elements of Applied
Bifurcation Theory, 2004, section 8.3), r' = r (beta1 + beta2 r^2 - r^4), phi' = 1, continued in beta1 at
beta2 = 1: a subcritical Hopf point at beta1 = 0 whose unstable cycles turn at a fold of cycles at
beta1 = -beta2^2 / 4 into the stable ones, every orbit of period 2 pi. Not an AUTO-07p demo: AUTO-07p runs
the Fortran printed from the same sympy equations."""

import bp_core as bp

DEMO = "bautin"
PAR = "beta1"
PAR_RANGE = (-1.0, 0.5)
VARIABLES = {"x": [-2.0, 2.0], "y": [-2.0, 2.0]}
RESOLUTION = 0.01
MAX_PERIOD = 100.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is beta1, the only free parameter).
AUTO = {"par_index": 1, "generated": True, "equilibria": {"c": "bautin", "NMX": 1000, "DS": 0.01, "DSMAX": 0.02},
        "cycles": {"NTST": 50, "DSMAX": 0.05}}


def model(beta2: float = 1.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, beta1):
        r2 = x ** 2 + y ** 2
        return beta1 * x - y + beta2 * x * r2 - x * r2 ** 2

    @bp.integrate
    def int_y(y, t, x, beta1):
        r2 = x ** 2 + y ** 2
        return x + beta1 * y + beta2 * y * r2 - y * r2 ** 2

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_bautin", ST=bp.types.NeuState('x', 'y'), steps=update)
