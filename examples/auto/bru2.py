"""Two Brusselator cells coupled by diffusion (Prigogine & Lefever 1968; the two-box model of Turing's 1952
argument), x_i' = A - (B + 1) x_i + x_i^2 y_i + Dx (x_j - x_i), y_i' = B x_i - x_i^2 y_i + Dy (y_j - y_i), continued
in B at A = 2, Dx = 0.05, Dy = 2: the homogeneous state (A, B / A) breaks its symmetry at a pitchfork where the
antisymmetric mode's determinant vanishes, B = (1 + 2 Dx)(A^2 + 2 Dy) / (2 Dy) = 2.2 (a Turing instability), and
loses stability to homogeneous oscillations at the Hopf point B = 1 + A^2 = 5. Not an AUTO-07p demo: AUTO-07p runs
the Fortran printed from the same sympy equations."""

import bp_core as bp

DEMO = "bru2"
PAR = "B"
PAR_RANGE = (1.0, 6.0)
VARIABLES = {"x1": [0.0, 10.0], "y1": [0.0, 10.0], "x2": [0.0, 10.0], "y2": [0.0, 10.0]}
RESOLUTION = 0.02
MAX_PERIOD = 200.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is B, the only free parameter); AUTO starts on
#: the homogeneous branch at B = 1.
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "bru2", "NMX": 1000, "DS": 0.01, "DSMAX": 0.05},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.1}}


def model(A: float = 2.0, Dx: float = 0.05, Dy: float = 2.0) -> bp.NeuType:
    @bp.integrate
    def int_x1(x1, t, y1, x2, B):
        return A - (B + 1) * x1 + x1 ** 2 * y1 + Dx * (x2 - x1)

    @bp.integrate
    def int_y1(y1, t, x1, y2, B):
        return B * x1 - x1 ** 2 * y1 + Dy * (y2 - y1)

    @bp.integrate
    def int_x2(x2, t, y2, x1, B):
        return A - (B + 1) * x2 + x2 ** 2 * y2 + Dx * (x1 - x2)

    @bp.integrate
    def int_y2(y2, t, x2, y1, B):
        return B * x2 - x2 ** 2 * y2 + Dy * (y1 - y2)

    def update(ST, _t):
        x1 = int_x1(ST['x1'], _t, ST['y1'], ST['x2'], 0.)
        y1 = int_y1(ST['y1'], _t, ST['x1'], ST['y2'], 0.)
        x2 = int_x2(ST['x2'], _t, ST['y2'], ST['x1'], 0.)
        ST['y2'] = int_y2(ST['y2'], _t, ST['x2'], ST['y1'], 0.)
        ST['x1'] = x1
        ST['y1'] = y1
        ST['x2'] = x2

    return bp.NeuType(name="auto_bru2", ST=bp.types.NeuState('x1', 'y1', 'x2', 'y2'), steps=update)
