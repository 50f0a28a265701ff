"""Dashboard: FitzHugh-Nagumo phase plane beside its bifurcation diagram (a lecture on excitability)."""

from __future__ import annotations

import ipywidgets as widgets

import bp_core as bp
from bpwidgets.apps import BifurcationExplorer, PhasePlaneExplorer
from bpwidgets.dashboards.common import title
from bpwidgets.dashboards.lecture import LectureFrame
from bpwidgets.plots.figures import size_figure
from bpwidgets.plots.theme import font_size

__all__ = ["get_fhn", "FHNLecture", "dashboard", "app", "MAX_TRAJECTORIES"]

MAX_TRAJECTORIES = 50
"""Most trajectories a state file may start (each is integrated when it is loaded)."""


def get_fhn(a: float = 0.7, b: float = 0.8, tau: float = 12.5) -> bp.NeuType:
    """The FitzHugh-Nagumo neuron of the model library."""
    return bp.models.get_FitzHughNagumo(a=a, b=b, tau=tau)


class FHNLecture:
    """Phase plane (click to launch trajectories) and the Iext bifurcation diagram, their Iext linked."""

    def __init__(self):
        model = get_fhn()
        self.plane = plane = PhasePlaneExplorer(model, {'v': [-3, 3], 'w': [-3, 3]}, fixed_vars={'Iext': 0.8},
                                                params=['a', 'b'], duration=150.,
                                                ranges={'Iext': (0.0, 1.5), 'a': (0.3, 1.2), 'b': (0.3, 1.2)})
        self.diagram = diagram = BifurcationExplorer(model, {'Iext': [0., 1.5]}, {'v': [-3, 3], 'w': [-3, 3]},
                                                     par_resolution=0.02)
        plane.panel.on_change(lambda name, value: name == 'Iext' and diagram.marker_panel.set('Iext', value))
        diagram.link(plane)
        plane.launch({'v': -2.8, 'w': -1.8})
        diagram.pick(0.8, 1.9)  # the stable relaxation oscillation, drawn in the plane
        # controls in a side panel, the plane and the diagram beside it: both figures on a 1366 x 768 screen
        side = widgets.VBox([plane.controls, diagram.info_line, diagram.error_line, diagram.rewind.widget,
                             diagram.export.widget, diagram.plot.style],
                            layout=widgets.Layout(width="440px", min_width="440px"))
        self.widget = widgets.HBox([side, plane.plot.figure, plane.plot.click_through, diagram.plot.figure],
                                   layout=widgets.Layout(flex_flow="row wrap"))  # narrow: the diagram below

    def fit(self, projector: bool) -> None:
        """Size the plane and the diagram for the page or the projector."""
        font = font_size(projector)
        size = (420, 500) if projector else (430, 440)
        size_figure(self.plane.plot.figure, *size, font)
        self.diagram.plot.resize(*size, font)

    def figures(self) -> list[widgets.Widget]:
        """The phase plane, then the diagram."""
        return [self.plane.plot.figure, self.diagram.plot.figure]

    def state(self) -> dict:
        """The plane's parameters, its trajectories' starts, and the point picked on the diagram."""
        return {"parameters": self.plane.panel.values(), "trajectories": [dict(s) for s in self.plane._starts],
                "picked": list(self.diagram.picked_at) if self.diagram.picked_at else None}

    def restore(self, state: dict) -> list[str]:
        """Set a :meth:`state` again; returns what was refused."""
        refused = []
        parameters = state.get("parameters") or {}
        if not isinstance(parameters, dict):
            refused.append(f"parameters: {parameters!r} is not an object of parameter name -> number")
            parameters = {}
        for name, value in parameters.items():
            if name not in self.plane.panel.names:
                refused.append(f"parameters: no parameter {name!r}")
            elif not self.plane.panel.set(name, value):
                refused.append(f"{name}: {self.plane.panel.message}")
        picked = state.get("picked")
        why = None if picked is None else self.diagram.pick_refused(picked)
        if why is not None:
            refused.append(f"picked: {why}")
        elif picked is not None:
            self.diagram.pick(float(picked[0]), None if picked[1] is None else float(picked[1]))
        starts = state.get("trajectories") or []
        if not isinstance(starts, list):
            refused.append(f"trajectories: {starts!r:.60} is not a list of starts {{name: value}}")
        elif len(starts) > MAX_TRAJECTORIES:
            # each is integrated when loaded: a file of thousands held the kernel for hours
            refused.append(f"trajectories: {len(starts)} starts, more than {MAX_TRAJECTORIES}; the trajectories "
                           f"shown are kept")
        else:
            self.plane.clear_trajectories()
            self.plane.error = ""  # an earlier launch's error is not this file's
            for start in starts:
                if isinstance(start, dict):
                    self.plane.launch(start)
                else:
                    refused.append(f"trajectories: {start!r} is not a start {{name: value}}")
            if self.plane.error:
                refused.append(f"trajectories: {self.plane.error}")
        return refused


def dashboard(projector: bool | None = None) -> LectureFrame:
    """The lecture in its frame."""
    lecture = FHNLecture()
    return LectureFrame("fhn_lecture", title(
        "FitzHugh-Nagumo", "Move Iext past the Hopf point (H) and the fixed point loses stability; the cycles "
        "(green: max and min of v, dashed where unstable) fold at LPC. Click the diagram to see that cycle in the "
        "plane; click the plane to start trajectories."), lecture, lecture.widget, projector)


def app() -> widgets.Widget:
    """The dashboard's widget."""
    return dashboard().widget
