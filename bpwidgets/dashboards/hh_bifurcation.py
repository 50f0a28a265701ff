"""Dashboard: the Hodgkin-Huxley neuron's bifurcation diagram in the input current (a lecture classic:
a subcritical Hopf point, the fold of cycles below it, and bistability between rest and firing)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps import BifurcationExplorer
from bpwidgets.dashboards.common import title
from bpwidgets.plots.figures import line_figure, set_lines

__all__ = ["HH_VARIABLES", "CURRENT_RANGE", "trace_from", "HHBifurcationDashboard", "app"]

HH_VARIABLES = {'V': [-90., 60.], 'm': [0., 1.], 'h': [0., 1.], 'n': [0., 1.]}
CURRENT_RANGE = (0., 30.)
DURATION, DT = 100.0, 0.02


def trace_from(state: dict[str, float], current: float, kick: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Membrane potential of one HH neuron started at ``state`` (V raised by ``kick`` mV) under a constant
    ``current``: times and V."""
    group = bp.NeuGroup(bp.models.get_HH(), 1, monitors=['V'])
    for name, value in state.items():
        group.ST[name] = value + (kick if name == 'V' else 0.0)
    with bp.profile.override(dt=DT):
        group.run(DURATION, inputs=('input', float(current)))
    return group.mon.ts, group.mon.V[:, 0]


class HHBifurcationDashboard:
    """The diagram (click a branch) beside the voltage trace started on the point picked."""

    def __init__(self):
        self.diagram = BifurcationExplorer(bp.models.get_HH(), {'I_ext': list(CURRENT_RANGE)}, HH_VARIABLES,
                                           plot_var='V', par_resolution=0.5)
        self.trace_figure, self.trace_lines = line_figure("time (ms)", "V (mV)", "started on the picked point")
        self.panel = self.diagram.marker_panel  # what link() sets: the picked current
        self.diagram.link(self)
        self.widget = widgets.VBox([
            title("Hodgkin-Huxley: rest, firing and both",
                  "Between the fold of cycles (LPC) and the subcritical Hopf point (H) a stable rest state and "
                  "stable firing coexist, separated by an unstable cycle (dashed). Click a branch to start a "
                  "neuron there."),
            widgets.HBox([self.diagram.widget, self.trace_figure])])
        self.diagram.pick(8.0, 30.0)  # the stable firing of the bistable range

    def show_cycle(self, times: np.ndarray, states: dict[str, np.ndarray]) -> None:
        """A neuron started on the picked orbit (just outside it, so an unstable one shows its instability)."""
        start = {name: float(values[0]) for name, values in states.items()}
        self._draw(*trace_from(start, self.diagram.selected["par"], kick=0.5))

    def hide_cycle(self) -> None:
        """A neuron started next to the picked equilibrium."""
        self._draw(*trace_from(self.diagram.selected["state"], self.diagram.selected["par"], kick=2.0))

    def _draw(self, ts: np.ndarray, v: np.ndarray) -> None:
        set_lines(self.trace_lines, ts, v)


def app() -> widgets.Widget:
    """The Hodgkin-Huxley bifurcation dashboard."""
    return HHBifurcationDashboard().widget
