"""A predator-prey model whose prey has a strong Allee effect (Bazykin 1998; Conway & Smoller 1986),
x' = x (x - a)(1 - x) - x y, y' = delta y (x - m), continued in the predator's mortality m at a = 0.2,
delta = 1: the predator invades at the transcritical points m = a and m = 1 (where the coexistence state
x = m, y = (1 - m)(m - a) meets the prey-only states) and the coexistence state loses stability at the Hopf
point m = (1 + a) / 2, whose cycles grow to the heteroclinic cycle through the prey-only saddles. Not an AUTO-07p
demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import bp_core as bp

DEMO = "allee"
PAR = "m"
PAR_RANGE = (0.0, 1.2)
VARIABLES = {"x": [0.0, 1.5], "y": [0.0, 1.0]}
RESOLUTION = 0.005
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is m, the only free parameter); AUTO starts on
#: the coexistence branch at m = 0.8.
AUTO = {"par_index": 1, "generated": True, "start": (3, 0.8),
        "equilibria": {"c": "allee", "NMX": 1000, "DS": 0.005, "DSMAX": 0.01},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 0.02}}


def model(a: float = 0.2, delta: float = 1.0) -> bp.NeuType:
    @bp.integrate
    def int_x(x, t, y, m):
        return x * (x - a) * (1 - x) - x * y

    @bp.integrate
    def int_y(y, t, x, m):
        return delta * y * (x - m)

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    return bp.NeuType(name="auto_allee", ST=bp.types.NeuState('x', 'y'), steps=update)
