"""Dashboard: an excitation/inhibition balanced network of LIF neurons."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps import NetworkExplorer
from bpwidgets.dashboards.common import NetworkDashboard, title

__all__ = ["explorer", "dashboard", "app"]


def explorer(num: int = 400, prob: float = 0.1, duration: float = 300.) -> NetworkExplorer:
    """A NetworkExplorer with JE, JI and the input as sliders."""
    net, group, exc, inh = bp.models.ei_network(num, prob)
    je = exc.pars['w']
    return NetworkExplorer(net, inputs=[(group, 'ST.input', 3.0)], duration=duration,
                           setup=f"net, group, exc, inh = bp.models.ei_network({num}, {prob!r})",
                           names={group: 'group', exc: 'exc', inh: 'inh'},
                           params={exc: ['w'], inh: ['w']},
                           ranges={'w': (-4 * je, 4 * je), 'input0': (0.0, 8.0)},
                           labels={exc: {'w': 'JE'}, inh: {'w': 'JI'}, 'inputs': {'input0': 'input'}}, traces=(0,),
                           presets={"balanced": {'JE': je, 'JI': -je, 'input0': 3.0},
                                    "runaway excitation": {'JE': 2 * je, 'JI': 0.0, 'input0': 3.0}})


def dashboard(projector: bool | None = None) -> NetworkDashboard:
    """The dashboard: connection probability (rebuilds), JE, JI, input (re-run), in its lecture frame."""
    prob = widgets.FloatSlider(value=0.1, min=0.02, max=0.5, step=0.02, description="p", continuous_update=False)
    return NetworkDashboard("ei_balance", title("E/I balanced network", "400 LIF neurons, half excitatory; move "
                                                "JE, JI and the input and watch the rhythm change."),
                            prob, lambda p: explorer(400, float(np.clip(p, 0.02, 0.5))), projector)


def app() -> widgets.Widget:
    """The dashboard's widget."""
    return dashboard().widget
