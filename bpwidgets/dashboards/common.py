"""Pieces shared by the dashboards."""

from __future__ import annotations

import html

import ipywidgets as widgets

__all__ = ["title", "Rebuilder"]


def title(text: str, subtitle: str = "") -> widgets.HTML:
    """A heading with an optional line of explanation."""
    # a quieter line that follows the theme's text colour (a fixed grey is unreadable on a dark page)
    sub = f"<div style='opacity:0.75'>{html.escape(subtitle)}</div>" if subtitle else ""
    return widgets.HTML(f"<h2 style='margin:4px 0'>{html.escape(text)}</h2>{sub}")


class Rebuilder:
    """A box whose content is rebuilt (new network, new explorer) when a structural control changes."""

    def __init__(self, build, controls: list[widgets.Widget]):
        self.build = build
        self.controls = controls
        self.body = widgets.VBox([])
        self.current = None
        for control in controls:
            control.observe(lambda change: self.rebuild(), names="value")
        self.widget = widgets.VBox([widgets.HBox(controls), self.body])
        self.rebuild()

    def rebuild(self) -> None:
        """Close the previous content and build a new one from the controls' values."""
        if self.current is not None and hasattr(self.current, "runner"):
            self.current.runner.close()
        self.current = self.build(*[c.value for c in self.controls])
        self.body.children = [self.current.widget]
