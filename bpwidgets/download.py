"""Downloader: an invisible widget that hands bytes from the kernel to the browser as a file."""

from __future__ import annotations

import re

import anywidget
from traitlets import Int, TraitError, validate

import bp_core as bp
from bpwidgets.bundle import DOWNLOADER_MODULE
from bpwidgets.controls import BrowserGuard

__all__ = ["Downloader", "MAX_DOWNLOAD_BYTES"]

MAX_DOWNLOAD_BYTES = 256 * 2**20
"""Largest file sent to the browser at once (a comm message beyond this stalls the page)."""


class Downloader(BrowserGuard, anywidget.AnyWidget):
    """Save bytes as a file in the browser that shows this widget (``save(name, data)``)."""

    _esm = DOWNLOADER_MODULE
    saved = Int(0, help="Files the front end has saved (reported back).").tag(sync=True)

    def save(self, name: str, data: bytes, mime: str = "application/octet-stream") -> None:
        """Send ``data`` to be saved as ``name``."""
        if not re.fullmatch(r"[\w.-]{1,100}", name or ""):
            raise bp.errors.ModelUseError(f"Downloader.save: file name {name!r} must be 1 to 100 letters, digits, "
                                          f"'.', '_' or '-'.")
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise bp.errors.ModelUseError(f"Downloader.save: {name} is {len(data) / 2**20:.0f} MiB, more than "
                                          f"{MAX_DOWNLOAD_BYTES // 2**20} MiB; save it from code instead "
                                          f"(the explorer's export methods return the bytes).")
        self.send({"type": "download", "name": name, "mime": mime}, buffers=[bytes(data)])

    @validate("saved")
    def _count(self, proposal: dict) -> int:
        value = proposal["value"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise TraitError(f"Downloader.saved must be a count, got {value!r}.")
        return value
