"""SweepExplorer: a two-parameter grid run on worker processes, drawn as a heatmap that fills in as it runs."""

from __future__ import annotations

import functools
import html
import queue
import threading
import time
from typing import Any, Callable, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_hex

import bp_core as bp
from bpwidgets.apps.explorer import Explorer
from bpwidgets.presets import find_control
from bpwidgets.runner import kernel_loop

__all__ = ["SweepExplorer"]

CELL_PX = 34
"""Width and height of one heatmap cell."""


class SweepExplorer(Explorer):
    """Run ``run_point(**fixed, row=..., column=...)`` over a grid and show one measure as a heatmap.

    Each cell takes its colour when its point finishes; hovering a cell shows every measure, and clicking it
    sets the linked explorer's controls to that point and runs it there (with the sweep's seed, so the run
    shown is the run measured).

    Parameters
    ----------
    run_point : callable
        Builds and runs the model for one point and returns a dict of measures; importable in a fresh process
        (a module-level function).
    grid : dict
        Two parameter names -> their values: the first along the rows, the second along the columns.
    measures : dict
        Measure key (of ``run_point``'s result) -> label shown in the chooser.
    explorer : NetworkExplorer, optional
        Where a clicked cell is replayed; its controls must hold the grid's names (slider labels or parameter
        names). Its seed is passed to ``run_point`` as ``seed``.
    fixed : dict, optional
        Further keyword arguments of every point (network size, duration...).
    n_workers : int
        Local worker processes (started fresh, so a running kernel's threads do not leak into them).
    client : dask.distributed.Client, optional
        Run the points on this cluster instead.
    """

    def __init__(self, run_point: Callable[..., dict], grid: dict[str, Sequence[float]], measures: dict[str, str],
                 explorer: Any = None, fixed: dict | None = None, n_workers: int = 2, client: Any = None):
        super().__init__()
        if not isinstance(grid, dict) or len(grid) != 2:
            raise bp.errors.ModelUseError(f"SweepExplorer needs a grid of exactly two parameters (rows, columns), "
                                          f"got {list(grid) if isinstance(grid, dict) else grid!r}.")
        self.row_name, self.column_name = list(grid)
        self.rows = [float(v) for v in grid[self.row_name]]
        self.columns = [float(v) for v in grid[self.column_name]]
        if not self.rows or not self.columns:
            raise bp.errors.ModelUseError("SweepExplorer: each parameter of the grid needs at least one value.")
        if not measures:
            raise bp.errors.ModelUseError("SweepExplorer needs at least one measure (key -> label).")
        self.measures = dict(measures)
        self.explorer = explorer
        if explorer is not None:
            for name in (self.row_name, self.column_name):
                if find_control(explorer.panels, name) is None:
                    raise bp.errors.ModelUseError(f"SweepExplorer: the linked explorer has no control {name!r} to "
                                                  f"replay a cell with; name the grid's parameters as its sliders.")
        self.fixed = dict(fixed or {})
        if explorer is not None:
            self.fixed.setdefault("seed", explorer.runner.seed)
        self.run_point = run_point
        self.n_workers = int(n_workers)
        self.client = client
        self.values = {key: np.full((len(self.rows), len(self.columns)), np.nan) for key in self.measures}
        self.errors: dict[tuple[int, int], str] = {}
        self.done = 0
        self.selected: tuple[int, int] | None = None
        self.on_select: list[Callable[[int, int], None]] = []  # called after a cell was picked
        self._thread: threading.Thread | None = None
        self._pending: queue.SimpleQueue = queue.SimpleQueue()
        self._loop = kernel_loop()
        self._build_view()

    @property
    def total(self) -> int:
        """Points in the grid."""
        return len(self.rows) * len(self.columns)

    # -- running ---------------------------------------------------------------------------------

    def run(self) -> None:
        """Start the sweep on worker processes (cells fill in as their points finish)."""
        if self._thread is not None and self._thread.is_alive():
            self.error = "a sweep is running; wait for it to finish."
            return
        for values in self.values.values():
            values[...] = np.nan
        self.errors.clear()
        self.done = 0
        self._started = time.monotonic()
        self._redraw()
        grid = [{self.row_name: r, self.column_name: c} for r in self.rows for c in self.columns]
        point = functools.partial(self.run_point, **self.fixed)
        self._thread = threading.Thread(target=self._work, args=(point, grid), name="bpwidgets-sweep", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = 600.0) -> bool:
        """Block until the sweep ends, then show what arrived; True if it ended."""
        if self._thread is not None:
            self._thread.join(timeout)
        while True:
            try:
                self._pending.get_nowait()()
            except queue.Empty:
                break
        return self._thread is None or not self._thread.is_alive()

    def _work(self, point: Callable, grid: list[dict]) -> None:
        try:
            bp.running.sweep(point, grid, client=self.client, n_workers=self.n_workers, start_method="spawn",
                             on_result=lambda k, result: self._post(functools.partial(self._arrived, k, result)))
        except Exception as err:  # a broken pool or cluster: said in the widget, the kernel goes on
            self._post(functools.partial(self._failed, f"{type(err).__name__}: {str(err).splitlines()[0]}"))

    def _post(self, call: Callable[[], None]) -> None:
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(call)
        else:
            self._pending.put(call)

    def _arrived(self, k: int, result: Any) -> None:
        row, column = divmod(k, len(self.columns))
        if result.ok and isinstance(result.value, dict):
            for key in self.measures:
                self.values[key][row, column] = float(result.value.get(key, np.nan))
        else:
            self.errors[(row, column)] = (result.error or f"run_point returned {type(result.value).__name__}, "
                                                          f"not a dict of measures").strip().splitlines()[-1]
        self.done += 1
        self._redraw()

    def _failed(self, message: str) -> None:
        self.error = f"the sweep stopped: {message}"

    # -- replay -----------------------------------------------------------------------------------

    def select(self, row: int, column: int) -> None:
        """Replay point (row, column) in the linked explorer."""
        self.selected = (row, column)
        self._redraw()
        if self.explorer is None:
            return
        refused = self.explorer.set_controls({self.row_name: self.rows[row], self.column_name: self.columns[column]})
        self.error = "; ".join(refused)
        for callback in self.on_select:
            callback(row, column)

    # -- view -----------------------------------------------------------------------------------

    def _build_view(self) -> None:
        self.measure = widgets.Dropdown(options=[(label, key) for key, label in self.measures.items()],
                                        description="measure", layout=widgets.Layout(width="260px"))
        self.measure.observe(lambda change: self._redraw(), names="value")
        self.run_button = widgets.Button(description="Run sweep", button_style="primary",
                                         tooltip=f"{self.total} runs on {self.n_workers} worker processes")
        self.run_button.on_click(lambda _: self.run())
        self.progress = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, layout=widgets.Layout(width="160px"))
        self.legend = widgets.HTML("")
        self.cells = []
        for row in range(len(self.rows)):
            for column in range(len(self.columns)):
                cell = widgets.Button(description="", layout=widgets.Layout(width=f"{CELL_PX}px",
                                                                            height=f"{CELL_PX}px", margin="0"))
                cell.add_class("bp-sweep-cell")
                cell.on_click(lambda _, r=row, c=column: self.select(r, c))
                self.cells.append(cell)
        # the highest row value on top, as on a plot's y axis
        order = [r * len(self.columns) + c for r in reversed(range(len(self.rows))) for c in range(len(self.columns))]
        grid = widgets.GridBox([self.cells[k] for k in order], layout=widgets.Layout(
            grid_template_columns=f"repeat({len(self.columns)}, {CELL_PX}px)", grid_gap="1px"))
        # fixed widths, so the column values line up under their cells
        name_px, value_px = 70, 80
        rows = widgets.VBox([widgets.HTML(f"<div style='height:{CELL_PX}px;line-height:{CELL_PX}px;"
                                          f"text-align:right;padding-right:4px'>{v:.4g}</div>",
                                          layout=widgets.Layout(margin="0", width=f"{value_px}px"))
                             for v in reversed(self.rows)], layout=widgets.Layout(grid_gap="1px", margin="0"))
        columns = widgets.HTML("<div style='display:flex'>" + "".join(
            f"<div style='width:{CELL_PX + 1}px;text-align:center;font-size:10px'>{v:.3g}</div>"
            for v in self.columns) + "</div>", layout=widgets.Layout(margin="0"))
        axis = widgets.Layout(width=f"{name_px}px", margin="0")
        heatmap = widgets.VBox([
            widgets.HBox([widgets.HTML(f"<b>{html.escape(self.row_name)}</b>", layout=axis), rows, grid]),
            widgets.HBox([widgets.HTML("", layout=widgets.Layout(width=f"{name_px + value_px}px", margin="0")),
                          columns]),
            widgets.HBox([widgets.HTML("", layout=widgets.Layout(width=f"{name_px + value_px}px", margin="0")),
                          widgets.HTML(f"<b>{html.escape(self.column_name)}</b>")])])
        self.widget = widgets.VBox([
            widgets.HBox([self.run_button, self.measure, self.progress, self.info_line]),
            heatmap, self.legend, self.error_line])
        self._redraw()

    def _redraw(self) -> None:
        key = self.measure.value
        values = self.values[key]
        finished = values[np.isfinite(values)]
        low, high = (float(finished.min()), float(finished.max())) if finished.size else (0.0, 1.0)
        colormap = colormaps["viridis"]
        for k, cell in enumerate(self.cells):
            row, column = divmod(k, len(self.columns))
            value = values[row, column]
            point = f"{self.row_name} = {self.rows[row]:.4g}, {self.column_name} = {self.columns[column]:.4g}"
            if (row, column) in self.errors:
                cell.style.button_color = "#d62728"
                cell.tooltip = f"{point}: failed: {self.errors[(row, column)]}"
            elif np.isfinite(value):
                share = 0.5 if high == low else (value - low) / (high - low)
                cell.style.button_color = to_hex(colormap(share))
                cell.tooltip = f"{point}: " + ", ".join(f"{label} {self.values[m][row, column]:.4g}"
                                                         for m, label in self.measures.items())
            else:
                cell.style.button_color = "transparent"
                cell.tooltip = f"{point}: not run yet"
            cell.description = "●" if self.selected == (row, column) else ""
        self.progress.value = self.done / self.total
        elapsed = time.monotonic() - getattr(self, "_started", time.monotonic())
        self.info = f"{self.done} of {self.total} points" + (f" · {elapsed:.1f} s" if self.done else "")
        gradient = ", ".join(to_hex(colormap(x)) for x in np.linspace(0, 1, 6))
        self.legend.value = (f"<div style='display:flex;align-items:center;gap:6px'>{low:.3g}<div style='width:200px;"
                             f"height:10px;background:linear-gradient(to right, {gradient})'></div>{high:.3g} "
                             f"{html.escape(self.measures[key])}</div>")

