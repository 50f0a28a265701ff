"""A bqplot phase plane: nullclines, vector field, fixed points by stability, trajectories, click to launch."""

from __future__ import annotations

from typing import Callable

import bqplot as bq
import ipywidgets as widgets
import numpy as np

__all__ = ["PhasePlaneFigure", "STABILITY_COLORS"]

STABILITY_COLORS = {
    "stable point": "#1f77b4", "unstable point": "#d62728", "stable node": "#1f77b4", "unstable node": "#d62728",
    "stable focus": "#17becf", "unstable focus": "#ff7f0e", "saddle": "#9467bd", "center": "#2ca02c",
    "degenerate": "#000000",
}


class PhasePlaneFigure:
    """The marks of a phase plane, updated from an analyzer's data.

    Parameters
    ----------
    names : (str, str)
        The two variables.
    ranges : dict
        Variable -> (min, max).
    on_click : callable, optional
        Called with (x, y) when the plane is clicked.
    """

    def __init__(self, names, ranges, on_click: Callable[[float, float], None] | None = None):
        self.names = list(names)
        (x0, x1), (y0, y1) = ranges[self.names[0]], ranges[self.names[1]]
        self.x_scale = bq.LinearScale(min=x0, max=x1)
        self.y_scale = bq.LinearScale(min=y0, max=y1)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.field = bq.Lines(x=np.zeros((1, 2)), y=np.zeros((1, 2)), scales=scales, colors=["#bbbbbb"],
                              stroke_width=1)
        self.nullclines = [bq.Scatter(x=[], y=[], scales=scales, default_size=4, colors=[c],
                                      labels=[f"d{n}/dt = 0"]) for n, c in zip(self.names, ["#2ca02c", "#9467bd"])]
        self.trajectories = bq.Lines(x=np.zeros((1, 2)), y=np.zeros((1, 2)), scales=scales, colors=["#d62728"],
                                     stroke_width=1.5, visible=False)
        self.points = bq.Scatter(x=[], y=[], scales=scales, default_size=90, colors=["black"], stroke="black")
        self.cycle = bq.Lines(x=[0.0, 0.0], y=[0.0, 0.0], scales=scales, colors=["#ff7f0e"], stroke_width=3,
                              visible=False)
        # clicks on the plane add a point to this invisible-looking mark; its new point launches a trajectory
        self.launcher = bq.Scatter(x=[], y=[], scales=scales, default_size=1, colors=["#00000000"],
                                   interactions={"click": "add"})
        self._on_click = on_click
        self.launcher.observe(self._clicked, names=["y"])
        axes = [bq.Axis(scale=self.x_scale, label=self.names[0]),
                bq.Axis(scale=self.y_scale, side="left", label=self.names[1])]
        self.figure = bq.Figure(marks=[self.field, *self.nullclines, self.trajectories, self.cycle, self.points,
                                       self.launcher],
                                axes=axes, layout={"width": "520px", "height": "480px"},
                                fig_margin={"top": 20, "bottom": 45, "left": 55, "right": 15},
                                display_toolbar=False)  # its buttons sit on the plane, where a click launches
        # a click that lands on a field segment, a nullcline dot or a trajectory would stop at that mark and
        # never reach the plane: the marks let clicks through, so every point of the plane launches one
        self.figure.add_class("bp-phase-plane")
        self.click_through = widgets.HTML("<style>.bp-phase-plane g.mark, .bp-phase-plane g.mark * "
                                          "{ pointer-events: none !important; }</style>",
                                          layout=widgets.Layout(display="none"))
        self._lines: list[tuple[np.ndarray, np.ndarray]] = []

    def _clicked(self, change: dict) -> None:
        if self._on_click is None or len(self.launcher.x) == 0 or len(self.launcher.y) == 0:
            return
        x, y = float(self.launcher.x[-1]), float(self.launcher.y[-1])
        self._on_click(x, y)

    def show_field(self, grid) -> None:
        """Draw normalised direction segments of a vector-field grid."""
        gx, gy = grid.grid[self.names[0]], grid.grid[self.names[1]]
        dx, dy = grid.derivatives[self.names[0]], grid.derivatives[self.names[1]]
        sx = (self.x_scale.max - self.x_scale.min) / 40
        sy = (self.y_scale.max - self.y_scale.min) / 40
        norm = np.hypot(dx / sx, dy / sy)
        norm[norm == 0] = 1
        x0, y0 = gx.ravel(), gy.ravel()
        x1, y1 = x0 + (dx / norm).ravel(), y0 + (dy / norm).ravel()
        with self.field.hold_sync():
            self.field.x = np.stack([x0, x1], axis=1)
            self.field.y = np.stack([y0, y1], axis=1)

    def show_nullclines(self, nullclines) -> None:
        """Draw the nullcline points."""
        for mark, null in zip(self.nullclines, nullclines):
            x, y = null.points[self.names[0]], null.points[self.names[1]]
            keep = ~np.isnan(x)
            with mark.hold_sync():
                mark.x = x[keep]
                mark.y = y[keep]

    def show_fixed_points(self, points) -> None:
        """Draw fixed points coloured by stability."""
        with self.points.hold_sync():
            self.points.x = np.array([p.position[self.names[0]] for p in points])
            self.points.y = np.array([p.position[self.names[1]] for p in points])
            self.points.colors = [STABILITY_COLORS[p.stability] for p in points] or ["black"]
            self.points.tooltip = None

    def show_cycle(self, xs: np.ndarray | None, ys: np.ndarray | None) -> None:
        """Draw a periodic orbit (or hide it, given None)."""
        if xs is None:
            self.cycle.visible = False
            return
        with self.cycle.hold_sync():
            self.cycle.x, self.cycle.y = np.asarray(xs), np.asarray(ys)
            self.cycle.visible = True

    def add_trajectory(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Add one trajectory line."""
        self._lines.append((np.asarray(xs), np.asarray(ys)))
        self._draw_trajectories()

    def clear_trajectories(self) -> None:
        """Remove every trajectory."""
        self._lines = []
        self._draw_trajectories()

    def _draw_trajectories(self) -> None:
        if not self._lines:
            self.trajectories.visible = False
            return
        length = max(x.size for x, _ in self._lines)
        xs = np.full((len(self._lines), length), np.nan)
        ys = np.full((len(self._lines), length), np.nan)
        for k, (x, y) in enumerate(self._lines):
            xs[k, :x.size], ys[k, :y.size] = x, y
            xs[k, x.size:], ys[k, y.size:] = x[-1], y[-1]  # pad with the end point
        with self.trajectories.hold_sync():
            self.trajectories.x, self.trajectories.y = xs, ys
            self.trajectories.visible = True
