"""AUTO-07p demo ``apbp``: u' = (u - p1)(u - p2) + p3 at p2 = 2, p3 = 0, continued in p1: the equilibria
u = p1 and u = p2 cross at p1 = 2, a transcritical branch point."""

import bp_core as bp

DEMO = "apbp"
PAR = "p1"
PAR_RANGE = (0.0, 4.0)
VARIABLES = {"u": [-1.0, 5.0]}
RESOLUTION = 0.02
MAX_PERIOD = 100.0
AUTO = {"par_index": 1, "equilibria": {"c": "apbp", "NMX": 500, "MXBF": 0}, "cycles": None}


def model(p2: float = 2.0, p3: float = 0.0) -> bp.NeuType:
    @bp.integrate
    def int_u(u, t, p1):
        return (u - p1) * (u - p2) + p3

    def update(ST, _t):
        ST['u'] = int_u(ST['u'], _t, 0.)

    return bp.NeuType(name="auto_apbp", ST=bp.types.NeuState('u'), steps=update)
