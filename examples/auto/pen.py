"""AUTO-07p demo ``pen``: two coupled damped pendula (Josephson junctions; gamma = 0.175, eps = 0.1), continued
in the applied current I, as the demo's rotations are. Here their equilibria: the in-phase rest states
sin(phi) = I with their folds at I = +-1, and the out-of-phase ones that branch off them."""

import numpy as np

import bp_core as bp

DEMO = "pen"
PAR = "I"
PAR_RANGE = (-1.5, 1.5)
VARIABLES = {"phi1": [-np.pi, np.pi], "phi2": [-np.pi, np.pi], "psi1": [-1.0, 1.0], "psi2": [-1.0, 1.0]}
RESOLUTION = 0.01
MAX_PERIOD = 200.0
#: The demo's equations file starts from a rotation read from pen.dat (no equilibrium), so AUTO-07p runs
#: the file printed from the same equations (PAR(1) is I); the damped pendula have no Hopf point.
AUTO = {"par_index": 1, "generated": True,
        "start": (1, 0.0), "equilibria": {"c": "pen", "NMX": 300, "DS": 0.005, "DSMAX": 0.03},
        "cycles": None}


def model(gamma: float = 0.175, eps: float = 0.1) -> bp.NeuType:
    @bp.integrate
    def int_phi1(phi1, t, psi1, I):
        return psi1

    @bp.integrate
    def int_phi2(phi2, t, psi2, I):
        return psi2

    @bp.integrate
    def int_psi1(psi1, t, phi1, phi2, I):
        return -eps * psi1 - np.sin(phi1) + I + gamma * (phi2 - phi1)

    @bp.integrate
    def int_psi2(psi2, t, phi1, phi2, I):
        return -eps * psi2 - np.sin(phi2) + I + gamma * (phi1 - phi2)

    def update(ST, _t):
        phi1 = int_phi1(ST['phi1'], _t, ST['psi1'], 0.)
        phi2 = int_phi2(ST['phi2'], _t, ST['psi2'], 0.)
        psi1 = int_psi1(ST['psi1'], _t, ST['phi1'], ST['phi2'], 0.)
        ST['psi2'] = int_psi2(ST['psi2'], _t, ST['phi1'], ST['phi2'], 0.)
        ST['phi1'], ST['phi2'], ST['psi1'] = phi1, phi2, psi1

    return bp.NeuType(name="auto_pen", ST=bp.types.NeuState('phi1', 'phi2', 'psi1', 'psi2'), steps=update)
