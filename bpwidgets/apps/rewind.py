"""HistoryBar: back and forward buttons over an explorer's :class:`~bpwidgets.history.History`."""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as widgets

from bpwidgets.history import History, Moment

__all__ = ["HistoryBar"]


class HistoryBar:
    """The buttons that step through a history, and the line that says where in it the view is.

    Parameters
    ----------
    history : History
    go : callable
        Shows a moment again (its controls set, its result drawn); called by :meth:`back` and :meth:`forward`.
    """

    def __init__(self, history: History, go: Callable[[Moment], Any]):
        self.history = history
        self._go = go
        self.back_button = widgets.Button(description="◀ back", tooltip="the previous parameters again",
                                          disabled=True, layout=widgets.Layout(width="auto"))
        self.forward_button = widgets.Button(description="forward ▶", tooltip="the next parameters again",
                                             disabled=True, layout=widgets.Layout(width="auto"))
        self.label = widgets.HTML(history.describe())
        self.back_button.on_click(lambda _: self.back())
        self.forward_button.on_click(lambda _: self.forward())
        self.widget = widgets.HBox([self.back_button, self.forward_button, self.label])

    def back(self) -> bool:
        """Show the previous moment; False at the first."""
        return self._step(self.history.back())

    def forward(self) -> bool:
        """Show the next moment; False at the last."""
        return self._step(self.history.forward())

    def record(self, moment: Moment) -> None:
        """Add a moment after the one shown."""
        self.history.record(moment)
        self.refresh()

    def refresh(self) -> None:
        """Enable the buttons that lead somewhere and say where the view is."""
        self.back_button.disabled = not self.history.can_back
        self.forward_button.disabled = not self.history.can_forward
        self.label.value = self.history.describe()

    def _step(self, moment: Moment | None) -> bool:
        if moment is None:
            return False
        self._go(moment)
        self.refresh()
        return True
