"""AUTO-07p demo ``bru``: the Brusselator (Prigogine & Lefever) without diffusion, the kinetics of AUTO's
reaction-diffusion demo, continued in B at A = 2: the equilibrium (A, B / A) loses stability at the Hopf
point B = 1 + A^2, and the relaxation cycles born there grow without bound."""

import bp_core as bp

DEMO = "bru"
PAR = "B"
PAR_RANGE = (1.0, 8.0)
VARIABLES = {"x": [0.0, 30.0], "y": [0.0, 30.0]}
RESOLUTION = 0.05
MAX_PERIOD = 30.0
#: The demo's file is a parabolic problem (IPS = 16) whose STPNT also writes a diffusion profile past the two
#: kinetic variables: the comparison runs AUTO-07p on the equations file printed from these equations
#: (benchmarks/continuation.py's ``fortran``; PAR(1) is B).
AUTO = {"par_index": 1, "generated": True, "equilibria": {"c": "bru", "NMX": 1000, "DS": 0.01, "DSMAX": 0.05},
        "cycles": {"NTST": 50, "DSMAX": 0.05}}


def model(A: float = 2.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, B):
        return x ** 2 * y - (B + 1) * x + A

    @bp.integrate
    def int_y(y, t, x, B):
        return -x ** 2 * y + B * x

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_bru", ST=bp.types.NeuState('x', 'y'), steps=update)
