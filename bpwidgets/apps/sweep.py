"""SweepExplorer: a two-parameter grid run on worker processes, drawn as a heatmap that fills in as it runs."""

from __future__ import annotations

import functools
import html
import numbers
import queue
import threading
import time
from typing import Any, Callable, Sequence

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps.explorer import Explorer
from bpwidgets.apps.sweep_heatmap import FAILED, OK, PENDING, SweepHeatmap
from bpwidgets.presets import find_control
from bpwidgets.runner import kernel_loop

__all__ = ["SweepExplorer"]

SYNC_S = 0.25
"""Longest the page waits for arrived points: they are sent together at most this often."""

STATES = {PENDING: "pending", OK: "ok", FAILED: "failed"}


def _axis(grid: dict, name: str) -> list[float]:
    values = list(grid[name])
    for value in values:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise bp.errors.ModelUseError(f"SweepExplorer: grid[{name!r}] holds {value!r}; its values are a "
                                          f"heatmap axis, so give numbers.")
    return [float(v) for v in values]


def _reason(result: Any) -> str:
    """One line saying why a point failed (the last line of a traceback: the exception itself)."""
    lines = [line for line in (result.error or "").strip().splitlines() if line.strip()]
    return (lines[-1] if result.failure in ("exception", "exit") else " ".join(lines)) or "failed"


class SweepExplorer(Explorer):
    """Run ``run_point(**fixed, row=..., column=...)`` over a grid and show one measure as a heatmap.

    Each cell takes its colour when its point finishes, a failed point shows red with its reason on hover;
    hovering another cell shows every measure, and clicking it sets the linked explorer's controls to that
    point and runs it there (with the sweep's seed, so the run shown is the run measured). Arriving points
    cost one array cell each and reach the page together, a few times a second, so a 100 x 100 grid fills in
    as fast as a small one.

    Parameters
    ----------
    run_point : callable
        Builds and runs the model for one point and returns a dict of measures (numbers); importable in a
        fresh process (a module-level function).
    grid : dict
        Two parameter names -> their values (numbers): the first along the rows, the second along the columns.
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
    timeout : float, optional
        The most seconds one point may run; a point past it is marked failed and its worker ended.
    start_method : str
        How local workers start: 'spawn' (the default) or 'forkserver' are safe in a kernel whose threads run
        simulations; 'fork' starts at once but only suits a process with no other thread at work.
    """

    def __init__(self, run_point: Callable[..., dict], grid: dict[str, Sequence[float]], measures: dict[str, str],
                 explorer: Any = None, fixed: dict | None = None, n_workers: int = 2, client: Any = None,
                 timeout: float | None = None, start_method: str = "spawn"):
        super().__init__()
        if not isinstance(grid, dict) or len(grid) != 2:
            raise bp.errors.ModelUseError(f"SweepExplorer needs a grid of exactly two parameters (rows, columns), "
                                          f"got {list(grid) if isinstance(grid, dict) else grid!r}.")
        bp.running.grid_size(grid)  # refuses strings, empty axes and NaN, naming the parameter
        self.row_name, self.column_name = list(grid)
        self.rows, self.columns = _axis(grid, self.row_name), _axis(grid, self.column_name)
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
        self.timeout = timeout
        self.start_method = start_method
        self.values = {key: np.full((len(self.rows), len(self.columns)), np.nan) for key in self.measures}
        self.errors: dict[tuple[int, int], str] = {}
        self.done = 0
        self.cancelled = False
        self.selected: tuple[int, int] | None = None
        self.on_select: list[Callable[[int, int], None]] = []  # called after a cell was picked
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._pending: queue.SimpleQueue = queue.SimpleQueue()
        self._loop = kernel_loop()
        self._synced = 0.0
        self._generation = 0
        self._sync_due = False
        self._started = time.monotonic()
        self._build_view()

    @property
    def total(self) -> int:
        """Points in the grid."""
        return len(self.rows) * len(self.columns)

    @property
    def running(self) -> bool:
        """True while a sweep is under way."""
        return self._thread is not None and self._thread.is_alive()

    # -- running ---------------------------------------------------------------------------------

    def run(self) -> None:
        """Start the sweep on worker processes (cells fill in as their points finish)."""
        if self.running:
            self.error = "a sweep is running; wait for it to finish or cancel it."
            return
        for values in self.values.values():
            values[...] = np.nan
        self.heatmap.cell_states[:] = PENDING
        self.errors.clear()
        self.done = 0
        self.cancelled = False
        self.error = ""
        self._cancel = threading.Event()
        self._started = time.monotonic()
        self._generation += 1
        grid = {self.row_name: self.rows, self.column_name: self.columns}
        point = functools.partial(self.run_point, **self.fixed)
        self._thread = threading.Thread(target=self._work, args=(point, grid, self._cancel, self._generation),
                                        name="bpwidgets-sweep", daemon=True)
        self._thread.start()
        self._flush()

    def cancel(self) -> None:
        """Stop the sweep: points not finished are abandoned, their workers ended; finished cells stay."""
        if self.running:
            self._cancel.set()
            self.info = f"cancelling... {self.done} of {self.total} points kept"

    def wait(self, timeout: float = 600.0) -> bool:
        """Block until the sweep ends, then show what arrived; True if it ended.

        A ``KeyboardInterrupt`` (the kernel's interrupt) cancels the sweep and keeps what finished.
        """
        try:
            if self._thread is not None:
                self._thread.join(timeout)
        except KeyboardInterrupt:
            self.cancel()
            if self._thread is not None:
                self._thread.join()
        while True:
            try:
                self._pending.get_nowait()()
            except queue.Empty:
                break
        self._flush()
        return not self.running

    def _work(self, point: Callable, grid: dict, cancel: threading.Event, generation: int) -> None:
        try:
            bp.running.sweep(point, grid, client=self.client, n_workers=self.n_workers, timeout=self.timeout,
                             start_method=self.start_method, cancel=cancel,
                             on_result=lambda k, result: self._post(functools.partial(self._arrived, k, result,
                                                                                      generation)))
        except Exception as err:  # a cluster that went away: said in the widget, the kernel goes on
            self._post(functools.partial(self.report, f"the sweep stopped: {type(err).__name__}: "
                                                      f"{str(err).splitlines()[0] if str(err) else ''}"))
        self._post(functools.partial(self._ended, cancel.is_set(), generation))

    def _post(self, call: Callable[[], None]) -> None:
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(call)
        else:
            self._pending.put(call)

    def _arrived(self, k: int, result: Any, generation: int | None = None) -> None:
        """Take one point's outcome: a few array cells, no redraw (that is :meth:`_flush`'s, a few times a second)."""
        if generation not in (None, self._generation):  # a late point of a sweep cancelled before this one
            return
        row, column = divmod(k, len(self.columns))
        reason = self._measures(row, column, result)
        if reason is not None:
            self.errors[(row, column)] = reason
        self.heatmap.set_cell(k, self.values[self.measure.value][row, column], OK if reason is None else FAILED)
        self.done += 1
        self._request_flush()

    def _measures(self, row: int, column: int, result: Any) -> str | None:
        """Store the point's measures; the reason it failed, if it did."""
        if not result.ok:
            return _reason(result)
        if not isinstance(result.value, dict):
            return f"run_point returned {type(result.value).__name__}, not a dict of measures"
        missing = [key for key in self.measures if key not in result.value]
        if missing:
            return f"run_point's result has no {', '.join(map(repr, missing))}"
        bad = [(key, result.value[key]) for key in self.measures if isinstance(result.value[key], bool)
               or not isinstance(result.value[key], numbers.Real)]
        if bad:
            return "not a number: " + ", ".join(f"{key} = {bp.errors.describe_value(value)}" for key, value in bad)
        for key in self.measures:
            self.values[key][row, column] = float(result.value[key])
        return None

    def _ended(self, cancelled: bool, generation: int) -> None:
        if generation != self._generation:
            return
        self.cancelled = cancelled
        self._flush()

    # -- drawing ----------------------------------------------------------------------------------

    def _request_flush(self) -> None:
        since = time.monotonic() - self._synced
        if since >= SYNC_S:
            self._flush()
        elif self._loop is not None and self._loop.is_running() and not self._sync_due:
            self._sync_due = True
            self._loop.call_later(SYNC_S - since, self._flush)

    def _flush(self) -> None:
        """Send the cells, the progress and the legend to the page."""
        self._sync_due = False
        self._synced = time.monotonic()
        key = self.measure.value
        self.heatmap.cell_values[:] = self.values[key].ravel()
        self.heatmap.sync()
        self.progress.value = self.done / self.total
        running = self.running
        self.cancel_button.disabled = not running
        failed = len(self.errors)
        elapsed = time.monotonic() - self._started
        self.info = (f"{self.done} of {self.total} points" + (f" · {failed} failed" if failed else "")
                     + (f" · {elapsed:.1f} s" if self.done else "")
                     + (" · cancelled" if self.cancelled and not running else ""))
        finished = self.values[key][np.isfinite(self.values[key])]
        low, high = (float(finished.min()), float(finished.max())) if finished.size else (0.0, 1.0)
        gradient = ", ".join(self.heatmap.palette[:: max(1, len(self.heatmap.palette) // 6)])
        self.legend.value = (f"<div style='display:flex;align-items:center;gap:6px'>{low:.3g}<div style='width:200px;"
                             f"height:10px;background:linear-gradient(to right, {gradient})'></div>{high:.3g} "
                             f"{html.escape(self.measures[key])} <span style='display:inline-block;width:10px;"
                             f"height:10px;background:{self.heatmap.failed_color}'></span> failed</div>")

    # -- cells ------------------------------------------------------------------------------------

    def cell_state(self, row: int, column: int) -> str:
        """'pending', 'ok' or 'failed'."""
        return STATES[int(self.heatmap.cell_states[row * len(self.columns) + column])]

    def tooltip(self, row: int, column: int) -> str:
        """What hovering cell (row, column) shows: its point and its measures, or why it failed."""
        point = f"{self.row_name} = {self.rows[row]:.4g}, {self.column_name} = {self.columns[column]:.4g}"
        state = self.cell_state(row, column)
        if state == "failed":
            return f"{point}: failed: {self.errors.get((row, column), '')}"
        if state == "pending":
            return f"{point}: not run yet"
        measured = (f"{label} {self.values[key][row, column]:.4g}" for key, label in self.measures.items())
        return f"{point}: " + ", ".join(measured)

    def select(self, row: int, column: int) -> None:
        """Replay point (row, column) in the linked explorer."""
        self.selected = (row, column)
        self.heatmap.selected = row * len(self.columns) + column
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
        self.measure.observe(lambda change: self._flush(), names="value")
        self.run_button = widgets.Button(description="Run sweep", button_style="primary",
                                         tooltip=f"{self.total} runs on {self.n_workers} worker processes")
        self.run_button.on_click(lambda _: self.run())
        self.cancel_button = widgets.Button(description="Cancel", disabled=True,
                                            tooltip="stop the sweep, keeping the points that finished")
        self.cancel_button.on_click(lambda _: self.cancel())
        self.progress = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, layout=widgets.Layout(width="160px"))
        self.legend = widgets.HTML("")
        self.heatmap = SweepHeatmap([f"{v:.4g}" for v in self.rows], [f"{v:.3g}" for v in self.columns],
                                    self.row_name, self.column_name, tip=lambda k: self.tooltip(*self._place(k)),
                                    on_click=lambda k: self.select(*self._place(k)))
        self.widget = widgets.VBox([
            widgets.HBox([self.run_button, self.cancel_button, self.measure, self.progress, self.info_line]),
            self.heatmap, self.legend, self.error_line])
        self._flush()

    def _place(self, k: int) -> tuple[int, int]:
        return divmod(k, len(self.columns))
