"""Dashboard: FitzHugh-Nagumo phase plane beside its bifurcation diagram (a lecture on excitability)."""

from __future__ import annotations

import ipywidgets as widgets

import bp_core as bp
from bpwidgets.apps import BifurcationExplorer, PhasePlaneExplorer
from bpwidgets.dashboards.common import title

__all__ = ["get_fhn", "app"]


def get_fhn(a: float = 0.7, b: float = 0.8, tau: float = 12.5) -> bp.NeuType:
    """The FitzHugh-Nagumo neuron of the model library."""
    return bp.models.get_FitzHughNagumo(a=a, b=b, tau=tau)


def app() -> widgets.Widget:
    """Phase plane (click to launch trajectories) and the Iext bifurcation diagram, their Iext linked."""
    model = get_fhn()
    plane = PhasePlaneExplorer(model, {'v': [-3, 3], 'w': [-3, 3]}, fixed_vars={'Iext': 0.8}, params=['a', 'b'],
                               ranges={'Iext': (0.0, 1.5), 'a': (0.3, 1.2), 'b': (0.3, 1.2)}, duration=150.)
    diagram = BifurcationExplorer(model, {'Iext': [0., 1.5]}, {'v': [-3, 3], 'w': [-3, 3]}, par_resolution=0.02)
    plane.panel.on_change(lambda name, value: name == 'Iext' and diagram.marker_panel.set('Iext', value))
    diagram.link(plane)
    plane.launch({'v': -2.8, 'w': -1.8})
    diagram.pick(0.8, 1.9)  # the stable relaxation oscillation, drawn in the plane
    # controls in a side panel, the plane and the diagram beside it: both figures on a 1366 x 768 screen
    plane.plot.figure.layout.width, plane.plot.figure.layout.height = "430px", "440px"
    diagram.plot.figure.layout.width, diagram.plot.figure.layout.height = "430px", "440px"
    side = widgets.VBox([plane.controls, diagram.info_line, diagram.error_line, diagram.export.widget],
                        layout=widgets.Layout(width="450px", min_width="450px"))
    return widgets.VBox([title("FitzHugh-Nagumo", "Move Iext past the Hopf point (H) and the fixed point loses "
                                                  "stability; the cycles (green: max and min of v, dashed where "
                                                  "unstable) fold at LPC. Click the diagram to see that cycle in "
                                                  "the plane; click the plane to start trajectories."),
                         widgets.HBox([side, plane.plot.figure, plane.plot.click_through, diagram.plot.figure],
                                      layout=widgets.Layout(flex_flow="row wrap"))])  # narrow: the diagram below
