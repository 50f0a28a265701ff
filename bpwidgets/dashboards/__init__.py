"""Dashboards served by ``bpwidgets demo``: each module's ``app()`` returns the dashboard widget.

The ``.ipynb`` files beside them are one-cell launchers that Voila renders.
"""

from pathlib import Path

DASHBOARD_DIR = Path(__file__).parent
"""Where the dashboard notebooks are."""

DASHBOARDS = {
    "gamma": "Gamma oscillation: interneurons coupled by GABA_A synapses (Wang & Buzsaki 1996)",
    "ei_balance": "E/I balanced network of LIF neurons",
    "fhn_lecture": "FitzHugh-Nagumo: phase plane beside its bifurcation diagram",
    "hh_neuron": "Hodgkin-Huxley neuron: input protocols, gating variables, F-I curve",
    "hh_bifurcation": "Hodgkin-Huxley bifurcation diagram: subcritical Hopf, fold of cycles, bistability",
}
"""Dashboard name -> one-line description (the gallery lists these)."""

PROJECTOR_ENV = "BPWIDGETS_PROJECTOR"
"""Environment variable that starts every dashboard in projector mode when set to 1 (``bpwidgets demo
--projector`` sets it for the kernels it starts)."""
