"""Small helpers for bqplot line figures."""

from __future__ import annotations

import bqplot as bq
import numpy as np

__all__ = ["line_figure", "set_lines"]


def line_figure(x_label: str, y_label: str, title: str = "", n_lines: int = 1, height: str = "220px"):
    """A figure with one Lines mark (``n_lines`` curves); returns (figure, lines)."""
    x_scale, y_scale = bq.LinearScale(), bq.LinearScale()
    lines = bq.Lines(x=np.zeros((n_lines, 2)), y=np.zeros((n_lines, 2)), scales={"x": x_scale, "y": y_scale},
                     stroke_width=1.2)
    axes = [bq.Axis(scale=x_scale, label=x_label), bq.Axis(scale=y_scale, side="left", label=y_label)]
    figure = bq.Figure(marks=[lines], axes=axes, title=title, fig_margin={"top": 30, "bottom": 40, "left": 55,
                                                                           "right": 15},
                       layout={"height": height, "width": "640px", "max_width": "100%"})
    return figure, lines


def set_lines(lines: bq.Lines, x: np.ndarray, y: np.ndarray) -> None:
    """Replace a Lines mark's data in one front-end update."""
    with lines.hold_sync():
        lines.x = x
        lines.y = y
