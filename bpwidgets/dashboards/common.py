"""Pieces shared by the dashboards."""

from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as widgets

from bpwidgets.apps import NetworkExplorer
from bpwidgets.dashboards.lecture import LectureFrame
from bpwidgets.shared_models import share_models

__all__ = ["title", "Rebuilder", "NetworkDashboard"]


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
        self.on_build: list[Callable[[Any], None]] = []
        """Called with the new content after each rebuild."""
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
        for callback in self.on_build:
            callback(self.current)


class NetworkDashboard:
    """A network explorer rebuilt when a structural control moves, in a :class:`LectureFrame`.

    Parameters
    ----------
    name : str
    heading : ipywidgets.Widget
    control : ipywidgets.Widget
        The structural control (its ``description`` names it in the state file).
    build : callable
        Builds the content from the control's value: a NetworkExplorer or anything with ``explorer`` and
        ``widget``.
    projector : bool, optional
    """

    def __init__(self, name: str, heading: widgets.Widget, control: widgets.Widget, build: Callable[[Any], Any],
                 projector: bool | None = None):
        self.control = control
        self.projector = False
        self.rebuilder = Rebuilder(build, [control])
        self.frame = LectureFrame(name, heading, self, self.rebuilder.widget, projector)
        self.rebuilder.on_build.append(lambda content: self._built())
        self.widget = self.frame.widget

    @property
    def explorer(self) -> NetworkExplorer:
        """The explorer shown now."""
        current = self.rebuilder.current
        return getattr(current, "explorer", current)

    def _built(self) -> None:
        self.explorer.fit(self.projector)
        self.frame.set_reveal(self.frame.reveal.value)
        share_models(self.widget)

    def fit(self, projector: bool) -> None:
        """Size the explorer's figures for the page or the projector."""
        self.projector = projector
        self.explorer.fit(projector)

    def figures(self) -> list[widgets.Widget]:
        """Raster, rate, traces."""
        return self.explorer.figure_widgets()

    def state(self) -> dict[str, Any]:
        """The structural control's value and the explorer's state."""
        return {self.control.description: self.control.value, **self.explorer.state()}

    def restore(self, state: dict[str, Any]) -> list[str]:
        """Rebuild for the saved structural value if it differs, then restore the explorer."""
        value, refused = state.get(self.control.description), []
        if value is not None:
            if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                    self.control.min <= value <= self.control.max:
                self.control.value = value
            else:
                refused.append(f"{self.control.description}: {value!r} is outside [{self.control.min}, "
                               f"{self.control.max}]")
        return refused + self.explorer.restore(state)
