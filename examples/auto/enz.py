"""AUTO-07p demo ``enz``: two coupled enzyme compartments with substrate inhibition (Kernevez), continued
in the supply s0 at mu = 0, rho = 100, kappa = 1: the symmetric equilibria fold twice and a pitchfork
branch point breaks the symmetry."""

import bp_core as bp

DEMO = "enz"
PAR = "s0"
PAR_RANGE = (0.0, 40.0)
VARIABLES = {"s1": [0.0, 40.0], "s2": [0.0, 40.0]}
RESOLUTION = 0.1
MAX_PERIOD = 100.0
AUTO = {"par_index": 1, "equilibria": {"c": "enz", "NMX": 1000}, "cycles": None}


def model(mu: float = 0.0, rho: float = 100.0, kappa: float = 1.0) -> bp.NeuType:
    @bp.integrate
    def int_s1(s1, t, s2, s0):
        return (s0 - s1) + (s2 - s1) - rho * s1 / (1 + s1 + kappa * s1 ** 2)

    @bp.integrate
    def int_s2(s2, t, s1, s0):
        return (s0 + mu - s2) + (s1 - s2) - rho * s2 / (1 + s2 + kappa * s2 ** 2)

    def update(ST, _t):
        s1 = int_s1(ST['s1'], _t, ST['s2'], 0.)
        ST['s2'] = int_s2(ST['s2'], _t, ST['s1'], 0.)
        ST['s1'] = s1

    return bp.NeuType(name="auto_enz", ST=bp.types.NeuState('s1', 's2'), steps=update)
