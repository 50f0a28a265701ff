"""AUTO-07p demo ``pp2``: a predator-prey model with harvesting of the prey (fish and sharks), continued
in the quota: transcritical branch point, fold and Hopf point, cycles towards a homoclinic orbit."""

import numpy as np

import bp_core as bp

DEMO = "pp2"
PAR = "quota"
PAR_RANGE = (0.0, 1.0)
VARIABLES = {"fish": [-0.5, 1.0], "sharks": [-0.5, 2.0]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
AUTO = {"par_index": 1, "equilibria": {"c": "pp2"}, "cycles": {"NTST": 90}}


def model(p2: float = 3.0, p3: float = 5.0, p4: float = 3.0) -> bp.NeuType:
    @bp.integrate
    def int_fish(fish, t, sharks, quota):
        return p2 * fish * (1 - fish) - fish * sharks - quota * (1 - np.exp(-p3 * fish))

    @bp.integrate
    def int_sharks(sharks, t, fish, quota):
        return -sharks + p4 * fish * sharks

    def update(ST, _t):
        fish = int_fish(ST['fish'], _t, ST['sharks'], 0.)
        ST['sharks'] = int_sharks(ST['sharks'], _t, ST['fish'], 0.)
        ST['fish'] = fish

    return bp.NeuType(name="auto_pp2", ST=bp.types.NeuState('fish', 'sharks'), steps=update)
