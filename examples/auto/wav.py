"""AUTO-07p demo ``wav``: the two-substrate enzyme reaction behind AUTO's travelling-wave demo, as an ODE,
continued in the cosubstrate supply a0 (p1 = 3, s0 = 145, rho = 210, K = 3.4, kappa = 0.023,
alpha = 0.2): folds and Hopf points of the equilibria, cycles from the Hopf points."""

import bp_core as bp

DEMO = "wav"
PAR = "a0"
PAR_RANGE = (100.0, 800.0)
VARIABLES = {"s": [0.0, 150.0], "a": [0.0, 800.0]}
RESOLUTION = 1.0
MAX_PERIOD = 500.0
AUTO = {"par_index": 3, "equilibria": {"c": "wav", "NMX": 1000}, "cycles": {"NTST": 50}}


def model(p1: float = 3.0, s0: float = 145.0, rho: float = 210.0, K: float = 3.4, kappa: float = 0.023,
          alpha: float = 0.2) -> bp.NeuType:
    @bp.integrate
    def int_s(s, t, a, a0):
        return -p1 * (rho * a / (K + a) * s / (1 + s + kappa * s * s) - (s0 - s))

    @bp.integrate
    def int_a(a, t, s, a0):
        return -p1 * (rho * a / (K + a) * s / (1 + s + kappa * s * s) - alpha * (a0 - a))

    def update(ST, _t):
        s = int_s(ST['s'], _t, ST['a'], 0.)
        ST['a'] = int_a(ST['a'], _t, ST['s'], 0.)
        ST['s'] = s

    return bp.NeuType(name="auto_wav", ST=bp.types.NeuState('s', 'a'), steps=update)
