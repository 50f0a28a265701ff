"""PresetBar: named parameter sets for the moments of a lecture, one click each."""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as widgets

import bp_core as bp
from bpwidgets.params import ParameterPanel
from bpwidgets.text import error_html

__all__ = ["PresetBar", "find_control"]


def find_control(panels: list[ParameterPanel], key: str) -> tuple[ParameterPanel, str] | None:
    """The panel and parameter name ``key`` means: a slider label first, then a parameter name (None: no such
    control)."""
    for panel in panels:
        for name, label in panel.labels.items():
            if label == key:
                return panel, name
    for panel in panels:
        if key in panel.names:
            return panel, key
    return None


class PresetBar:
    """Buttons that set several parameters at once.

    Parameters
    ----------
    presets : dict
        Preset name -> {parameter name or its slider label -> value}; every name must belong to one of
        ``panels`` (or be a key of ``extra``). Labels tell apart panels that hold the same parameter name.
    panels : list of ParameterPanel
        Where the parameters live (the first panel holding a name gets it).
    extra : dict, optional
        Name -> setter for values that are not panel parameters (a protocol choice, say).
    """

    def __init__(self, presets: dict[str, dict[str, Any]], panels: list[ParameterPanel],
                 extra: dict[str, Callable[[Any], None]] | None = None):
        self.presets = {name: dict(values) for name, values in presets.items()}
        self.panels = list(panels)
        self.extra = dict(extra or {})
        for preset, values in self.presets.items():
            for name in values:
                if name not in self.extra and self._find(name) is None:
                    known = sorted({n for panel in self.panels for n in [*panel.names, *panel.labels.values()]} |
                                   set(self.extra))
                    raise bp.errors.ModelUseError(f"preset {preset!r} sets {name!r}, which no panel holds."
                                                  f"{bp.errors.close_matches(name, known)}")
        self.current: str | None = None
        self.message = widgets.HTML("")
        self.buttons = []
        for name in self.presets:
            button = widgets.Button(description=name, tooltip=self._describe(name),
                                    layout=widgets.Layout(width="auto"))
            button.on_click(lambda _, n=name: self.apply(n))
            self.buttons.append(button)
        self.widget = widgets.HBox([widgets.HTML("<b>presets</b>"), *self.buttons, self.message],
                                   layout=widgets.Layout(flex_flow="row wrap"))

    def _find(self, key: str) -> tuple[ParameterPanel, str] | None:
        return find_control(self.panels, key)

    def _describe(self, name: str) -> str:
        return ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
                         for k, v in self.presets[name].items())

    def apply(self, name: str) -> bool:
        """Set every value of preset ``name``; a refused value is reported and the others stay set."""
        if name not in self.presets:
            raise bp.errors.ModelUseError(f"no preset {name!r}; the presets are {', '.join(self.presets)}.")
        refused = []
        for key, value in self.presets[name].items():
            if key in self.extra:
                self.extra[key](value)
                continue
            panel, parameter = self._find(key)
            if not panel.set(parameter, value):
                refused.append(f"{key}: {panel.message}")
        self.current = name
        for button, preset in zip(self.buttons, self.presets):
            button.button_style = "info" if preset == name else ""
        self.message.value = error_html("; ".join(refused)) if refused else ""
        return not refused
