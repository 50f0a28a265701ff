"""The Morris-Lecar neuron with Rinzel & Ermentrout's (1998) SNIC set (phi = 1/15; Ermentrout & Terman 2010,
section 3.4): continued in the applied current I, repetitive firing begins at a saddle-node on the invariant
circle (the rest state's upper fold) and ends at a subcritical Hopf point on the depolarised branch, whose
unstable cycles turn at a fold of cycles. The equations are ``ml_homoclinic``'s with the slower recovery. Not an
AUTO-07p demo: AUTO-07p runs the Fortran printed from the same sympy equations."""

import bp_core as bp
from examples.auto import ml_homoclinic

DEMO = "mlsnic"
PAR = "I"
PAR_RANGE = (-20.0, 150.0)
VARIABLES = {"V": [-80.0, 60.0], "w": [0.0, 1.0]}
RESOLUTION = 1.0
MAX_PERIOD = 2000.0
#: AUTO-07p's constants for the generated equations file (PAR(1) is I, the only free parameter).
AUTO = {"par_index": 1, "generated": True,
        "equilibria": {"c": "mlsnic", "NMX": 2000, "DS": 0.1, "DSMAX": 1.5},
        "cycles": {"NTST": 100, "NMX": 2000, "DSMAX": 2.0}}


def model(phi: float = 1 / 15) -> bp.NeuType:
    return ml_homoclinic.model(phi=phi)
