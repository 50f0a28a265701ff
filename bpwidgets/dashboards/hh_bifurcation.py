"""Dashboard: the Hodgkin-Huxley neuron's bifurcation diagram in the input current (a lecture classic:
a subcritical Hopf point, the fold of cycles below it, and bistability between rest and firing)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps import BifurcationExplorer
from bpwidgets.dashboards.common import title
from bpwidgets.first_pass import FirstPasses
from bpwidgets.dashboards.hh_runs import constant_columns, run_hh
from bpwidgets.dashboards.lecture import LectureFrame
from bpwidgets.plots.figures import line_figure, set_lines, size_figure
from bpwidgets.plots.theme import font_size

__all__ = ["HH_VARIABLES", "CURRENT_RANGE", "UNITS", "trace_from", "HHBifurcationDashboard", "dashboard", "app"]

HH_VARIABLES = {'V': [-90., 60.], 'm': [0., 1.], 'h': [0., 1.], 'n': [0., 1.]}
CURRENT_RANGE = (0., 30.)
DURATION, DT = 100.0, 0.02
UNITS = {'I_ext': 'uA/cm2', 'V': 'mV'}


def trace_from(state: dict[str, float], current: float, kick: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Membrane potential of one HH neuron started at ``state`` (V raised by ``kick`` mV) under a constant
    ``current``: times and V. The kernel is the HH neuron dashboard's (:mod:`bpwidgets.dashboards.hh_runs`); a run
    the warm-up recorded is read instead (:meth:`bpwidgets.first_pass.FirstPasses.computed`)."""
    start = {name: float(value) + (kick if name == 'V' else 0.0) for name, value in state.items()}

    def run() -> dict[str, np.ndarray]:
        group = run_hh(constant_columns(float(current), DURATION, DT), DURATION, DT, start)
        return {"ts": group.mon.ts, "V": group.mon.V[:, 0]}

    # the first trace (the dashboard's first pick) is every kernel's: recorded by the warm-up, read here
    found = FirstPasses().computed("hh_bifurcation trace", [start, float(current), DURATION, DT], run,
                                   lambda found: sorted(found) == ["V", "ts"] and found["ts"].ndim == 1 and
                                   found["V"].shape == found["ts"].shape)
    return found["ts"], found["V"]


class HHBifurcationDashboard:
    """The diagram (click a branch) beside the voltage trace started on the point picked."""

    def __init__(self):
        self.diagram = BifurcationExplorer(bp.models.get_HH(), {'I_ext': list(CURRENT_RANGE)}, HH_VARIABLES,
                                           plot_var='V', par_resolution=0.5, units=UNITS)
        self.trace_figure, self.trace_lines = line_figure("time (ms)", "V (mV)", "started on the picked point",
                                                          x_range=(0., DURATION), y_range=tuple(HH_VARIABLES['V']))
        self.panel = self.diagram.marker_panel  # what link() sets: the picked current
        self.diagram.link(self)
        self.heading = title("Hodgkin-Huxley: rest, firing and both",
                             "Between the fold of cycles (LPC) and the subcritical Hopf point (H) a stable rest "
                             "state and stable firing coexist, separated by an unstable cycle (dashed). Click a "
                             "branch to start a neuron there.")
        self.widget = widgets.HBox([self.diagram.widget, self.trace_figure])
        self.diagram.pick(8.0, 30.0)  # the stable firing of the bistable range

    def fit(self, projector: bool) -> None:
        """Size the diagram and the trace for the page or the projector."""
        font = font_size(projector)
        width, height = (640, 480) if projector else (560, 420)
        self.diagram.plot.resize(width, height, font)
        size_figure(self.trace_figure, width, height, font)

    def figures(self) -> list[widgets.Widget]:
        """The diagram, then the trace."""
        return [self.diagram.plot.figure, self.trace_figure]

    def state(self) -> dict:
        """The point picked on the diagram."""
        return {"picked": list(self.diagram.picked_at) if self.diagram.picked_at else None}

    def restore(self, state: dict) -> list[str]:
        """Pick the saved point again; returns what was refused."""
        picked = state.get("picked")
        if picked is None:
            return []
        refused = self.diagram.pick_refused(picked)
        if refused is not None:
            return [f"picked: {refused}"]
        self.diagram.pick(float(picked[0]), None if picked[1] is None else float(picked[1]))
        return []

    def show_cycle(self, times: np.ndarray, states: dict[str, np.ndarray]) -> None:
        """A neuron started on the picked orbit (just outside it, so an unstable one shows its instability)."""
        start = {name: float(values[0]) for name, values in states.items()}
        self._draw(*trace_from(start, self.diagram.selected["par"], kick=0.5))

    def hide_cycle(self) -> None:
        """A neuron started next to the picked equilibrium."""
        self._draw(*trace_from(self.diagram.selected["state"], self.diagram.selected["par"], kick=2.0))

    def _draw(self, ts: np.ndarray, v: np.ndarray) -> None:
        set_lines(self.trace_lines, ts, v)


def dashboard(projector: bool | None = None) -> LectureFrame:
    """The Hodgkin-Huxley bifurcation dashboard in its lecture frame."""
    hh = HHBifurcationDashboard()
    return LectureFrame("hh_bifurcation", hh.heading, hh, hh.widget, projector)


def app() -> widgets.Widget:
    """The Hodgkin-Huxley bifurcation dashboard."""
    return dashboard().widget
