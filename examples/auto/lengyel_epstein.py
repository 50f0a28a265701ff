"""Lengyel & Epstein's (1991) two-variable model of the chlorite-iodide-malonic acid reaction,
x' = a - x - 4 x y / (1 + x^2), y' = b (x - x y / (1 + x^2)), continued in b at a = 10: the one equilibrium
x = a / 5, y = 1 + x^2 loses stability at the Hopf point b = 3 a / 5 - 25 / a = 3.5 and the relaxation cycles
grow as b falls. Not an AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import bp_core as bp

DEMO = "lep"
PAR = "b"
PAR_RANGE = (0.5, 6.0)
VARIABLES = {"x": [0.0, 12.0], "y": [0.0, 30.0]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is b, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "lep", "NMX": 1000, "DS": 0.01, "DSMAX": 0.05},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.05}}


def model(a: float = 10.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, b):
        return a - x - 4 * x * y / (1 + x ** 2)

    @bp.integrate
    def int_y(y, t, x, b):
        return b * (x - x * y / (1 + x ** 2))

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_lengyel_epstein", ST=bp.types.NeuState('x', 'y'), steps=update)
