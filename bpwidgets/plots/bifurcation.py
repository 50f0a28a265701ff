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
    """Branches (stable solid, unstable dashed), bifurcation points, limit-cycle extremes, a parameter marker."""

    def __init__(self, par: str, var: str, par_range, var_range):
        self.par, self.var = par, var
        self.x_scale = bq.LinearScale(min=par_range[0], max=par_range[1])
        self.y_scale = bq.LinearScale(min=var_range[0], max=var_range[1])
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.stable = bq.Lines(x=np.zeros((1, 2)), y=np.zeros((1, 2)), scales=scales, colors=["black"],
                               stroke_width=2)
        self.unstable = bq.Lines(x=np.zeros((1, 2)), y=np.zeros((1, 2)), scales=scales, colors=["black"],
                                 line_style="dashed", stroke_width=1)
        self.points = bq.Scatter(x=[], y=[], scales=scales, colors=["#d62728"], default_size=60)
        self.cycles = bq.Scatter(x=[], y=[], scales=scales, colors=["#2ca02c"], default_size=8)
        self.marker = bq.Lines(x=[0.0, 0.0], y=list(var_range), scales=scales, colors=["#1f77b4"],
                               stroke_width=1.5)
        axes = [bq.Axis(scale=self.x_scale, label=par), bq.Axis(scale=self.y_scale, side="left", label=var)]
        self.figure = bq.Figure(marks=[self.stable, self.unstable, self.cycles, self.points, self.marker], axes=axes,
                                layout={"width": "520px", "height": "420px"},
                                fig_margin={"top": 20, "bottom": 45, "left": 55, "right": 15})

    def show(self, branches, points, cycles, var_index: int) -> None:
        """Draw branches, bifurcation points and the limit-cycle envelope."""
        stable_curves, unstable_curves = [], []
        for branch in branches:
            stable = np.array([s.startswith("stable") for s in branch.stability])
            stable_curves += _segments(branch.par, branch.states[:, var_index], stable)
            unstable_curves += _segments(branch.par, branch.states[:, var_index], ~stable)
        for mark, curves in ((self.stable, stable_curves), (self.unstable, unstable_curves)):
            xs, ys = _as_lines(curves)
            with mark.hold_sync():
                mark.x, mark.y = xs, ys
                mark.visible = bool(curves)
        with self.points.hold_sync():
            self.points.x = np.array([p.par[self.par] for p in points])
            self.points.y = np.array([p.state[self.var] for p in points])
        with self.cycles.hold_sync():
            if cycles is not None and cycles.par.size:
                self.cycles.x = np.concatenate([cycles.par, cycles.par])
                self.cycles.y = np.concatenate([cycles.maximum[self.var], cycles.minimum[self.var]])
            else:
                self.cycles.x, self.cycles.y = [], []

    def move_marker(self, value: float) -> None:
        """Put the vertical marker at parameter ``value``."""
        self.marker.x = [value, value]
