"""AUTO-07p demo ``snh``: a saddle-node Hopf unfolding with a global reinjection (Kirk's model, the angle phi
on a circle; nu2 = -1.46, d = 0.01, alpha = -1, omega = 1), continued in nu1: the two equilibria on the
x = y = 0 axis at cos(phi) = -nu2 / 2, each with a Hopf point at nu1 = -+sin(phi), and the cycles born there."""

import numpy as np

import bp_core as bp

DEMO = "snh"
PAR = "nu1"
PAR_RANGE = (-1.5, 1.5)
VARIABLES = {"x": [-1.0, 1.0], "y": [-1.0, 1.0], "phi": [-np.pi, np.pi]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
#: The demo's equations file is HomCont's (its dimension chooses the problem) and has no constants file for
#: the equilibria, so AUTO-07p runs the file printed from the same equations (PAR(1) is nu1).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "snh", "NMX": 2000, "DS": 0.005, "DSMAX": 0.03},
        "cycles": {"NTST": 50, "NMX": 2000, "DSMAX": 0.05}}


def model(nu2: float = -1.46, d: float = 0.01) -> bp.NeuType:
    fp = np.pi * d

    @bp.integrate
    def int_x(x, t, y, phi, nu1):
        return nu1 * x - y + x * np.sin(phi) - (x * x + y * y) * x + d * (2 * np.cos(phi) + nu2) ** 2

    @bp.integrate
    def int_y(y, t, x, phi, nu1):
        return nu1 * y + x + y * np.sin(phi) - (x * x + y * y) * y + fp * (2 * np.cos(phi) + nu2) ** 2

    @bp.integrate
    def int_phi(phi, t, x, y, nu1):
        return nu2 - (x * x + y * y) + 2 * np.cos(phi)

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], ST['phi'], 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['phi'], 0.)
        ST['phi'] = int_phi(ST['phi'], _t, ST['x'], ST['y'], 0.)
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name="auto_snh", ST=bp.types.NeuState('x', 'y', 'phi'), steps=update)
