"""Dashboard: one Hodgkin-Huxley neuron under a chosen input protocol, its gates, and its F-I curve."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps.explorer import Explorer
from bpwidgets.apps.rewind import HistoryBar
from bpwidgets.dashboards.common import title
from bpwidgets.dashboards.hh_runs import constant_columns, run_hh
from bpwidgets.dashboards.lecture import LectureFrame
from bpwidgets.export import ExportBar, table_csv
from bpwidgets.first_pass import FirstPasses, prestarted
from bpwidgets.history import History, Moment
from bpwidgets.params import ParameterPanel
from bpwidgets.plots.figures import line_figure, set_lines, size_figure
from bpwidgets.plots.theme import font_size
from bpwidgets.presets import PresetBar

__all__ = ["protocol_current", "simulate", "fi_curve", "trace", "shared_fi_curve", "rheobase", "HHDashboard",
           "dashboard", "app"]

DURATION, DT = 200.0, 0.02
#: Moments of the lecture. At 8 uA/cm2 rest and firing coexist: the step's onset kicks the neuron into firing,
#: while a slow ramp to the same current leaves it at rest.
PRESETS = {"rest": {"protocol": "step", "amplitude": 1.0},
           "repetitive firing": {"protocol": "step", "amplitude": 20.0},
           "bistability (step)": {"protocol": "step", "amplitude": 8.0},
           "bistability (ramp)": {"protocol": "ramp", "amplitude": 8.0}}
PROTOCOLS = ("step", "ramp", "spikes")


def protocol_current(protocol: str, amplitude: float, duration: float = DURATION, dt: float = DT) -> np.ndarray:
    """The input current (one value per step) of a protocol built with ``bp.inputs``."""
    if protocol == "step":
        current, _ = bp.inputs.constant_current([(0., 20.), (amplitude, duration - 40.), (0., 20.)], dt)
    elif protocol == "ramp":
        current = bp.inputs.ramp_current(0., amplitude, duration, 20., duration - 20., dt)
    elif protocol == "spikes":
        current = bp.inputs.spike_current(list(np.arange(20., duration - 20., 25.)), 2., amplitude, duration, dt)
    else:
        raise bp.errors.ModelUseError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}.")
    return current


def simulate(protocol: str, amplitude: float) -> bp.NeuGroup:
    """Run one HH neuron under the protocol; returns the group with V, m, h, n monitored."""
    return run_hh(protocol_current(protocol, amplitude)[:, None], DURATION, DT)


def fi_curve(currents: np.ndarray, duration: float = 400.0) -> np.ndarray:
    """Steady-state firing rate (Hz, from the last interspike intervals) of HH neurons started at rest under
    constant currents, one neuron per current, in one run (the kernel of :func:`simulate`)."""
    group = run_hh(constant_columns(currents, duration, DT), duration, DT)
    return bp.measure.steady_rate(group.mon.V, DT)


def shared_fi_curve(currents: np.ndarray, duration: float = 400.0) -> np.ndarray:
    """:func:`fi_curve`, computed once for every kernel: the warm-up records it, a later kernel reads it
    (:meth:`bpwidgets.first_pass.FirstPasses.computed`)."""
    currents = np.asarray(currents, dtype=float)
    return FirstPasses().computed("hh_neuron F-I curve", [currents, float(duration), DT],
                                  lambda: {"rates": fi_curve(currents, duration)},
                                  lambda found: found["rates"].shape == currents.shape)["rates"]


def trace(protocol: str, amplitude: float) -> dict[str, np.ndarray]:
    """The run of :func:`simulate` as the dashboard draws it: ``ts`` and the neuron's ``V``, ``m``, ``h``, ``n``
    (one value per step); shared between kernels as :func:`shared_fi_curve` is."""
    def run() -> dict[str, np.ndarray]:
        group = simulate(protocol, amplitude)
        return {"ts": group.mon.ts, **{name: group.mon[name][:, 0] for name in ("V", "m", "h", "n")}}

    return FirstPasses().computed("hh_neuron trace", [str(protocol), float(amplitude), DURATION, DT], run,
                                  lambda found: sorted(found) == ["V", "h", "m", "n", "ts"] and
                                  all(a.ndim == 1 and a.shape == found["ts"].shape for a in found.values()))


def rheobase(currents: np.ndarray, rates: np.ndarray) -> float:
    """The smallest current of the curve with repetitive firing (nan if none fires)."""
    firing = np.nonzero(np.asarray(rates) > 0)[0]
    return float(currents[firing[0]]) if firing.size else float("nan")


class HHDashboard(Explorer):
    """Protocol and amplitude controls, V and gate traces, and the F-I curve with the current amplitude marked."""

    def __init__(self):
        super().__init__()
        self.settings = {"amplitude": 10.0}
        self.panel = ParameterPanel(self.settings, ranges={"amplitude": (0.0, 40.0)},
                                    units={"amplitude": "uA/cm2"},
                                    descriptions={"amplitude": "the protocol's current density"})
        self.protocol = widgets.ToggleButtons(options=PROTOCOLS, value="step", description="protocol")
        self.v_figure, self.v_lines = line_figure("time (ms)", "V (mV)", "membrane potential",
                                                  x_range=(0., DURATION), y_range=(-90., 60.))
        self.gate_figure, self.gate_lines = line_figure("time (ms)", "gate", "m, h, n", n_lines=3,
                                                        x_range=(0., DURATION), y_range=(0., 1.))
        self.gate_lines.colors = ["#d62728", "#1f77b4", "#2ca02c"]
        self.gate_lines.labels = ["m", "h", "n"]
        self.gate_lines.display_legend = True
        self.fi_figure, self.fi_lines = line_figure("current (uA/cm2)", "rate (Hz)", "F-I curve (steady state)",
                                                    n_lines=3, x_range=(0., 40.))
        self.fi_lines.colors = ["#1f77b4", "#ff7f0e", "#7f7f7f"]
        self.fi_lines.line_style = "solid"
        self.currents = np.linspace(0., 40., 81)
        self.rates = shared_fi_curve(self.currents)
        self.rheobase = rheobase(self.currents, self.rates)
        self.panel.on_change(lambda name, value: self.redraw())
        self.protocol.observe(lambda change: self.redraw(), names="value")
        self.presets = PresetBar(PRESETS, [self.panel], extra={"protocol": self._set_protocol})
        self._replaying = False
        self.rewind = HistoryBar(History(), self._go)
        self.export = ExportBar({
            "PNG": ("the three figures as PNG files", lambda d: self._save_figures("png")),
            "SVG": ("the three figures as SVG files", lambda d: self._save_figures("svg")),
            "CSV": ("the trace (time, V, m, h, n) as CSV", lambda d: d.save("hh_trace.csv", self.export_csv(),
                                                                             "text/csv"))})
        self.side = widgets.VBox([self.presets.widget, self.protocol, self.panel.widget, self.info_line,
                                  self.rewind.widget, self.export.widget], layout=widgets.Layout(width="500px"))
        self.widget = widgets.HBox([self.side, widgets.VBox([self.v_figure,
                                                            widgets.HBox([self.gate_figure, self.fi_figure])])])
        self.fit(False)
        self.redraw()
        if prestarted():  # load the kernel a page's first move needs while no page waits (the trace may be read)
            simulate("step", self.settings["amplitude"])

    def fit(self, projector: bool) -> None:
        """Size the figures for the page or for a 1366 x 768 projector."""
        font, width = font_size(projector), 820 if projector else 660
        size_figure(self.v_figure, width, 300 if projector else 230, font)
        for figure in (self.gate_figure, self.fi_figure):
            size_figure(figure, width // 2 - 2, 300 if projector else 230, font)

    def figures(self) -> list[widgets.Widget]:
        """Membrane potential, gates, F-I curve."""
        return [self.v_figure, self.gate_figure, self.fi_figure]

    def state(self) -> dict:
        """Protocol, amplitude and the preset chosen last."""
        return {"protocol": self.protocol.value, "amplitude": float(self.settings["amplitude"]),
                "preset": self.presets.current}

    def restore(self, state: dict) -> list[str]:
        """Set a :meth:`state` again; returns what was refused. A refused value keeps what was shown, and the
        preset is marked only when every value is taken."""
        refused = []
        protocol, amplitude, preset = state.get("protocol"), state.get("amplitude"), state.get("preset")
        low, high = self.panel.ranges["amplitude"]
        # a list or an object from the file cannot be looked up (unhashable): compare text only
        if protocol is not None and not (isinstance(protocol, str) and protocol in PROTOCOLS):
            refused.append(f"protocol: {protocol!r} is not one of {', '.join(PROTOCOLS)}")
        if amplitude is not None and not (isinstance(amplitude, (int, float)) and not isinstance(amplitude, bool)
                                          and low <= amplitude <= high):
            refused.append(f"amplitude: {amplitude!r} is not a number from {low:g} to {high:g} uA/cm2")
        if preset is not None and not (isinstance(preset, str) and preset in PRESETS):
            refused.append(f"preset: no preset {preset!r}")
        if not refused and preset is not None:
            self.presets.apply(preset)
        if isinstance(protocol, str) and protocol in PROTOCOLS:
            self.protocol.value = protocol
        if amplitude is not None and not any(r.startswith("amplitude") for r in refused):
            self.panel.set("amplitude", amplitude)
        return refused

    def export_csv(self) -> bytes:
        """The trace shown: time (ms), V (mV) and the gates, one row per step."""
        ts, columns = self._trace
        return table_csv(["time_ms", "V_mV", "m", "h", "n"], zip(ts.tolist(), *(c.tolist() for c in columns)))

    def _save_figures(self, kind: str) -> None:
        for name, figure in (("hh_voltage", self.v_figure), ("hh_gates", self.gate_figure),
                             ("hh_fi_curve", self.fi_figure)):
            (figure.save_png if kind == "png" else figure.save_svg)(f"{name}.{kind}")

    def _go(self, moment: Moment) -> None:
        self._replaying = True
        try:
            self.protocol.value = moment.values["protocol"]
            self.panel.set("amplitude", moment.values["amplitude"])
        finally:
            self._replaying = False

    def _set_protocol(self, protocol: str) -> None:
        self.protocol.value = protocol

    def redraw(self) -> None:
        """Simulate the current protocol and redraw the traces and the F-I marker."""
        protocol = self.protocol.value if self.protocol.value in PROTOCOLS else "step"
        amplitude = self.settings["amplitude"]
        run = trace(protocol, amplitude)
        ts = run["ts"]
        set_lines(self.v_lines, ts[None, :], run["V"][None, :])
        set_lines(self.gate_lines, np.repeat(ts[None, :], 3, axis=0), np.stack([run["m"], run["h"], run["n"]]))
        marker_rate = np.interp(amplitude, self.currents, self.rates)
        n = self.currents.size
        top = np.linspace(0, max(self.rates.max(), 1.0), n)
        set_lines(self.fi_lines, np.stack([self.currents, [amplitude] * n, [self.rheobase] * n]),
                  np.stack([self.rates, top, top]))
        # counted at 0 mV: under strong drive the peaks stay below the model's own 20 mV spike threshold
        spikes = int(bp.measure.spikes_from_voltage(run["V"][:, None]).sum())
        self.info = (f"{spikes} spikes; steady rate at this constant amplitude {marker_rate:.0f} Hz; rheobase "
                     f"(grey, from rest) {self.rheobase:.1f} uA/cm2")
        self._trace = (ts, [run["V"], run["m"], run["h"], run["n"]])
        if not self._replaying:
            self.rewind.record(Moment(None, {"protocol": protocol, "amplitude": amplitude}))


def dashboard(projector: bool | None = None) -> LectureFrame:
    """The dashboard in its lecture frame."""
    hh = HHDashboard()
    return LectureFrame("hh_neuron", title("Hodgkin-Huxley neuron", "Choose an input protocol and its amplitude."),
                        hh, hh.widget, projector)


def app() -> widgets.Widget:
    """The dashboard widget."""
    return dashboard().widget
