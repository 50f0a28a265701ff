"""AUTO-07p demo ``ppp``: the food chain of ``pp3`` with p4 = 3 (Doedel), continued in the harvesting
rate p1 over [0, 0.6]: branch points, folds and Hopf points of the equilibria, and the cycles from the
Hopf points."""

import bp_core as bp
from examples.auto import pp3

DEMO = "ppp"
PAR = "p1"
PAR_RANGE = (0.0, 0.6)
VARIABLES = pp3.VARIABLES
RESOLUTION = 0.01
MAX_PERIOD = 200.0
AUTO = {"par_index": 1, "equilibria": {"c": "ppp", "NMX": 1000}, "cycles": {"NTST": 50}}


def model(p4: float = 3.0, **others: float) -> bp.NeuType:
    """``pp3``'s food chain with its own p4 (the other rates as in ``pp3``)."""
    return pp3.model(p4=p4, name=f"auto_{DEMO}", **others)
