"""Colours and font sizes of the figures, following the page's theme and the projector mode.

Marks take their colours from CSS variables (``var(--bp-cycle, ...)``) that a style sheet sets for the
light and the dark theme (JupyterLab and Voila mark a dark page with ``data-jp-theme-light="false"``), so a
figure reads on either without knowing which it is on. Each colour reaches a contrast of at least 4.5
against the theme's background (white, and JupyterLab Dark's #111).

The projector mode is a class on the dashboard's box: under it, tick labels, axis labels, titles,
legends, sliders and text lines grow to :data:`PROJECTOR_FONT` pixels.
"""

from __future__ import annotations

import ipywidgets as widgets

__all__ = ["COLORS", "color", "THEME_CSS", "style_sheet", "NORMAL_FONT", "PROJECTOR_FONT", "PROJECTOR_CLASS",
           "font_size"]

NORMAL_FONT = 12
"""Tick label size (px) of bqplot's own style."""
PROJECTOR_FONT = 18
"""Least size (px) of every text of a dashboard in projector mode."""
PROJECTOR_CLASS = "bp-projector"

COLORS = {  # name -> (light theme, dark theme)
    "cycle": ("#1a7f1a", "#5cd65c"),
    "point": ("#c62828", "#ff6e6e"),
    "marker": ("#1f5fa0", "#6cb4ff"),
    "accent": ("#b35900", "#ffa64d"),
}
"""Colours of marks, each for the light and the dark theme."""


def color(name: str) -> str:
    """The CSS colour of mark ``name``: the theme's text colour for ``"ink"``, else a theme variable (the light
    colour as its fallback where no style sheet is loaded)."""
    if name == "ink":
        return "var(--jp-content-font-color1, #222222)"
    return f"var(--bp-{name}, {COLORS[name][0]})"


def _variables(theme: int) -> str:
    return " ".join(f"--bp-{name}: {pair[theme]};" for name, pair in COLORS.items())


THEME_CSS = f"""
:root {{ {_variables(0)} }}
body[data-jp-theme-light="false"] {{ {_variables(1)} }}
.{PROJECTOR_CLASS} {{
  --jp-widgets-font-size: {PROJECTOR_FONT}px; --jp-ui-font-size1: {PROJECTOR_FONT}px;
  --jp-content-font-size1: {PROJECTOR_FONT}px; --jp-widgets-inline-height: 34px;
  --jp-widgets-inline-label-width: 110px;
  --bq-font: {PROJECTOR_FONT}px sans-serif; --bq-axis-tick-text-font: {PROJECTOR_FONT}px sans-serif;
  --bq-axislabel-font: {PROJECTOR_FONT + 2}px sans-serif; --bq-mainheading-font: {PROJECTOR_FONT + 2}px sans-serif;
  --bq-mainheading-font-size: {PROJECTOR_FONT + 2}px;
  font-size: {PROJECTOR_FONT}px;
}}
.{PROJECTOR_CLASS} .bqplot > svg text.legendtext {{ font-size: {PROJECTOR_FONT}px; }}
.{PROJECTOR_CLASS} .widget-html-content, .{PROJECTOR_CLASS} .widget-label, .{PROJECTOR_CLASS} .widget-readout,
.{PROJECTOR_CLASS} .widget-button, .{PROJECTOR_CLASS} .widget-toggle-button, .{PROJECTOR_CLASS} input,
.{PROJECTOR_CLASS} .widget-tab > .lm-TabBar {{ font-size: {PROJECTOR_FONT}px; }}
.{PROJECTOR_CLASS} h2 {{ font-size: {PROJECTOR_FONT + 6}px; }}
.{PROJECTOR_CLASS} .widget-inline-hbox > .widget-label {{ width: 100px !important; }}
.{PROJECTOR_CLASS} .widget-button {{ width: auto !important; }}
"""
"""The theme colours and the projector mode's sizes."""


def style_sheet() -> widgets.HTML:
    """A hidden widget holding :data:`THEME_CSS`; put one in every widget tree whose figures use :func:`color`."""
    return widgets.HTML(f"<style>{THEME_CSS}</style>", layout=widgets.Layout(display="none"))


def font_size(projector: bool) -> int:
    """Tick label size (px) in or out of projector mode."""
    return PROJECTOR_FONT if projector else NORMAL_FONT
