"""Widgets that distrust the browser.

A front end can send any JSON for any synced trait: a string, a list, null, a number out of range, or
a value for a control that is disabled. ipywidgets applies what the traits accept and lets the rest
raise inside the comm handler, which prints a traceback on IOPub and leaves the page showing the bad
value. :class:`BrowserGuard` refuses such messages instead: nothing is applied, the page is put back
to the Python values, and the reason goes to ``refused`` (a short line an app shows to the user).
"""

from __future__ import annotations

import ipywidgets as widgets
from traitlets import HasTraits, TraitError, Unicode

__all__ = ["BrowserGuard", "GuardedSlider", "GuardedFloatText", "GuardedBoundedFloatText", "SLIDER_ROUND_OFF"]


class BrowserGuard(HasTraits):
    """Mix into a widget class: state from the front end that fails validation is refused, not raised."""

    refused = Unicode("", help="Why the last state from the browser was refused (empty when none was).")

    def set_state(self, sync_data: dict) -> None:
        reason = self._refusal(sync_data) if isinstance(sync_data, dict) else "the message was not an object"
        if reason is None:
            try:
                super().set_state(sync_data)
                self.refused = ""
                return
            except (TraitError, TypeError, ValueError, KeyError) as err:
                reason = f"{type(self).__name__}: {str(err).splitlines()[0][:160] if str(err) else 'refused'}"
        self.refused = reason
        keys = [k for k in (sync_data if isinstance(sync_data, dict) else {}) if k in self.keys]
        if keys:
            self.send_state(keys)  # the page shows the Python values again

    def _refusal(self, sync_data: dict) -> str | None:
        """Why ``sync_data`` is refused before the traits see it (None: let them decide)."""
        return None


class _NumberControl(BrowserGuard):
    def _refusal(self, sync_data: dict) -> str | None:
        if "value" not in sync_data:
            return None
        label = self.description or "value"
        if getattr(self, "disabled", False):
            return f"{label} is disabled; the value was not applied."
        value = sync_data["value"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):  # CFloat would cast "1.5" and True
            return f"{label}: {repr(value)[:40]} is not a number; kept {self.value!r}."
        return None


SLIDER_ROUND_OFF = 1e-9
"""A slider's value from the browser this close to the Python one (a fraction of the slider's range) is the
front end's own rounding, not a move: the slider maps the value to a position and back when its view is drawn
and sends the result, 1/sqrt(20) coming back as 0.22360679774997905, which no hand on a slider can make."""


class GuardedSlider(_NumberControl, widgets.FloatSlider):
    """A FloatSlider that refuses bad values from the browser (see the module docstring), and ignores the
    value a view echoes when it is drawn (within :data:`SLIDER_ROUND_OFF` of the range): a page that connects
    to a kernel which has already run its pass would otherwise start that pass again."""

    def set_state(self, sync_data: dict) -> None:
        if isinstance(sync_data, dict) and _round_off(sync_data.get("value"), self.value, self.max - self.min):
            sync_data = {key: value for key, value in sync_data.items() if key != "value"}
            if not sync_data:
                return
        super().set_state(sync_data)


def _round_off(value: object, current: float, span: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value == current:
        return False
    return abs(value - current) <= SLIDER_ROUND_OFF * abs(span)


class GuardedFloatText(_NumberControl, widgets.FloatText):
    """A FloatText that refuses bad values from the browser."""


class GuardedBoundedFloatText(_NumberControl, widgets.BoundedFloatText):
    """A BoundedFloatText that refuses bad values from the browser."""
