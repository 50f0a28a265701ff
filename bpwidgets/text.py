"""Short HTML lines the widgets show the user."""

from __future__ import annotations

import html

__all__ = ["error_html", "one_line"]


def error_html(message: str) -> str:
    """``message`` as one escaped line marked as an error, readable in light and dark themes.

    The text takes the theme's text colour and a red bar marks it: no single red reads well on both a white
    and a near-black page (JupyterLab's error reds reach 4.4:1 at best on its dark background).
    """
    if not message:
        return ""
    return (f"<span class='bp-error' style='color: var(--jp-content-font-color1, #1f1f1f); "
            f"border-left: 4px solid var(--jp-error-color1, #c62828); padding-left: 6px'>{html.escape(message)}</span>")


def one_line(err: BaseException) -> str:
    """``err`` as the widgets show it: its type and the first line of its message."""
    lines = str(err).splitlines()
    return f"{type(err).__name__}: {lines[0] if lines else ''}"
