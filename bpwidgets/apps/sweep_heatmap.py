"""SweepHeatmap: a grid of points drawn from two binary arrays (values, states), repainted in the browser."""

from __future__ import annotations

from typing import Any, Callable

import anywidget
import numpy as np
from traitlets import Bytes, Int, List, Unicode, default

from bpwidgets.bundle import SWEEP_HEATMAP_MODULE
from bpwidgets.controls import BrowserGuard
from bpwidgets.traits import array_to_bytes

__all__ = ["SweepHeatmap", "PENDING", "OK", "FAILED", "FAILED_COLOR"]

PENDING, OK, FAILED = 0, 1, 2
"""A cell's state: not run yet, run, failed."""

FAILED_COLOR = "#d62728"
"""Failed cells: a red that the viridis palette never reaches."""


def cell_size(rows: int, columns: int) -> int:
    """Cell width and height in pixels: 34 for small grids, down to 5 so that a large one stays on screen."""
    return int(max(5, min(34, 640 // max(rows, columns))))


class SweepHeatmap(BrowserGuard, anywidget.AnyWidget):
    """A heatmap of ``rows`` x ``columns`` points, coloured in the browser from the values of the shown measure.

    Python changes one cell at a time (:meth:`set_cell`, O(1)); :meth:`sync` sends the two arrays at once,
    so the caller decides how often the page is updated. Hovering a cell asks Python for its text
    (``tip(k)``), clicking it calls ``on_click(k)``.
    """

    _esm = SWEEP_HEATMAP_MODULE
    n_rows = Int(1).tag(sync=True)
    n_columns = Int(1).tag(sync=True)
    cell_px = Int(34).tag(sync=True)
    row_name = Unicode("").tag(sync=True)
    column_name = Unicode("").tag(sync=True)
    row_labels = List(Unicode()).tag(sync=True)
    column_labels = List(Unicode()).tag(sync=True)
    values = Bytes(b"", help="float32 per cell (row-major), the shown measure.").tag(sync=True)
    states = Bytes(b"", help="uint8 per cell: 0 not run, 1 run, 2 failed.").tag(sync=True)
    selected = Int(-1, help="The picked cell (row-major index), -1 for none.").tag(sync=True)
    palette = List(Unicode(), help="64 colours from the lowest value to the highest (viridis).").tag(sync=True)
    failed_color = Unicode(FAILED_COLOR).tag(sync=True)
    missing_color = Unicode("#b0b0b0", help="A run cell whose shown measure is NaN.").tag(sync=True)

    @default("palette")
    def _viridis(self) -> list[str]:
        # matplotlib is imported when a heatmap is first made, not with this module: every kernel of a dashboard
        # with a sweep tab imports the module, and most never open the tab (about half a second of a kernel's start)
        from matplotlib import colormaps
        from matplotlib.colors import to_hex

        return [to_hex(colormaps["viridis"](x)) for x in np.linspace(0, 1, 64)]

    def __init__(self, rows: list[str], columns: list[str], row_name: str, column_name: str,
                 tip: Callable[[int], str], on_click: Callable[[int], None], **kwargs: Any):
        super().__init__(n_rows=len(rows), n_columns=len(columns), cell_px=cell_size(len(rows), len(columns)),
                         row_name=row_name, column_name=column_name, row_labels=rows, column_labels=columns,
                         **kwargs)
        self.cell_values = np.full(len(rows) * len(columns), np.nan, dtype=np.float32)
        self.cell_states = np.zeros(len(rows) * len(columns), dtype=np.uint8)
        self._tip = tip
        self._on_click = on_click
        self.on_msg(self._handle_message)
        self.sync()

    def set_cell(self, k: int, value: float, state: int) -> None:
        """Set cell ``k`` (row-major); shown at the next :meth:`sync`."""
        self.cell_values[k] = value
        self.cell_states[k] = state

    def sync(self) -> None:
        """Send the cells to the page (one message for both arrays)."""
        with self.hold_sync():
            self.values = array_to_bytes(self.cell_values, "float32")
            self.states = array_to_bytes(self.cell_states, "uint8")

    def _refusal(self, sync_data: dict) -> str | None:
        # the page only draws: every cell, label and selection comes from Python, so one page cannot change
        # what the other views of the sweep show
        return "SweepHeatmap: the heatmap is set from Python; the page sends only hover and click messages."

    def _handle_message(self, _: Any, content: Any, buffers: Any = None) -> None:
        # a message from the page names a cell; anything else, or a cell off the grid, is ignored
        if not isinstance(content, dict):
            return
        k = content.get("cell")
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < self.cell_states.size:
            return
        if content.get("type") == "tip":
            self.send({"type": "tip", "cell": k, "text": self._tip(k)})
        elif content.get("type") == "select":
            self._on_click(k)
