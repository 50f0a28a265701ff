"""AUTO-07p demo ``plp``: an enzyme reaction with substrate and cosubstrate (S, A), continued in rho
(s0 = 110, a0 = 500, alpha = 0.2, kappa = 0.1): folds and Hopf points of the equilibria and the cycles
born at the Hopf points."""

import bp_core as bp

DEMO = "plp"
PAR = "rho"
PAR_RANGE = (0.0, 6.0)
VARIABLES = {"S": [0.0, 110.0], "A": [0.0, 500.0]}
RESOLUTION = 0.05
MAX_PERIOD = 500.0
AUTO = {"par_index": 4, "equilibria": {"c": "plp.ss"}, "cycles": {"NTST": 50}}


def model(s0: float = 110.0, a0: float = 500.0, alpha: float = 0.2, kappa: float = 0.1) -> bp.NeuType:
    @bp.integrate
    def int_S(S, t, A, rho):
        return (s0 - S) - rho * S * A / (1 + S + kappa * S ** 2)

    @bp.integrate
    def int_A(A, t, S, rho):
        return alpha * (a0 - A) - rho * S * A / (1 + S + kappa * S ** 2)

    def update(ST, _t):
        S = int_S(ST['S'], _t, ST['A'], 0.)
        ST['A'] = int_A(ST['A'], _t, ST['S'], 0.)
        ST['S'] = S

    return bp.NeuType(name="auto_plp", ST=bp.types.NeuState('S', 'A'), steps=update)
