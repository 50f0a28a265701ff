"""NetworkExplorer: live parameters, a streaming raster, population rate, traces and a summary."""

from __future__ import annotations

import html
import time
from contextlib import contextmanager
from typing import Any, Iterator

import ipywidgets as widgets
import numpy as np
from traitlets import Dict, Unicode, dlink

import bp_core as bp
from bpwidgets.apps.explorer import Explorer
from bpwidgets.apps.rewind import HistoryBar
from bpwidgets.controls import GuardedBoundedFloatText
from bpwidgets.download import Downloader
from bpwidgets.export import ExportBar, reproduction_code, run_npz, spikes_csv
from bpwidgets.history import History, Moment
from bpwidgets.params import ParameterPanel
from bpwidgets.plots.figures import line_figure, set_lines, size_figure
from bpwidgets.plots.theme import font_size
from bpwidgets.presets import PresetBar, find_control
from bpwidgets.raster_canvas import RasterCanvas
from bpwidgets.runner import Frame, LiveRunner

__all__ = ["NetworkExplorer", "DISPLAY_POINTS"]

DISPLAY_POINTS = 1500
"""Points per line the rate and trace figures draw, whatever the length of the pass."""

REDRAW_INTERVAL = 0.25
"""Least wall-clock seconds between two redraws of the line figures and the status during a pass.

A pass streams a chunk every few milliseconds; redrawing the SVG figures for each one costs the browser
and the kernel far more than the simulation (with twenty pages on two cores, the first change on screen
took seconds). The raster, cheap to append to, still takes every chunk, so the first change shows at once."""


class NetworkExplorer(Explorer):
    """Explore a network: move a slider and watch the new run stream in.

    Parameters
    ----------
    net : bp.Network
    inputs : list of (target, key, value[, op])
        Inputs of every pass; a scalar value gets its own slider.
    duration : float
        Length of a pass (ms).
    params : dict, optional
        Object -> parameter names to expose (default: every scalar parameter of every object).
    group : bp.NeuGroup, optional
        The group whose ``spike`` monitor feeds the raster and rate (default: the first that monitors spikes).
    traces : sequence of int
        Neurons whose ``V`` is drawn, when ``V`` is monitored.
    chunk : float
        Streaming chunk (ms).
    ranges : dict, optional
        Parameter name -> (min, max).
    labels : dict, optional
        Object (or ``'inputs'``) -> {parameter name -> slider label}.
    units : dict, optional
        Object (or ``'inputs'``) -> {parameter name -> unit}; objects default to their model's units.
    presets : dict, optional
        Preset name -> {parameter name -> value}, shown as one button each (:class:`PresetBar`).
    setup : str, optional
        Code that builds ``net`` as this explorer got it (``net, neu, syn = bp.models.gamma_network(100)``):
        with it, :meth:`code` writes a script that reproduces the current pass bit for bit.
    names : dict, optional
        Object -> the variable ``setup`` gives it.
    seed : int, optional
        Random seed of every pass (default: drawn once).
    share : str, optional
        Name of the first pass among those the warm-up records for every kernel (see
        :class:`~bpwidgets.runner.LiveRunner`); a dashboard's, with a fixed ``seed``.
    autostart : bool
        Start the first pass at once (the figure appears before any interaction).

    Every completed pass is kept (:attr:`history`); :meth:`back` and :meth:`forward` run an earlier or later
    one again from its snapshot, parameters included, so its raster returns exactly.
    """

    status = Unicode("", help="The pass's status line: state, progress and speed.")
    summary = Dict(help="Measures of the last completed pass (bp.measure.population_summary); empty before.")

    def __init__(self, net: bp.Network, inputs: Any = (), duration: float = 500.0, params: dict | None = None,
                 group: bp.NeuGroup | None = None, traces=(0,), chunk: float = 20.0, ranges: dict | None = None,
                 labels: dict | None = None, units: dict | None = None, presets: dict | None = None,
                 setup: str | None = None, names: dict | None = None, seed: int | None = None,
                 autostart: bool = True, share: str | None = None):
        super().__init__()
        self.net = net
        self.setup = setup
        self.names = dict(names or {})
        self.group = group or next((o for o in net.objects if isinstance(o, bp.NeuGroup) and 'spike' in o.monitors),
                                   None)
        if self.group is None:
            raise bp.errors.ModelUseError("NetworkExplorer needs a NeuGroup that monitors 'spike'.")
        targets = params if params is not None else {o: None for o in net.objects if len(o.pars)}
        labels = labels or {}
        units = units or {}
        self.panels = [ParameterPanel(obj, names, ranges=_ranges_for(obj, names, ranges), labels=labels.get(obj),
                                      units=units.get(obj), reset_button=False) for obj, names in targets.items()]
        self._inputs = [tuple(i) for i in ([inputs] if inputs and isinstance(inputs[0], bp.core.Ensemble)
                                           else list(inputs))]
        self.input_values = {f"input{k}": float(i[2]) for k, i in enumerate(self._inputs) if np.isscalar(i[2])}
        if self.input_values:
            self.panels.append(ParameterPanel(self.input_values, ranges=ranges and
                                              {k: v for k, v in ranges.items() if k in self.input_values},
                                              labels=labels.get("inputs"), units=units.get("inputs"),
                                              reset_button=False))
        self.presets = PresetBar(presets, self.panels) if presets else None
        self.runner = LiveRunner(net, inputs=self._current_inputs, duration=duration, chunk=chunk, seed=seed,
                                 share=share)
        self.runner.subscribe(self._on_frame)
        self.history = History()
        self._quiet = False  # controls being set to a moment of the history: one replay, not a pass per control
        self._replay_generation = -1
        self._start_snapshot = None
        for panel in self.panels:
            panel.on_change(lambda name, value: self._quiet or self.runner.restart())
        self.traces = [t for t in traces if t < self.group.num] if 'V' in self.group.monitors else []
        self._build_view(duration)
        self.raster.on_view.append(self._resend_view)
        self._clear_pass()
        if autostart:
            self.runner.restart()

    @property
    def compile_count(self) -> int:
        """Compilations of the network's kernel so far (constant while only parameters change)."""
        return self.net.compile_count

    def reset(self) -> None:
        """Put every parameter and input back to its initial value and run again."""
        with self._controls_held():
            for panel in self.panels:
                panel.reset()
        self.runner.restart()

    @contextmanager
    def _controls_held(self) -> Iterator[None]:
        """Controls set inside start no pass of their own: the caller starts one run for them all."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def set_controls(self, values: dict[str, float]) -> list[str]:
        """Set controls by slider label or parameter name and run once; returns what was refused, and why."""
        refused = []
        with self._controls_held():
            for key, value in values.items():
                found = find_control(self.panels, key)
                if found is None:
                    known = sorted({label for panel in self.panels for label in panel.labels.values()})
                    refused.append(f"no control {key!r} (the controls are {', '.join(known)})")
                elif not found[0].set(found[1], value):
                    refused.append(f"{key}: {found[0].message}")
        self.runner.restart()
        return refused

    # -- rewind --------------------------------------------------------------------------------

    def back(self) -> bool:
        """Run the previous pass of the history again, its controls restored; False at the first."""
        return self.rewind.back()

    def forward(self) -> bool:
        """Run the next pass of the history again; False at the last."""
        return self.rewind.forward()

    def _control_values(self) -> list[dict[str, float]]:
        return [panel.values() for panel in self.panels]

    def _go(self, moment: Moment) -> None:
        with self._controls_held():
            for panel, values in zip(self.panels, moment.values["panels"]):
                for name, value in values.items():
                    panel.set(name, value)
        self._replay_generation = self.runner.replay(moment.snapshot)

    # -- lecture -------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """What brings this pass back: every control by its slider label, the preset chosen last, the seed and
        the duration."""
        return {"controls": {panel.labels[name]: value for panel in self.panels
                             for name, value in panel.values().items()},
                "preset": self.presets.current if self.presets else None,
                "seed": int(self.runner.seed), "duration": float(self.runner.duration)}

    def restore(self, state: dict[str, Any]) -> list[str]:
        """Set a :meth:`state` again and run its pass once; returns what was refused (the rest is applied)."""
        refused = []
        controls = state.get("controls", {})
        if not isinstance(controls, dict):
            refused.append("controls: expected an object of slider label -> number")
            controls = {}
        numbers = {k: v for k, v in controls.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        refused += [f"{k}: {v!r} is not a number" for k, v in controls.items() if k not in numbers]
        seed = state.get("seed")
        if isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2**32:
            self.runner.seed = seed
        elif seed is not None:
            refused.append(f"seed: {seed!r} is not a whole number from 0 to 2**32 - 1")
        duration = state.get("duration")
        if duration is not None:
            if isinstance(duration, (int, float)) and not isinstance(duration, bool) and \
                    self.net.dt <= duration <= 60_000.0:
                with self._controls_held():
                    self.runner.duration = float(duration)
                    self.raster.t_end = float(duration)
                    self.duration_box.value = float(duration)
                    self.fit(self._projector)
            else:
                refused.append(f"duration: {duration!r} is not between {self.net.dt} and 60000 ms")
        preset = state.get("preset")
        # a list or an object from a file cannot be looked up (unhashable): only a name can be a preset
        if preset is not None and not (self.presets and isinstance(preset, str) and preset in self.presets.presets):
            refused.append(f"preset: no preset {preset!r}")
        elif preset is not None and not refused and all(self._accepts(k, v) for k, v in numbers.items()):
            with self._controls_held():  # marked, its values then overridden by the saved ones
                self.presets.apply(preset)
        return refused + self.set_controls(numbers)

    def _accepts(self, key: str, value: float) -> bool:
        found = find_control(self.panels, key)
        if found is None:
            return False
        low, high = found[0].ranges[found[1]]
        return bool(np.isfinite(value)) and low <= value <= high

    def fit(self, projector: bool, width: int = 740) -> None:
        """Size the raster and the line figures for the page (``projector`` False) or for a 1366 x 768
        projector, the line figures then side by side under the raster (``width`` px in all)."""
        font, self._projector = font_size(projector), projector
        lines = [self.rate_figure] + ([self.trace_figure] if self.traces else [])
        for figure in lines:  # time axes span the pass
            figure.axes[0].scale.max = float(self.runner.duration)
        self.raster.font_size = font
        if projector:
            self.raster.width, self.raster.height = width, 250
            for figure in lines:
                size_figure(figure, width // len(lines) - 4, 250, font)
            self.figure_box.children = [self.raster, widgets.HBox(lines)]
        else:
            self.raster.width, self.raster.height = 640, 260
            for figure in lines:
                size_figure(figure, 640, 220, font)
            self.figure_box.children = [self.raster, *lines]

    def figure_widgets(self) -> list[widgets.Widget]:
        """The raster and the line figures, in the order a lecture reveals them."""
        return [self.raster, self.rate_figure] + ([self.trace_figure] if self.traces else [])

    # -- export --------------------------------------------------------------------------------

    def export_csv(self) -> bytes:
        """The spikes of the pass shown, as CSV (``neuron,time_ms``)."""
        return spikes_csv(self._pass_events())

    def export_npz(self) -> bytes:
        """Spikes, population rate and traces of the pass shown, with its parameters, as NPZ."""
        events = self._pass_events()
        filled = -(-self._filled_steps // self._per_bin)
        return run_npz({"panels": self._control_values(), "seed": self.runner.seed, "dt": self.net.dt},
                       spike_index=events.index, spike_time=events.time, rate_time=self._bin_times[:filled],
                       rate=np.atleast_2d(self.rate_lines.y)[0, :filled] if filled else np.zeros(0),
                       traces=self._bin_voltages[:filled].T, trace_neurons=np.asarray(self.traces, dtype=int))

    def export_nwb(self) -> bytes:
        """The pass shown as an NWB file (``bp.io.nwb_bytes``): the group's spikes as units, its traces as
        drawn (one sample per display point), every object's parameters and the models' code."""
        events = self._pass_events()
        record: dict[str, Any] = {"ts": events.ts, "spike": events}
        if self.traces:
            filled = -(-self._filled_steps // self._per_bin)
            record.update(V=self._bin_voltages[:filled], V_time=events.ts[::self._per_bin][:filled],
                          V_index=np.asarray(self.traces, dtype=np.int64))
        # the other objects' monitors hold the last streamed chunk only, not the pass: they are left out
        records = {obj: {} for obj in self.net.objects if obj is not self.group}
        records[self.group] = record
        inputs = ", ".join(f"{item[0].name} {item[1]} {item[2]!r}" for item in self._current_inputs()
                           if np.isscalar(item[2]))
        return bp.io.nwb_bytes(self.net, records=records,
                               session_description=f"NetworkExplorer pass of {self.runner.duration:g} ms, seed "
                                                   f"{self.runner.seed}" + (f", inputs: {inputs}" if inputs else ""))

    def code(self) -> str:
        """A script that runs the current pass with bp_core alone and gets the same spikes, bit for bit."""
        if self.setup is None:
            raise bp.errors.ModelUseError("copy as code needs the code that builds the network: give "
                                          "NetworkExplorer(..., setup='net, neu = ...', names={neu: 'neu'}).")
        missing = [o.name for o in self.net.objects if o not in self.names]
        if missing:
            raise bp.errors.ModelUseError(f"copy as code: name {missing[0]} in names= (object -> the variable "
                                          f"the setup code gives it).")
        parameters = {self.names[o]: dict(o.pars.updates) for o in self.net.objects if len(o.pars.updates)}
        inputs = [(self.names[item[0]], *item[1:]) for item in self._current_inputs()]
        return reproduction_code(self.setup, parameters, inputs, self.runner.duration, self.runner.seed,
                                 self.names[self.group])

    def _save_figures(self, downloader: Downloader, kind: str) -> None:
        figures = [("rate", self.rate_figure)] + ([("traces", self.trace_figure)] if self.traces else [])
        if kind == "png":
            self.raster.save_png("raster.png")
        for name, figure in figures:
            (figure.save_png if kind == "png" else figure.save_svg)(f"{name}.{kind}")

    def _save_code(self, downloader: Downloader) -> None:
        text = self.code()
        self.code_box.value = text
        self.code_box.layout.display = ""
        downloader.save("run.py", text.encode(), "text/x-python")

    def _current_inputs(self) -> list:
        out = []
        for k, item in enumerate(self._inputs):
            key = f"input{k}"
            out.append((item[0], item[1], self.input_values.get(key, item[2]), *item[3:]))
        return out

    # -- view ----------------------------------------------------------------------------------

    def _build_view(self, duration: float) -> None:
        self.raster = RasterCanvas(n_neurons=self.group.num, t_start=0.0, t_end=duration, height=260)
        self._projector = False
        self.rate_figure, self.rate_lines = line_figure("time (ms)", "rate (Hz)", "population rate",
                                                        x_range=(0.0, duration))
        v_unit = getattr(self.group.model, "units", {}).get("V")
        self.trace_figure, self.trace_lines = line_figure("time (ms)", f"V ({v_unit})" if v_unit else "V",
                                                          "membrane traces", n_lines=max(1, len(self.traces)),
                                                          x_range=(0.0, duration))
        self.summary_line = widgets.HTML("")
        self.status_line = widgets.HTML("")
        dlink((self, "summary"), (self.summary_line, "value"), _summary_html)
        dlink((self, "status"), (self.status_line, "value"), html.escape)
        dlink((self.runner, "error"), (self, "error"))
        self._status_shown = float("-inf")
        buttons = []
        for label, action in (("Run", self.runner.restart), ("Pause", self.runner.pause),
                              ("Resume", self.runner.resume), ("Stop", self.runner.stop), ("Reset all", self.reset)):
            button = widgets.Button(description=label, layout=widgets.Layout(width="84px"),
                                    tooltip="every parameter and input back to its initial value"
                                    if label == "Reset all" else "")
            button.on_click(lambda _, act=action: act())
            buttons.append(button)
        self.progress_bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description="",
                                                  layout=widgets.Layout(width="160px"))
        self.duration_box = GuardedBoundedFloatText(value=duration, min=self.net.dt, max=60_000.0,
                                                    description="duration", layout=widgets.Layout(width="200px"))
        self.duration_box.observe(lambda change: change["new"] and self.report(change["new"]), names="refused")
        self.duration_box.observe(self._duration_changed, names="value")
        self.runner.observe(lambda change: self._show_status(), names="status")
        self.runner.observe(lambda change: self._show_progress(), names="progress")
        controls = widgets.HBox(buttons, layout=widgets.Layout(border="1px solid #ccc", padding="2px",
                                                                 flex_flow="row wrap"))
        self.rewind = HistoryBar(self.history, self._go)
        self.back_button, self.forward_button = self.rewind.back_button, self.rewind.forward_button
        self.history_label = self.rewind.label
        self.export = ExportBar({
            "PNG": ("the raster and the line figures as PNG files", lambda d: self._save_figures(d, "png")),
            "SVG": ("the line figures as SVG files", lambda d: self._save_figures(d, "svg")),
            "CSV": ("the spikes as CSV (neuron, time in ms)",
                    lambda d: d.save("spikes.csv", self.export_csv(), "text/csv")),
            "NPZ": ("spikes, rate, traces and parameters as NumPy NPZ",
                    lambda d: d.save("run.npz", self.export_npz())),
            "NWB": ("spikes, traces, parameters and model code as Neurodata Without Borders (NWB)",
                    lambda d: d.save("run.nwb", self.export_nwb(), "application/x-hdf5")),
            "code": ("a bp_core script that reproduces this run exactly", self._save_code)})
        self.code_box = widgets.Textarea(layout=widgets.Layout(width="540px", height="160px", display="none"))
        # Controls in a side panel, figures beside them: the raster sits above the fold on a 1366 x 768 screen.
        side = [controls, widgets.HBox([self.duration_box, self.progress_bar]), self.status_line,
                self.rewind.widget, self.export.widget,
                self.code_box]
        side += [self.presets.widget] if self.presets else []
        side += [panel.widget for panel in self.panels]
        side += [self.error_line, self.summary_line]
        self.figure_box = widgets.VBox([self.raster, self.rate_figure] + ([self.trace_figure] if self.traces else []))
        self.widget = widgets.AppLayout(left_sidebar=widgets.VBox(side, layout=widgets.Layout(width="560px")),
                                        center=self.figure_box, pane_widths=["570px", 1, 0], grid_gap="8px")

    def _resend_view(self) -> None:
        # A page that connects after the kernel drew (Voila renders the notebook, then the page connects) has
        # the state of the moment of rendering and misses the changes made meanwhile, such as the end of the
        # first pass: the view asked for the raster again, so it gets the rest too.
        for widget in (self.status_line, self.progress_bar, self.summary_line, self.error_line, self.history_label,
                       self.back_button, self.forward_button, self.rate_lines, self.trace_lines):
            widget.send_state()

    def _duration_changed(self, change: dict) -> None:
        try:
            value = float(change["new"])
            if not np.isfinite(value) or not self.net.dt <= value <= 60_000.0:
                raise ValueError
        except (TypeError, ValueError):
            self.error = f"duration must be between {self.net.dt} and 60000 ms."
            self.duration_box.value = self.runner.duration
            return
        self.runner.duration = value
        self.raster.t_end = value
        self.fit(self._projector)
        self.runner.restart()

    def _show_status(self) -> None:
        speed = self.runner.speed
        rate = f" · {speed:,.0f} ms/s ({speed / 1000:.2g}x real time)" if speed > 0 else ""
        self.status = f"{self.runner.status} {100 * self.runner.progress:.0f}%{rate}"
        self.progress_bar.value = self.runner.progress
        self.progress_bar.bar_style = {"done": "success", "error": "danger", "stopped": "warning"}.get(
            self.runner.status, "")
        self._status_shown = time.monotonic()

    def _show_progress(self) -> None:
        if time.monotonic() - self._status_shown >= REDRAW_INTERVAL:
            self._show_status()


    # -- frames --------------------------------------------------------------------------------

    def _clear_pass(self) -> None:
        # the whole pass's display series, filled chunk by chunk: work per chunk is independent of how far
        # the pass has run (a 60 s pass costs each chunk what a 60 ms one does)
        dt = self.net.dt
        steps = max(1, int(round(self.runner.duration / dt)))
        self._per_bin = max(1, -(-steps // DISPLAY_POINTS))
        bins = -(-steps // self._per_bin)
        self._bin_times = (np.arange(bins) + 0.5) * self._per_bin * dt
        self._bin_counts = np.zeros(bins)
        self._bin_voltages = np.zeros((bins, len(self.traces)))
        self._filled_steps = 0
        self._events: list[bp.Events] = []
        self._ts: list[np.ndarray] = []
        self._lines_drawn = float("-inf")  # the first chunk of a pass is drawn at once
        self._lines_pending = False

    def _on_frame(self, frame: Frame) -> None:
        if frame.kind == "start":
            self._start_snapshot = frame.snapshot
            self._clear_pass()
            self.raster.clear()
            self.summary = {}
        elif frame.kind == "chunk":
            mon = frame.monitors[self.group.name]
            events = mon.spike_events
            first = self._filled_steps
            n = events.ts.size
            self._events.append(events)
            self._ts.append(mon['ts'])
            np.add.at(self._bin_counts, (first + events.step) // self._per_bin, 1.0)
            if self.traces:
                rows = np.arange(first, first + n)
                sampled = rows % self._per_bin == 0  # one sample per display point
                self._bin_voltages[rows[sampled] // self._per_bin] = mon['V'][sampled][:, self.traces]
            self._filled_steps += n
            self.raster.append_events(events)
            self._lines_pending = True
            if time.monotonic() - self._lines_drawn >= REDRAW_INTERVAL:
                self._draw_lines()
        elif frame.kind in ("done", "cancelled", "error"):
            if self._lines_pending:
                self._draw_lines()
            if frame.kind == "done":
                self._draw_summary()
                if frame.generation != self._replay_generation and self._start_snapshot is not None:
                    self.history.record(Moment(self._start_snapshot, {"panels": self._control_values()}))
                self.rewind.refresh()

    def _draw_lines(self) -> None:
        self._lines_drawn, self._lines_pending = time.monotonic(), False
        filled = -(-self._filled_steps // self._per_bin)
        bin_ms = self._per_bin * self.net.dt
        ts = self._bin_times[:filled]
        share = np.ones(filled)  # the last bin may be partly run yet
        share[-1] = (self._filled_steps - (filled - 1) * self._per_bin) / self._per_bin
        rate = bp.measure.firing_rate((self._bin_counts[:filled] / self.group.num / share)[:, None],
                                      width=max(2.0, bin_ms), window="gaussian", dt=bin_ms)
        set_lines(self.rate_lines, ts[None, :], rate[None, :])
        if self.traces:
            set_lines(self.trace_lines, np.repeat(ts[None, :], len(self.traces), axis=0),
                      self._bin_voltages[:filled].T)

    def _pass_events(self) -> bp.Events:
        """The spikes of the pass so far as one Events record (steps counted from the pass start)."""
        if not self._events:
            return bp.Events(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), self.group.num)
        offsets = np.cumsum([0] + [e.ts.size for e in self._events[:-1]])
        return bp.Events(np.concatenate([e.index for e in self._events]),
                         np.concatenate([e.step + k for e, k in zip(self._events, offsets)]),
                         np.concatenate(self._ts), self.group.num)

    def _draw_summary(self) -> None:
        if not self._events:
            return
        self.summary = bp.measure.population_summary(self._pass_events(), self.net.dt)


def _summary_html(summary: dict) -> str:
    if not summary:
        return ""
    return (f"mean rate <b>{summary['mean_rate']:.1f} Hz</b> &middot; coherence (2 ms bins) "
            f"<b>{summary['coherence']:.3f}</b> &middot; CV of ISIs <b>{summary['cv_isi']:.2f}"
            f"</b> &middot; {summary['spikes']} spikes")


def _ranges_for(obj: Any, names: Any, ranges: dict | None) -> dict:
    if not ranges:
        return {}
    keys = names if names is not None else list(obj.pars.keys())
    return {k: v for k, v in ranges.items() if k in keys}

