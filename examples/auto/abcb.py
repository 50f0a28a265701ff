"""AUTO-07p demo ``abcb``: the A -> B -> C reactor of ``abc`` with its analytic Jacobian, continued in D
over the whole range [0, 1] (alpha = 1, beta = 1.55, B = 8, s = 0.04): the same Hopf points and folds of
cycles, continued to where the cycles end."""

from examples.auto.abc import VARIABLES, model  # noqa: F401  (the same equations)

DEMO = "abcb"
PAR = "D"
PAR_RANGE = (0.0, 1.0)
RESOLUTION = 0.005
MAX_PERIOD = 500.0
AUTO = {"par_index": 1, "equilibria": {"c": "abcb", "NMX": 500}, "cycles": {"NTST": 50}}
