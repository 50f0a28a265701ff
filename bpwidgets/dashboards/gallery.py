"""The gallery page of ``bpwidgets demo``: a link per dashboard, and which dashboards are still being prepared.

The links are plain HTML, clickable as soon as the page arrives. Below them a line says which dashboards the
background warm-up (:mod:`bpwidgets.warm_board`) is still compiling; it follows the board while the gallery's
kernel lives and empties once every dashboard is ready.
"""

from __future__ import annotations

import asyncio
import html

import ipywidgets as widgets
from IPython.display import HTML, display

from bpwidgets.dashboards import DASHBOARD_DIR, DASHBOARDS
from bpwidgets.warm_board import WarmBoard

__all__ = ["links", "preparing", "status_widget", "app"]

POLL_SECONDS = 1.0


def links() -> HTML:
    """The gallery's heading and one link per dashboard, with its description."""
    rows = "".join(f"<li style='margin:8px 0'><a href='{name}.ipynb' style='font-size:18px'>"
                   f"{html.escape(name.replace('_', ' '))}</a><div style='color:#555'>{html.escape(text)}</div></li>"
                   for name, text in DASHBOARDS.items())
    return HTML(f"<h1>bpwidgets dashboards</h1><ul style='list-style:none;padding:0'>{rows}</ul>")


def preparing(board: WarmBoard | None) -> str:
    """The status line for ``board``: the dashboards still queued or compiling, or '' when none is."""
    if board is None or board.ended:
        return ""
    states = {name: board.state(DASHBOARD_DIR / f"{name}.ipynb") for name in DASHBOARDS}
    compiling = [name for name, state in states.items() if state == "warming"]
    queued = [name for name, state in states.items() if state == "queued"]
    if not compiling and not queued:
        return ""
    parts = [f"{html.escape(name.replace('_', ' '))} (compiling now)" for name in compiling]
    parts += [html.escape(name.replace("_", " ")) for name in queued]
    return ("<div style='font-size:16px'>Being prepared on this first start (their models compile once): "
            f"{', '.join(parts)}. A page opened now opens once its dashboard is ready.</div>")


async def _follow(status: widgets.HTML, board: WarmBoard) -> None:
    while status.value:
        await asyncio.sleep(POLL_SECONDS)
        status.value = preparing(board)


def status_widget(board: WarmBoard | None = None) -> widgets.HTML:
    """The status line, kept up to date from ``board`` (the environment's by default) on the kernel's event
    loop until nothing is pending."""
    board = board if board is not None else WarmBoard.from_environment()
    status = widgets.HTML(preparing(board))
    if status.value:
        status._follow_task = asyncio.ensure_future(_follow(status, board))  # kept: a task nobody holds may go
    return status


def app() -> widgets.HTML:
    """Show the links; returns the status line (the cell's output)."""
    display(links())
    return status_widget()
