"""Small helpers for bqplot line figures."""

from __future__ import annotations

import bqplot as bq
import numpy as np

from bpwidgets.plots.decimate import decimate_lines
from bpwidgets.plots.theme import NORMAL_FONT, color

__all__ = ["line_figure", "set_lines", "margins", "size_figure", "nice_ticks"]


def line_figure(x_label: str, y_label: str, title: str = "", n_lines: int = 1, height: str = "220px",
                x_range: tuple[float, float] | None = None, y_range: tuple[float, float] | None = None):
    """A figure with one Lines mark (``n_lines`` curves); returns (figure, lines). Axes without a range
    follow the data, with round ticks over the data drawn by :func:`set_lines`; with one (``x_range``,
    ``y_range``) they get round ticks over the range (:func:`size_figure`)."""
    x_scale, y_scale = (bq.LinearScale(**({"min": r[0], "max": r[1]} if r else {})) for r in (x_range, y_range))
    lines = bq.Lines(x=np.zeros((n_lines, 2)), y=np.zeros((n_lines, 2)), scales={"x": x_scale, "y": y_scale},
                     stroke_width=1.5, colors=[color(name) for name in ("marker", "accent", "cycle", "point")])
    axes = [bq.Axis(scale=x_scale, label=x_label), bq.Axis(scale=y_scale, side="left", label=y_label)]
    figure = bq.Figure(marks=[lines], axes=axes, title=title, fig_margin=margins(NORMAL_FONT, title=bool(title)),
                       layout={"height": height, "width": "640px", "max_width": "100%"})
    lines._bp_axes = axes  # the axes set_lines gives round ticks over the data
    for axis in axes:
        axis.scale.observe(lambda _change, axis=axis: _fit_ticks(axis), names=["min", "max"])
    return figure, lines


def set_lines(lines: bq.Lines, x: np.ndarray, y: np.ndarray) -> None:
    """Replace a Lines mark's data in one front-end update, thinned to what a figure can show
    (:func:`~bpwidgets.plots.decimate.decimate_lines`: every peak and trough kept)."""
    x, y = decimate_lines(x, y)
    with lines.hold_sync():
        lines.x = x
        lines.y = y
    for axis, values in zip(getattr(lines, "_bp_axes", ()), (x, y)):
        if axis.scale.min is None or axis.scale.max is None:  # the axis follows the data: round ticks over it
            values = np.asarray(values, dtype=float)
            finite = values[np.isfinite(values)]
            if finite.size:
                axis._bp_data_range = (float(finite.min()), float(finite.max()))
                _fit_ticks(axis)


def margins(font: float, title: bool = False) -> dict[str, int]:
    """Figure margins (px) that hold tick labels of ``font`` px and the axis labels beside them."""
    return {"top": int(round(2.0 * font + 6)) if title else int(round(font + 8)), "bottom": int(round(3.3 * font)),
            "left": int(round(4.6 * font)), "right": int(round(1.3 * font))}


def size_figure(figure: bq.Figure, width: int, height: int, font: float) -> None:
    """Give ``figure`` a size in pixels, the margins its ``font`` px labels need, and as many ticks as fit
    without their labels touching."""
    margin = margins(font, title=bool(figure.title))
    plot_width = width - margin["left"] - margin["right"]
    plot_height = height - margin["top"] - margin["bottom"]
    with figure.hold_sync():
        figure.layout.width, figure.layout.height = f"{int(width)}px", f"{int(height)}px"
        figure.fig_margin = margin
    for axis in figure.axes:
        vertical = axis.orientation == "vertical" or axis.side in ("left", "right")
        count = max(3, int(plot_height / (2.2 * font) if vertical else plot_width / (3.2 * font)))
        axis._bp_tick_count = count
        if not _fit_ticks(axis):  # no range yet: a format of its own, bqplot's guess from an empty domain is invalid
            axis.num_ticks, axis.tick_format = count, ".3~g"


DEFAULT_TICKS = 5
"""Ticks of an axis that :func:`size_figure` has not sized."""


def _fit_ticks(axis: bq.Axis) -> bool:
    """Give ``axis`` round tick values over its scale's fixed range or else over the data last drawn on it
    (:func:`set_lines`), as many as :func:`size_figure` found room for; the front end hears of them only when
    they change. Returns whether a range was known."""
    low, high = axis.scale.min, axis.scale.max
    if low is None or high is None:
        low, high = getattr(axis, "_bp_data_range", (None, None))
    if low is None or high is None:
        return False
    ticks = nice_ticks(low, high, getattr(axis, "_bp_tick_count", DEFAULT_TICKS))
    current = axis.tick_values
    if current is None or len(current) != len(ticks) or not np.allclose(current, ticks, rtol=0, atol=1e-12):
        axis.tick_values = ticks
    return True


def nice_ticks(low: float, high: float, count: int) -> np.ndarray:
    """About ``count`` round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) within [low, high], at
    least two."""
    span = float(high) - float(low)
    if not np.isfinite(span) or span <= 0:
        return np.array([low])
    raw = span / max(1, count - 1)
    power = 10.0 ** np.floor(np.log10(raw))
    steps = [m * power for m in (1, 2, 2.5, 5, 10)]
    index = next(i for i, step in enumerate(steps) if step >= raw)
    while True:  # the least round step that fits, a finer one where it would leave a single tick
        step = steps[index]
        start = np.ceil(low / step - 1e-9) * step
        ticks = np.round(np.arange(start, high + 1e-9 * step, step), 12) + 0.0  # no -0
        if len(ticks) >= 2 or index == 0:
            return ticks
        index -= 1
