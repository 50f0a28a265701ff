"""ParameterPanel: the numeric parameters of a model as validated traits, with slider views."""

from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as widgets
import numpy as np
from traitlets import HasTraits, TraitError, Unicode

import bp_core as bp
from bpwidgets.controls import GuardedFloatText, GuardedSlider
from bpwidgets.text import error_html
from bpwidgets.traits import BoundedParameter

__all__ = ["ParameterPanel", "default_range", "readout_format"]


def default_range(value: float) -> tuple[float, float]:
    """A range around ``value``: [0, 2v] for positive, [2v, 0] for negative, [-1, 1] for zero."""
    if value > 0:
        return 0.0, 2.0 * value
    if value < 0:
        return 2.0 * value, 0.0
    return -1.0, 1.0


def readout_format(low: float, high: float) -> str:
    """A number format with about three significant digits over the range [low, high]."""
    span = high - low
    digits = max(0, int(np.ceil(-np.log10(span / 100)))) if span > 0 and np.isfinite(span) else 3
    return f".{min(digits, 8)}f"


def _source(target: Any) -> tuple[Callable[[str], Any], Callable[[str, float], None], list[str]]:
    """How to read, write and list the parameters of a group, a model or a plain dict."""
    if isinstance(target, (bp.NeuGroup, bp.SynConn)):
        pars = target.pars
        return pars.__getitem__, pars.__setitem__, pars.keys()
    if isinstance(target, bp.core.ObjType):
        pars = target.pars
        return pars.__getitem__, pars.__setitem__, list(pars)
    if isinstance(target, dict):
        return target.__getitem__, target.__setitem__, list(target)
    raise bp.errors.ModelUseError(f"ParameterPanel needs a NeuGroup, SynConn, NeuType/SynType or dict, got {target!r}.")


class ParameterPanel(HasTraits):
    """Numeric parameters of ``target`` as traits, each a finite number within its range.

    Setting a trait (from code or from its slider) writes the value into the target's
    parameters and notifies the listeners; a refused value leaves the model unchanged
    and is reported in ``message``.

    Parameters
    ----------
    target : NeuGroup, SynConn, NeuType, SynType or dict
    names : list of str, optional
        Parameters to show (default: every scalar parameter).
    ranges : dict, optional
        Name -> (min, max); others get :func:`default_range` of their current value.
    labels : dict, optional
        Name -> text shown beside its slider (default: the name).
    units, descriptions : dict, optional
        Name -> unit shown after the value, and a one-line description shown on hover (default: what the
        model declares, ``NeuType(..., units=..., descriptions=...)``).
    reset_button : bool
        Show a Reset button under the sliders (off where one control resets several panels).
    """

    message = Unicode("", help="The last refused value, explained; empty when all is well.")

    def __init__(self, target: Any, names: list[str] | None = None, ranges: dict | None = None,
                 labels: dict | None = None, units: dict | None = None, descriptions: dict | None = None,
                 reset_button: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.target = target
        self._read, self._write, available = _source(target)
        ranges = dict(ranges or {})
        if names is None:
            names = [n for n in available if np.ndim(self._read(n)) == 0]
        unknown = [n for n in list(names) + list(ranges) if n not in available]
        if unknown:
            raise bp.errors.ModelUseError(f"unknown parameter {unknown[0]!r}." +
                                          bp.errors.close_matches(unknown[0], available))
        self.names = list(names)
        self.labels = {n: (labels or {}).get(n, n) for n in self.names}
        self.reset_button = reset_button
        model = getattr(target, "model", target)
        declared_units = {**getattr(model, "units", {}), **(units or {})}
        declared_text = {**getattr(model, "descriptions", {}), **(descriptions or {})}
        self.units = {n: declared_units[n] for n in self.names if n in declared_units}
        self.descriptions = {n: declared_text[n] for n in self.names if n in declared_text}
        self.defaults = {n: float(self._read(n)) for n in self.names}
        self.ranges = {n: tuple(map(float, ranges.get(n, default_range(self.defaults[n])))) for n in self.names}
        for name, (low, high) in self.ranges.items():
            if not low < high:
                raise bp.errors.ModelUseError(f"range of {name!r} must have min < max, got {(low, high)}.")
            if not low <= self.defaults[name] <= high:
                raise bp.errors.ModelUseError(f"{name!r} = {self.defaults[name]:g} lies outside its range "
                                              f"{(low, high)}.")
        self.add_traits(**{n: BoundedParameter(self.defaults[n], *self.ranges[n]) for n in self.names})
        for name in self.names:
            setattr(self, name, self.defaults[name])
        self.observe(self._changed, names=self.names)
        self._listeners: list[Callable[[str, float], None]] = []
        self._view: widgets.Widget | None = None

    def on_change(self, callback: Callable[[str, float], None]) -> None:
        """Call ``callback(name, value)`` after every accepted change."""
        self._listeners.append(callback)

    def _changed(self, change: dict) -> None:
        self._write(change["name"], change["new"])
        self.message = ""
        for callback in self._listeners:
            callback(change["name"], change["new"])

    def set(self, name: str, value: Any) -> bool:
        """Set a parameter; a refused value leaves everything unchanged, sets ``message`` and returns False."""
        try:
            setattr(self, name, value)
        except TraitError as err:
            self.message = str(err)
            return False
        return True

    def values(self) -> dict[str, float]:
        """Current values of the panel's parameters."""
        return {n: getattr(self, n) for n in self.names}

    def reset(self) -> None:
        """Put every parameter back to its initial value."""
        for name, value in self.defaults.items():
            setattr(self, name, value)

    # -- view ----------------------------------------------------------------------------------

    @property
    def widget(self) -> widgets.Widget:
        """Sliders with number boxes, a reset button and a message line."""
        if self._view is None:
            self._view = self._build_view()
        return self._view

    def _build_view(self) -> widgets.Widget:
        rows = []
        self.sliders: dict[str, widgets.FloatSlider] = {}
        for name in self.names:
            low, high = self.ranges[name]
            # step=None: any value; a stepped slider would snap the initial value and echo it back
            slider = GuardedSlider(value=getattr(self, name), min=low, max=high, step=None,
                                   description=self.labels[name], continuous_update=True, readout=True,
                                   readout_format=readout_format(low, high), tooltip=self.descriptions.get(name, ""),
                                   description_allow_html=False, style={"description_width": "90px"},
                                   layout=widgets.Layout(width="360px"))
            box = GuardedFloatText(value=getattr(self, name), layout=widgets.Layout(width="100px"),
                                   tooltip="type an exact value")
            for control in (slider, box):
                control.observe(lambda change, n=name, c=control: self._from_control(n, c, change), names="value")
                control.observe(lambda change: change["new"] and setattr(self, "message", change["new"]),
                                names="refused")
            self.observe(lambda change, s=slider, b=box: self._to_controls(change, s, b), names=name)
            self.sliders[name] = slider
            unit = widgets.HTML(html.escape(self.units.get(name, "")), layout=widgets.Layout(width="70px"))
            rows.append(widgets.HBox([slider, box, unit]))
        message = widgets.HTML(error_html(self.message))
        self.observe(lambda change: setattr(message, "value", error_html(change["new"])), names="message")
        if not self.reset_button:
            return widgets.VBox(rows + [message])
        reset = widgets.Button(description="Reset", tooltip="Back to the initial values")
        reset.on_click(lambda _: self.reset())
        return widgets.VBox(rows + [widgets.HBox([reset, message])])

    def _from_control(self, name: str, control: widgets.Widget, change: dict) -> None:
        if change["new"] == getattr(self, name):
            return
        if getattr(control, "disabled", False):  # set from code while disabled: the panel keeps its value
            control.value = getattr(self, name)
            return
        if not self.set(name, change["new"]):
            control.value = getattr(self, name)  # back to the last good value

    def _to_controls(self, change: dict, slider: widgets.FloatSlider, box: widgets.FloatText) -> None:
        for control in (slider, box):
            if control.value != change["new"]:
                control.value = change["new"]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

