"""Dashboard: one Hodgkin-Huxley neuron under a chosen input protocol, its gates, and its F-I curve."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps.explorer import Explorer
from bpwidgets.dashboards.common import title
from bpwidgets.params import ParameterPanel
from bpwidgets.plots.figures import line_figure, set_lines
from bpwidgets.presets import PresetBar

__all__ = ["protocol_current", "simulate", "fi_curve", "rheobase", "HHDashboard", "app"]

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
    group = bp.NeuGroup(bp.models.get_HH(), 1, monitors=['V', 'm', 'h', 'n'])
    with bp.profile.override(dt=DT):  # the global profile stays as it is
        group.run(DURATION, inputs=('input', protocol_current(protocol, amplitude)))
    return group


def fi_curve(currents: np.ndarray, duration: float = 400.0) -> np.ndarray:
    """Steady-state firing rate (Hz, from the last interspike intervals) of HH neurons started at rest under
    constant currents, one neuron per current, in one run."""
    group = bp.NeuGroup(bp.models.get_HH(), len(currents), monitors=['V'])
    with bp.profile.override(dt=DT):
        group.run(duration, inputs=('input', np.asarray(currents, dtype=float)))
    return bp.measure.steady_rate(group.mon.V, DT)


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
        self.v_figure, self.v_lines = line_figure("time (ms)", "V (mV)", "membrane potential")
        self.gate_figure, self.gate_lines = line_figure("time (ms)", "gate", "m, h, n", n_lines=3)
        self.gate_lines.colors = ["#d62728", "#1f77b4", "#2ca02c"]
        self.gate_lines.labels = ["m", "h", "n"]
        self.gate_lines.display_legend = True
        self.fi_figure, self.fi_lines = line_figure("current (uA/cm2)", "rate (Hz)", "F-I curve (steady state)",
                                                    n_lines=3)
        self.fi_lines.colors = ["#1f77b4", "#ff7f0e", "#7f7f7f"]
        self.fi_lines.line_style = "solid"
        self.currents = np.linspace(0., 40., 81)
        self.rates = fi_curve(self.currents)
        self.rheobase = rheobase(self.currents, self.rates)
        self.panel.on_change(lambda name, value: self.redraw())
        self.protocol.observe(lambda change: self.redraw(), names="value")
        self.presets = PresetBar(PRESETS, [self.panel], extra={"protocol": self._set_protocol})
        self.widget = widgets.VBox([title("Hodgkin-Huxley neuron", "Choose an input protocol and its amplitude."),
                                    self.presets.widget, self.protocol, self.panel.widget, self.info_line,
                                    widgets.HBox([widgets.VBox([self.v_figure, self.gate_figure]), self.fi_figure])])
        self.redraw()

    def _set_protocol(self, protocol: str) -> None:
        self.protocol.value = protocol

    def redraw(self) -> None:
        """Simulate the current protocol and redraw the traces and the F-I marker."""
        protocol = self.protocol.value if self.protocol.value in PROTOCOLS else "step"
        amplitude = self.settings["amplitude"]
        group = simulate(protocol, amplitude)
        ts = group.mon.ts
        set_lines(self.v_lines, ts[None, :], group.mon.V[:, 0][None, :])
        set_lines(self.gate_lines, np.repeat(ts[None, :], 3, axis=0),
                  np.stack([group.mon.m[:, 0], group.mon.h[:, 0], group.mon.n[:, 0]]))
        marker_rate = np.interp(amplitude, self.currents, self.rates)
        n = self.currents.size
        top = np.linspace(0, max(self.rates.max(), 1.0), n)
        set_lines(self.fi_lines, np.stack([self.currents, [amplitude] * n, [self.rheobase] * n]),
                  np.stack([self.rates, top, top]))
        # counted at 0 mV: under strong drive the peaks stay below the model's own 20 mV spike threshold
        spikes = int(bp.measure.spikes_from_voltage(group.mon.V).sum())
        self.info = (f"{spikes} spikes; steady rate at this constant amplitude {marker_rate:.0f} Hz; rheobase "
                     f"(grey, from rest) {self.rheobase:.1f} uA/cm2")


def app() -> widgets.Widget:
    """The dashboard widget."""
    return HHDashboard().widget
