"""A bqplot codimension-1 bifurcation diagram with a marker at the current parameter value."""

from __future__ import annotations

import bqplot as bq
import numpy as np

from bpwidgets.plots.figures import margins, size_figure
from bpwidgets.plots.labels import PlacedLabel, place_labels
from bpwidgets.plots.theme import NORMAL_FONT, color, style_sheet

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
    points labelled with AUTO's names (near points share one label, no label overlaps another or leaves the
    plot), a marker at the current parameter value, and clicks on the diagram. Colours follow the page's
    theme (:mod:`bpwidgets.plots.theme`; :attr:`style` carries its style sheet).

    Parameters
    ----------
    par, var : str
        The parameter (horizontal axis) and the variable (vertical axis).
    par_range, var_range : pair of float
    on_click : callable, optional
        Called with (parameter, value) when the diagram is clicked.
    units : dict, optional
        Name -> unit, shown on the axes ("I_ext (uA/cm2)").
    """

    def __init__(self, par: str, var: str, par_range, var_range, on_click=None, units: dict | None = None):
        self.par, self.var = par, var
        self.x_scale = bq.LinearScale(min=par_range[0], max=par_range[1])
        self.y_scale = bq.LinearScale(min=var_range[0], max=var_range[1])
        scales = {"x": self.x_scale, "y": self.y_scale}

        def lines(name, dashed, width):
            return bq.Lines(x=np.zeros((1, 2)), y=np.zeros((1, 2)), scales=scales, colors=[color(name)],
                            stroke_width=width, line_style="dashed" if dashed else "solid", visible=False)

        self.stable, self.unstable = lines("ink", False, 2), lines("ink", True, 1.5)
        self.stable_cycles, self.unstable_cycles = lines("cycle", False, 2), lines("cycle", True, 1.5)
        # the names stay on the points (for tooltips and readers), shown by the placed labels, not by the scatter
        self.points = bq.Scatter(x=[], y=[], scales=scales, colors=[color("point")], default_size=50, names=[],
                                 display_names=False)
        self.labels = bq.Label(x=[], y=[], text=[], scales=scales, colors=[color("point")], align="start",
                               default_size=NORMAL_FONT + 1, font_weight="bold")
        self.marker = bq.Lines(x=[0.0, 0.0], y=list(var_range), scales=scales, colors=[color("marker")],
                               stroke_width=1.5)
        # Clicks anywhere add a point to this transparent mark, drawn last so nothing above it eats a click.
        self.picker = bq.Scatter(x=[], y=[], scales=scales, default_size=1, colors=["#00000000"],
                                 interactions={"click": "add"})
        self._on_click = on_click
        self.picker.observe(self._clicked, names=["y"])
        units = units or {}
        axes = [bq.Axis(scale=self.x_scale, label=_with_unit(par, units)),
                bq.Axis(scale=self.y_scale, side="left", label=_with_unit(var, units))]
        self.font = NORMAL_FONT
        self.figure = bq.Figure(marks=[self.stable, self.unstable, self.stable_cycles, self.unstable_cycles,
                                       self.points, self.labels, self.marker, self.picker], axes=axes,
                                layout={"width": "520px", "height": "420px"}, fig_margin=margins(self.font))
        self.figure.add_class("bp-bifurcation")
        self.style = style_sheet()
        self._special: list[tuple[float, float, str]] = []
        self.placed: list[PlacedLabel] = []
        """The labels as last placed (pixels of the plot area)."""

    def resize(self, width: int, height: int, font: float) -> None:
        """Size the figure in pixels for tick labels of ``font`` px, and place the labels again."""
        self.font = font
        size_figure(self.figure, width, height, font)
        self.labels.default_size = font + 1
        self._place_labels()

    def _plot_area(self) -> tuple[float, float]:
        margin = self.figure.fig_margin
        width = float(str(self.figure.layout.width).rstrip("px"))
        height = float(str(self.figure.layout.height).rstrip("px"))
        return width - margin["left"] - margin["right"], height - margin["top"] - margin["bottom"]

    def _place_labels(self) -> None:
        """Group and place the special points' labels for the figure's current size and font."""
        width, height = self._plot_area()
        (x0, x1), (y0, y1) = (self.x_scale.min, self.x_scale.max), (self.y_scale.min, self.y_scale.max)
        points = [((x - x0) / (x1 - x0) * width, (y1 - y) / (y1 - y0) * height, name)
                  for x, y, name in self._special if np.isfinite(x) and np.isfinite(y)
                  and x0 <= x <= x1 and y0 <= y <= y1]
        self.placed = place_labels(points, width, height, self.font + 1)
        anchors = [label.anchor for label in self.placed]
        with self.labels.hold_sync():
            self.labels.x = np.array([x0 + ax / width * (x1 - x0) for ax, _ in anchors])
            self.labels.y = np.array([y1 - ay / height * (y1 - y0) for _, ay in anchors])
            self.labels.text = [label.text for label in self.placed]
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
        self._special = list(zip(xs, ys, names))
        self._place_labels()

    def move_marker(self, value: float) -> None:
        """Put the vertical marker at parameter ``value``."""
        self.marker.x = [value, value]


def _with_unit(name: str, units: dict) -> str:
    return f"{name} ({units[name]})" if units.get(name) else name
