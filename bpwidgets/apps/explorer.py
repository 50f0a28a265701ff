"""Explorer: the base of every explorer, holding what it shows in traits that its view follows.

An explorer's state (its last error, its one-line summary, and whatever its subclass adds) lives in
traits; the widgets that show it are wired to them with ``dlink``, so code, tests and linked
explorers read and set the state, never the widgets.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
from traitlets import HasTraits, Unicode, dlink

from bpwidgets.text import error_html

__all__ = ["Explorer"]


class Explorer(HasTraits):
    """State shared by the explorers, and their display.

    Attributes
    ----------
    error : str
        The last error as plain text; empty when there is none.
    info : str
        One line about what is shown.
    error_line, info_line : ipywidgets.HTML
        The view of ``error`` and ``info``.
    widget : ipywidgets.Widget
        The whole explorer (set by the subclass).
    """

    error = Unicode("", help="The last error as plain text; empty when there is none.")
    info = Unicode("", help="One line about what is shown.")

    def __init__(self) -> None:
        super().__init__()
        self.error_line = widgets.HTML("")
        self.info_line = widgets.HTML("")
        dlink((self, "error"), (self.error_line, "value"), error_html)
        dlink((self, "info"), (self.info_line, "value"), html.escape)

    def report(self, err: BaseException | str) -> None:
        """Show ``err`` on the error line (an exception as its type and the first line of its message)."""
        if isinstance(err, BaseException):
            lines = str(err).splitlines()
            err = f"{type(err).__name__}: {lines[0] if lines else ''}"
        self.error = err

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
