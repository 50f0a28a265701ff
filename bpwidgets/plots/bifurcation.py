"""A bqplot codimension-1 bifurcation diagram with a marker at the current parameter value."""

from __future__ import annotations

import bqplot as bq
import numpy as np

__all__ = ["BifurcationFigure"]


def _segments(par: np.ndarray, values: np.ndarray, mask: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The contiguous runs of a branch where ``mask`` holds, each as its own curve."""
    runs, start = [], None
    for k, keep in enumerate(list(mask) + [False]):
        if keep and start is None:
            start = k
        elif not keep and start is not None:
            runs.append((par[start:k], values[start:k]))
            start = None
    return runs


def _as_lines(curves: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Stack curves of different lengths, each padded with its own last point (bqplot places a label
    at every curve's end, so a curve must not end in NaN)."""
    if not curves:
        return np.zeros((1, 2)), np.zeros((1, 2))
    length = max(len(x) for x, _ in curves)
    xs = np.array([np.pad(x, (0, length - len(x)), mode="edge") for x, _ in curves])
    ys = np.array([np.pad(y, (0, length - len(y)), mode="edge") for _, y in curves])
    return xs, ys


class BifurcationFigure:
    """Equilibria and periodic orbits (their maxima and minima), stable solid and unstable dashed, special
    points labelled with AUTO's names, a marker at the current parameter value, and clicks on the diagram.

    Parameters
    ----------
    par, var : str
        The parameter (horizontal axis) and the variable (vertical axis).
    par_range, var_range : pair of float
    on_click : callable, optional
        Called with (parameter, value) when the diagram is clicked.
    """

    def __init__(self, par: str, var: str, par_range, var_range, on_click=None):
        self.par, self.var = par, var
        self.x_scale = bq.LinearScale(min=par_range[0], max=par_range[1])
        self.y_scale = bq.LinearScale(min=var_range[0], max=var_range[1])
        scales = {"x": self.x_scale, "y": self.y_scale}

        def lines(color, dashed, width):
            return bq.Lines(x=np.zeros((1, 2)), y=np.zeros((1, 2)), scales=scales, colors=[color], stroke_width=width,
                            line_style="dashed" if dashed else "solid", visible=False)

        self.stable, self.unstable = lines("black", False, 2), lines("black", True, 1)
        self.stable_cycles, self.unstable_cycles = lines("#2ca02c", False, 2), lines("#2ca02c", True, 1)
        self.points = bq.Scatter(x=[], y=[], scales=scales, colors=["#d62728"], default_size=50, names=[],
                                 display_names=True)
        self.marker = bq.Lines(x=[0.0, 0.0], y=list(var_range), scales=scales, colors=["#1f77b4"],
                               stroke_width=1.5)
        # Clicks anywhere add a point to this transparent mark, drawn last so nothing above it eats a click.
        self.picker = bq.Scatter(x=[], y=[], scales=scales, default_size=1, colors=["#00000000"],
                                 interactions={"click": "add"})
        self._on_click = on_click
        self.picker.observe(self._clicked, names=["y"])
        axes = [bq.Axis(scale=self.x_scale, label=par), bq.Axis(scale=self.y_scale, side="left", label=var)]
        self.figure = bq.Figure(marks=[self.stable, self.unstable, self.stable_cycles, self.unstable_cycles,
                                       self.points, self.marker, self.picker], axes=axes,
                                layout={"width": "520px", "height": "420px"},
                                fig_margin={"top": 20, "bottom": 45, "left": 55, "right": 15})

    def _clicked(self, change: dict) -> None:
        if self._on_click is None or len(self.picker.x) == 0 or len(self.picker.y) == 0:
            return
        self._on_click(float(self.picker.x[-1]), float(self.picker.y[-1]))

    @staticmethod
    def _draw(mark, curves) -> None:
        xs, ys = _as_lines(curves)
        with mark.hold_sync():
            mark.x, mark.y = xs, ys
            mark.visible = bool(curves)

    def show(self, branches, cycles, var_index: int) -> None:
        """Draw equilibrium branches and cycle branches with their special points."""
        stable_curves, unstable_curves = [], []
        for branch in branches:
            stable_curves += _segments(branch.par, branch.states[:, var_index], branch.stable)
            unstable_curves += _segments(branch.par, branch.states[:, var_index], ~branch.stable)
        cycle_stable, cycle_unstable = [], []
        for cycle in cycles:
            for extreme in (cycle.maximum[self.var], cycle.minimum[self.var]):
                cycle_stable += _segments(cycle.par, extreme, cycle.stable)
                cycle_unstable += _segments(cycle.par, extreme, ~cycle.stable)
        self._draw(self.stable, stable_curves)
        self._draw(self.unstable, unstable_curves)
        self._draw(self.stable_cycles, cycle_stable)
        self._draw(self.unstable_cycles, cycle_unstable)
        xs, ys, names = [], [], []
        for branch in branches:
            for point in branch.special:
                xs.append(point.par[self.par])
                ys.append(point.state[self.var])
                names.append(point.label)
        for cycle in cycles:
            for point in cycle.special:
                k = int(np.argmin(np.abs(cycle.par - point.par[self.par])))
                xs.append(point.par[self.par])
                ys.append(cycle.maximum[self.var][k])
                names.append(point.label)
        with self.points.hold_sync():
            self.points.x, self.points.y, self.points.names = np.array(xs), np.array(ys), names

    def move_marker(self, value: float) -> None:
        """Put the vertical marker at parameter ``value``."""
        self.marker.x = [value, value]
