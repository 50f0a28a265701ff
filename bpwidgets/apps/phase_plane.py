"""PhasePlaneExplorer: a live phase plane of a NeuType; click to launch trajectories."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps.explorer import Explorer
from bpwidgets.params import ParameterPanel
from bpwidgets.plots.phase import PhasePlaneFigure
from bpwidgets.shared_results import shared

__all__ = ["PhasePlaneExplorer"]


class PhasePlaneExplorer(Explorer):
    """Nullclines, vector field, fixed points and trajectories of a two-variable model, redrawn as sliders move.

    Parameters
    ----------
    model : bp.NeuType
    target_vars : dict
        Two variables -> [min, max].
    fixed_vars : dict, optional
        Values of the other derivative arguments (each gets a slider).
    params : list of str, optional
        Model parameters to expose (default: every scalar parameter used by the equations).
    ranges : dict, optional
        Slider ranges.
    duration : float
        Length of launched trajectories (ms).
    """

    def __init__(self, model: bp.NeuType, target_vars: dict, fixed_vars: dict | None = None,
                 params: list[str] | None = None, ranges: dict | None = None, duration: float = 100.0):
        super().__init__()
        self.model = model
        self.target_vars = {k: tuple(map(float, v)) for k, v in target_vars.items()}
        if len(self.target_vars) != 2:
            raise bp.errors.ModelUseError("PhasePlaneExplorer draws two variables; give two target_vars.")
        self.fixed = {k: float(v) for k, v in (fixed_vars or {}).items()}
        names = params if params is not None else [p for p in model.pars if np.ndim(model.pars[p]) == 0]
        self.values = {**self.fixed, **{p: float(model.pars[p]) for p in names}}
        self.panel = ParameterPanel(self.values, ranges=ranges)
        self.duration = float(duration)
        self.names = list(self.target_vars)
        self.plot = PhasePlaneFigure(self.names, self.target_vars, on_click=self._clicked)
        self._starts: list[dict] = []
        self._analyzer: bp.PhasePortraitAnalyzer | None = None
        self._drawn: dict[str, float] = dict(self.values)
        self.panel.on_change(lambda name, value: self.redraw())
        clear = widgets.Button(description="Clear trajectories", layout=widgets.Layout(width="auto", flex="0 0 auto"))
        clear.on_click(lambda _: self.clear_trajectories())
        self.controls = widgets.VBox([self.panel.widget, widgets.HBox([clear, self.info_line]), self.error_line])
        """The sliders, the clear button and the message lines, for a dashboard that lays them out itself."""
        self.widget = widgets.VBox([self.controls, self.plot.figure, self.plot.click_through])
        self.redraw()

    def analyzer(self, values: dict[str, float] | None = None) -> bp.PhasePortraitAnalyzer:
        """The analyzer for the current slider values (or for ``values``)."""
        values = self.values if values is None else values
        fixed = {k: values[k] for k in self.fixed}
        pars = {k: v for k, v in values.items() if k not in self.fixed}
        return bp.PhasePortraitAnalyzer(self.model, self.target_vars, fixed_vars=fixed, pars_update=pars)

    def _parts(self, values: dict[str, float]) -> list:
        # everything besides the model that decides the portrait and the trajectories
        return [self.target_vars, values, sorted(self.fixed)]

    def _drawn_analyzer(self) -> bp.PhasePortraitAnalyzer:
        # the analyzer of the portrait shown, built on first use where the portrait was read from a recording
        if self._analyzer is None:
            self._analyzer = self.analyzer(self._drawn)
        return self._analyzer

    def redraw(self) -> None:
        """Recompute and redraw everything for the current values (trajectories are relaunched); a portrait the
        warm-up recorded for these values is read instead (:mod:`bpwidgets.shared_results`)."""
        values = dict(self.values)
        made: list[bp.PhasePortraitAnalyzer] = []

        def compute() -> list:
            made.append(self.analyzer(values))
            return [made[0].fixed_points(), made[0].nullclines(), made[0].vector_field()]

        try:
            self.fixed_points, nullclines, grid = shared("phase portrait", self.model, self._parts(values), compute)
        except Exception as err:  # shown in the widget, the last good picture stays
            self.report(err)
            return
        self.error = ""
        self._analyzer, self._drawn = (made[0] if made else None), values
        self.plot.show_cycle(None, None)  # a cycle drawn for other parameter values no longer belongs here
        self.plot.show_nullclines(nullclines)
        self.plot.show_field(grid)
        self.plot.show_fixed_points(self.fixed_points)
        self.info = ("; ".join(f"{p.stability} at ({p.position[self.names[0]]:.3f}, "
                                                f"{p.position[self.names[1]]:.3f})" for p in self.fixed_points))
        starts, self._starts = self._starts, []
        self.plot.clear_trajectories()
        for start in starts:
            self.launch(start)

    def _clicked(self, x: float, y: float) -> None:
        # a click on the frame's edge lands a hair outside the axes' range: it means the edge
        start = {}
        for name, value in zip(self.names, (x, y)):
            lo, hi = self.target_vars[name]
            start[name] = float(np.clip(value, lo, hi)) if np.isfinite(value) else value
        self.launch(start)

    def launch(self, initial: dict[str, float]) -> None:
        """Add the trajectory starting at ``initial`` (values outside the plane are refused)."""
        try:
            for name in self.names:
                value = float(initial[name])
                lo, hi = self.target_vars[name]
                if not np.isfinite(value) or not lo <= value <= hi:
                    raise bp.errors.ModelUseError(f"start {name}={value!r} lies outside [{lo}, {hi}].")
            start = {name: float(initial[name]) for name in self.names}
            trajectory = shared("phase plane trajectory", self.model, [*self._parts(self._drawn), start, self.duration],
                                lambda: self._drawn_analyzer().trajectory(start, self.duration))
        except Exception as err:
            self.report(err)
            return
        self._starts.append(dict(initial))
        self.plot.add_trajectory(trajectory.values[self.names[0]], trajectory.values[self.names[1]])

    def clear_trajectories(self) -> None:
        """Remove every trajectory."""
        self._starts = []
        self.plot.clear_trajectories()

    def show_cycle(self, times: np.ndarray, states: dict[str, np.ndarray]) -> None:
        """Draw a periodic orbit (for example one picked in a linked BifurcationExplorer)."""
        self.plot.show_cycle(states[self.names[0]], states[self.names[1]])

    def hide_cycle(self) -> None:
        """Remove the drawn periodic orbit."""
        self.plot.show_cycle(None, None)


