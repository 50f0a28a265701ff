"""Dashboard: gamma oscillation in a network of interneurons (Wang & Buzsaki 1996)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps import NetworkExplorer, SweepExplorer
from bpwidgets.dashboards.common import NetworkDashboard, title

__all__ = ["explorer", "presets", "point", "sweep", "GammaLab", "dashboard", "app"]

MEASURES = {"mean_rate": "mean rate (Hz)", "coherence": "coherence", "cv_isi": "CV of ISIs"}


def explorer(num: int = 100, duration: float = 300.) -> NetworkExplorer:
    """A NetworkExplorer on the gamma network with g_max and the input current as sliders; every kernel's first
    pass is the same (seed 0), so it is shared between kernels (:mod:`bpwidgets.first_pass`)."""
    net, neu, syn = bp.models.gamma_network(num)
    return NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=duration, params={syn: ['g_max']},
                           setup=f"net, neu, syn = bp.models.gamma_network({num})", names={neu: 'neu', syn: 'syn'},
                           ranges={'g_max': (0.0, 0.4 / num), 'input0': (0.0, 3.0)},
                           labels={syn: {'g_max': 'g_max'}, 'inputs': {'input0': 'input'}},
                           units={'inputs': {'input0': 'uA/cm2'}}, traces=(0, 1), presets=presets(num),
                           seed=0, share="gamma")


def presets(num: int) -> dict[str, dict[str, float]]:
    """Moments of the lecture: no coupling, weak and strong synchrony (g_max in units of 1/num)."""
    return {"asynchronous": {'g_max': 0.0, 'input0': 1.2},
            "weak synchrony": {'g_max': 0.1 / num, 'input0': 1.2},
            "strong synchrony": {'g_max': 0.3 / num, 'input0': 1.2}}


def point(g_max: float, input: float, num: int = 100, duration: float = 300., seed: int = 0) -> dict[str, float]:
    """One run of the gamma network as the explorer runs it (same seed, same spikes): its summary measures."""
    net, neu, syn = bp.models.gamma_network(num)
    syn.pars['g_max'] = g_max
    net.reseed(seed)
    net.run(duration, inputs=[(neu, 'ST.input', input)])
    return bp.measure.population_summary(neu.mon.spike_events, net.dt)


def sweep(network: NetworkExplorer, size: int = 10, n_workers: int = 2, client=None) -> SweepExplorer:
    """A ``size`` x ``size`` sweep of g_max (rows) and input (columns) over the sliders' ranges, replayed in
    ``network`` on a click."""
    num = network.group.num
    g_low, g_high = network.panels[0].ranges['g_max']
    i_low, i_high = network.panels[-1].ranges['input0']
    grid = {'g_max': np.linspace(g_low, g_high, size), 'input': np.linspace(max(i_low, 0.3), i_high, size)}
    return SweepExplorer(point, grid, MEASURES, explorer=network,
                         fixed={"num": num, "duration": network.runner.duration}, n_workers=n_workers, client=client)


class GammaLab:
    """The explorer and its sweep in two tabs; picking a sweep cell shows its run in the explorer's tab.

    The sweep's widgets are made when its tab is first opened (or :attr:`sweep` first read): until then the
    page has only the explorer's widgets to load and draw, which is what a student arriving looks at."""

    def __init__(self, num: int = 100, duration: float = 300., sweep_size: int = 10):
        self.explorer = explorer(num, duration)
        self.runner = self.explorer.runner
        self._sweep_size = sweep_size
        self._sweep: SweepExplorer | None = None
        self.widget = widgets.Tab([self.explorer.widget, widgets.VBox()], titles=("network", "sweep"))
        self.widget.observe(self._tab_opened, names="selected_index")

    @property
    def sweep(self) -> SweepExplorer:
        """The g_max x input sweep, made (and put in its tab) on first use."""
        if self._sweep is None:
            self._sweep = sweep(self.explorer, self._sweep_size)
            self._sweep.on_select.append(lambda row, column: setattr(self.widget, "selected_index", 0))
            self.widget.children = [self.explorer.widget, self._sweep.widget]
        return self._sweep

    def _tab_opened(self, change) -> None:
        if change["new"] == 1:
            self.sweep  # noqa: B018 - made on first opening


def dashboard(projector: bool | None = None) -> NetworkDashboard:
    """The dashboard: network size (rebuilds), g_max and input (re-run), streaming raster, rate, coherence,
    and a g_max x input sweep, in its lecture frame."""
    size = widgets.IntSlider(value=100, min=10, max=300, step=10, description="neurons", continuous_update=False)
    return NetworkDashboard("gamma", title("Gamma oscillation", "HH interneurons with all-to-all GABA_A "
                                                                "inhibition; raise g_max to synchronise them."),
                            size, lambda num: GammaLab(int(np.clip(num, 10, 300))), projector)


def app() -> widgets.Widget:
    """The dashboard's widget."""
    return dashboard().widget
