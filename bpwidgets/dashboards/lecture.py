"""The frame of a dashboard in a lecture: a projector mode, figures revealed one at a time, and the state
saved to a file so that the next lecture starts where this one stopped.

A dashboard given to :class:`LectureFrame` provides four things (:class:`Lecturable`): ``fit(projector)``
sizes its figures, ``figures()`` lists them in the order they are revealed, ``state()`` returns its
parameters, preset and pass as plain JSON values, and ``restore(state)`` sets them again, returning what
it refused.
"""

from __future__ import annotations

import json
import os
from typing import Any, Protocol

import ipywidgets as widgets

import bp_core as bp
from bpwidgets.dashboards import PROJECTOR_ENV
from bpwidgets.download import Downloader
from bpwidgets.plots.theme import PROJECTOR_CLASS, style_sheet
from bpwidgets.shared_models import share_models
from bpwidgets.text import error_html

__all__ = ["Lecturable", "LectureFrame", "STATE_FORMAT", "MAX_STATE_BYTES", "state_json", "read_state",
           "projector_default"]

STATE_FORMAT = 1
"""Version of the state file's layout."""
MAX_STATE_BYTES = 1_000_000
"""Largest state file read (a dashboard's state is a few hundred bytes)."""


class Lecturable(Protocol):
    """What a dashboard gives its frame."""

    def fit(self, projector: bool) -> None:
        """Size the figures for the normal page or a 1366 x 768 projector."""

    def figures(self) -> list[widgets.Widget]:
        """The figures, in the order they are revealed."""

    def state(self) -> dict[str, Any]:
        """Parameters, preset and pass as JSON values."""

    def restore(self, state: dict[str, Any]) -> list[str]:
        """Set a saved state again; returns what was refused, and why."""


def projector_default() -> bool:
    """Whether dashboards open in projector mode (``bpwidgets demo --projector`` sets it for its kernels)."""
    return os.environ.get(PROJECTOR_ENV, "") == "1"


def state_json(name: str, state: dict[str, Any]) -> bytes:
    """The state file of dashboard ``name``: its name, the format version and the state, as JSON."""
    try:
        return json.dumps({"dashboard": name, "format": STATE_FORMAT, "state": state}, indent=1,
                          allow_nan=False).encode()
    except (TypeError, ValueError) as err:
        raise bp.errors.ModelUseError(f"the state of {name} cannot be saved as JSON ({err}); a dashboard's "
                                      f"state must hold finite numbers, text, lists and dicts only.") from None


def read_state(name: str, data: bytes) -> dict[str, Any]:
    """The state in a file written by :func:`state_json` for dashboard ``name``; anything else is refused with
    a :class:`bp.errors.ModelUseError` that says what is wrong."""
    if len(data) > MAX_STATE_BYTES:
        raise bp.errors.ModelUseError(f"the state file is {len(data)} bytes, more than {MAX_STATE_BYTES}; "
                                      f"load a file saved by this dashboard's 'save state' button.")
    try:
        content = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise bp.errors.ModelUseError(f"the state file is not JSON ({err}); load a file saved by the "
                                      f"'save state' button.") from None
    except RecursionError:  # lists in lists thousands deep: JSON, but no state file
        raise bp.errors.ModelUseError("the state file nests its values too deep to be a dashboard's state; load a "
                                      "file saved by the 'save state' button.") from None
    if not isinstance(content, dict) or not isinstance(content.get("state"), dict):
        raise bp.errors.ModelUseError("the state file has no 'state' object; load a file saved by the "
                                      "'save state' button.")
    if content.get("dashboard") != name:
        raise bp.errors.ModelUseError(f"the state file is for dashboard {content.get('dashboard')!r}, not "
                                      f"{name!r}; open that dashboard to load it.")
    if content.get("format") != STATE_FORMAT:
        raise bp.errors.ModelUseError(f"the state file has format {content.get('format')!r}; this version "
                                      f"reads format {STATE_FORMAT}.")
    return content["state"]


class LectureFrame:
    """A dashboard with its lecture controls above it: projector, reveal, next figure, save and load state.

    Parameters
    ----------
    name : str
        The dashboard's name (in the state file, which only this dashboard loads).
    heading : ipywidgets.Widget
        The title line.
    dashboard : Lecturable
    body : ipywidgets.Widget
        What the dashboard shows.
    projector : bool, optional
        Start in projector mode (default: :func:`projector_default`).
    """

    def __init__(self, name: str, heading: widgets.Widget, dashboard: Lecturable, body: widgets.Widget,
                 projector: bool | None = None):
        self.name = name
        self.dashboard = dashboard
        self.projector = widgets.ToggleButton(description="projector", tooltip="large fonts; figures that fit "
                                              "a 1366 x 768 projector", layout=widgets.Layout(width="auto"))
        self.reveal = widgets.ToggleButton(description="reveal", tooltip="show the figures one at a time",
                                           layout=widgets.Layout(width="auto"))
        self.next_button = widgets.Button(description="next figure ▶", disabled=True,
                                          tooltip="show the next figure", layout=widgets.Layout(width="auto"))
        self.save_button = widgets.Button(description="save state", layout=widgets.Layout(width="auto"),
                                          tooltip="parameters, preset and pass as a JSON file")
        self.load_button = widgets.FileUpload(description="load state", accept=".json", multiple=False,
                                              layout=widgets.Layout(width="auto"))
        self.message = widgets.HTML("")
        self.downloader = Downloader()
        self.shown = 0
        """Figures shown in reveal mode."""
        self.projector.observe(lambda change: self.set_projector(change["new"]), names="value")
        self.reveal.observe(lambda change: self.set_reveal(change["new"]), names="value")
        self.next_button.on_click(lambda _: self.reveal_next())
        self.save_button.on_click(lambda _: self.save())
        self.load_button.observe(self._uploaded, names="value")
        tools = widgets.HBox([self.projector, self.reveal, self.next_button, self.save_button, self.load_button,
                              self.message, self.downloader], layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([style_sheet(), widgets.HBox([heading, tools], layout=widgets.Layout(
            flex_flow="row wrap", align_items="center", justify_content="space-between")), body])
        self.widget.add_class("bp-dashboard")
        self.projector.value = projector_default() if projector is None else bool(projector)
        if not self.projector.value:
            dashboard.fit(False)
        share_models(self.widget)  # about a third fewer models for the page to load and build

    # -- projector -----------------------------------------------------------------------------

    def set_projector(self, on: bool) -> None:
        """Switch projector mode on or off."""
        (self.widget.add_class if on else self.widget.remove_class)(PROJECTOR_CLASS)
        self.dashboard.fit(bool(on))
        if self.projector.value != bool(on):
            self.projector.value = bool(on)

    # -- reveal --------------------------------------------------------------------------------

    def set_reveal(self, on: bool) -> None:
        """In reveal mode only the first figure shows; :meth:`reveal_next` shows the next. Off: all show."""
        self.shown = 1 if on else len(self.dashboard.figures())
        self.next_button.disabled = not on
        self._show()

    def reveal_next(self) -> bool:
        """Show one more figure; False when all are shown."""
        figures = self.dashboard.figures()
        if self.shown >= len(figures):
            return False
        self.shown += 1
        self._show()
        return True

    def _show(self) -> None:
        figures = self.dashboard.figures()
        for k, figure in enumerate(figures):
            figure.layout.visibility = "visible" if k < self.shown else "hidden"
        self.next_button.disabled = not self.reveal.value or self.shown >= len(figures)

    # -- state ---------------------------------------------------------------------------------

    def state_file(self) -> bytes:
        """The dashboard's state as the bytes of a state file (projector mode included)."""
        return state_json(self.name, {"projector": bool(self.projector.value), **self.dashboard.state()})

    def load(self, data: bytes) -> list[str]:
        """Restore a state file's content; what was refused is shown and returned, the rest is applied."""
        try:
            state = read_state(self.name, data)
        except bp.errors.ModelUseError as err:
            self.message.value = error_html(str(err))
            return [str(err)]
        if isinstance(state.get("projector"), bool):
            self.set_projector(state["projector"])
        refused = self.dashboard.restore(state)
        self.message.value = error_html("; ".join(refused)) if refused else "state loaded"
        return refused

    def save(self) -> None:
        """Have the browser save the state file."""
        try:
            self.downloader.save(f"{self.name}-state.json", self.state_file(), "application/json")
            self.message.value = ""
        except bp.errors.ModelUseError as err:
            self.message.value = error_html(str(err))

    def _uploaded(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        self.load(bytes(files[0]["content"]))
