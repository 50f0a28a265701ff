"""BifurcationExplorer: a codimension-1 diagram with a marker at the current parameter value."""

from __future__ import annotations

import ipywidgets as widgets

import bp_core as bp
from bpwidgets.params import ParameterPanel
from bpwidgets.plots.bifurcation import BifurcationFigure
from bpwidgets.text import error_html

__all__ = ["BifurcationExplorer"]


class BifurcationExplorer:
    """Fixed-point branches, fold and Hopf points and the limit-cycle extent along one parameter.

    The slider of the bifurcation parameter moves the marker; sliders of the other
    parameters recompute the diagram.

    Parameters
    ----------
    model : bp.NeuType
    target_par : dict
        One parameter -> [min, max].
    dynamical_vars : dict
        Variables -> [min, max].
    plot_var : str, optional
        Variable on the vertical axis (default: the first).
    fixed_vars : dict, optional
    params : list of str, optional
        Other model parameters to expose.
    par_resolution : float
    """

    def __init__(self, model: bp.NeuType, target_par: dict, dynamical_vars: dict, plot_var: str | None = None,
                 fixed_vars: dict | None = None, params: list[str] | None = None, par_resolution: float = 0.01):
        if len(target_par) != 1:
            raise bp.errors.ModelUseError("BifurcationExplorer draws one parameter; give one target_par.")
        self.model = model
        self.par, (lo, hi) = next(iter(target_par.items()))
        self.par_range = (float(lo), float(hi))
        self.dynamical_vars = dynamical_vars
        self.var = plot_var or next(iter(dynamical_vars))
        self.fixed = {k: float(v) for k, v in (fixed_vars or {}).items()}
        names = params if params is not None else []
        self.values = {**self.fixed, **{p: float(model.pars[p]) for p in names}}
        self.resolution = par_resolution
        self.marker_panel = ParameterPanel({self.par: 0.5 * (lo + hi)}, ranges={self.par: self.par_range})
        self.marker_panel.on_change(lambda name, value: self.plot.move_marker(value))
        self.panel = ParameterPanel(self.values) if self.values else None
        if self.panel is not None:
            self.panel.on_change(lambda name, value: self.redraw())
        self.plot = BifurcationFigure(self.par, self.var, self.par_range, dynamical_vars[self.var])
        self.error = widgets.HTML("")
        self.plot.move_marker(0.5 * (lo + hi))
        children = [self.marker_panel.widget] + ([self.panel.widget] if self.panel else [])
        self.widget = widgets.VBox(children + [self.error, self.plot.figure])
        self.redraw()

    def redraw(self) -> None:
        """Recompute the diagram for the current values of the other parameters."""
        fixed = {k: self.values[k] for k in self.fixed}
        pars = {k: v for k, v in self.values.items() if k not in self.fixed}
        try:
            analyzer = bp.BifurcationAnalyzer(self.model, {self.par: self.par_range}, self.dynamical_vars,
                                              fixed_vars=fixed, pars_update=pars, par_resolution=self.resolution)
            self.branches = analyzer.branches()
            self.points = analyzer.bifurcation_points()
            cycles = analyzer.limit_cycles(samples=15) if any(p.kind == "hopf" for p in self.points) else None
        except Exception as err:
            self.error.value = error_html(f"{type(err).__name__}: {err}")
            return
        self.error.value = ""
        self.plot.show(self.branches, self.points, cycles, list(self.dynamical_vars).index(self.var))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


