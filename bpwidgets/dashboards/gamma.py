"""Dashboard: gamma oscillation in a network of interneurons (Wang & Buzsaki 1996)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps import NetworkExplorer
from bpwidgets.dashboards.common import Rebuilder, title

__all__ = ["explorer", "presets", "app"]


def explorer(num: int = 100, duration: float = 300.) -> NetworkExplorer:
    """A NetworkExplorer on the gamma network with g_max and the input current as sliders."""
    net, neu, syn = bp.models.gamma_network(num)
    return NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=duration, params={syn: ['g_max']},
                           setup=f"net, neu, syn = bp.models.gamma_network({num})", names={neu: 'neu', syn: 'syn'},
                           ranges={'g_max': (0.0, 0.4 / num), 'input0': (0.0, 3.0)},
                           labels={syn: {'g_max': 'g_max'}, 'inputs': {'input0': 'input'}},
                           units={'inputs': {'input0': 'uA/cm2'}}, traces=(0, 1), presets=presets(num))


def presets(num: int) -> dict[str, dict[str, float]]:
    """Moments of the lecture: no coupling, weak and strong synchrony (g_max in units of 1/num)."""
    return {"asynchronous": {'g_max': 0.0, 'input0': 1.2},
            "weak synchrony": {'g_max': 0.1 / num, 'input0': 1.2},
            "strong synchrony": {'g_max': 0.3 / num, 'input0': 1.2}}


def app() -> widgets.Widget:
    """The dashboard: network size (rebuilds), g_max and input (re-run), streaming raster, rate, coherence."""
    size = widgets.IntSlider(value=100, min=10, max=300, step=10, description="neurons", continuous_update=False)
    rebuilder = Rebuilder(lambda num: explorer(int(np.clip(num, 10, 300))), [size])
    return widgets.VBox([title("Gamma oscillation", "HH interneurons with all-to-all GABA_A inhibition; raise "
                                                    "g_max to synchronise them."), rebuilder.widget])
