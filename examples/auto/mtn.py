"""AUTO-07p demo ``mtn`` (HomCont): a predator-prey model with a saturating predator response and a
sigmoid predator self-limitation (D = 0.01, HZ = 0.5), in the carrying capacity K and the predator
mortality GF. Its homoclinic orbits to a saddle end on the fold curve of the equilibria at two non-central
saddle-node homoclinic points (NCH), where the saddle becomes a saddle-node."""

import bp_core as bp

DEMO = "mtn"
#: The homoclinic curve's first (continued) parameter and the second one.
PAR, SECOND = "GF", "K"
PAR_RANGE, SECOND_RANGE = (0.05, 0.3), (4.0, 16.0)
VARIABLES = {"u": [0.0, 20.0], "v": [0.0, 12.0]}
RESOLUTION = 0.002
#: The stable cycle a simulation settles on at GF = CYCLE_AT, K = CYCLE_K, whose branch in GF ends at the
#: homoclinic orbit the curve starts from.
CYCLE_AT, CYCLE_K, CYCLE_START = 0.08, 14.0, {"u": 5.0, "v": 3.0}
#: The curve is followed to the fold curve, where the saddle's unstable eigenvalue vanishes (the NCH points).
MIN_RATE_TIMES_PERIOD = 0.0


def model(D: float = 0.01, HZ: float = 0.5) -> bp.NeuType:
    @bp.integrate
    def int_u(u, t, v, GF, K):
        return 0.5 * u * (1.0 - u / K) - v * 0.4 * u / (0.6 + u) + D * K

    @bp.integrate
    def int_v(v, t, u, GF, K):
        return 0.6 * 0.4 * u / (0.6 + u) * v - 0.15 * v - GF * v * v / (v * v + HZ * HZ)

    def update(ST, _t):
        u = int_u(ST['u'], _t, ST['v'], 0., 0.)
        ST['v'] = int_v(ST['v'], _t, ST['u'], 0., 0.)
        ST['u'] = u

    return bp.NeuType(name="auto_mtn", ST=bp.types.NeuState('u', 'v'), steps=update)
