"""RasterCanvas: a canvas-drawn spike raster fed with binary chunks (an anywidget)."""

from __future__ import annotations

from typing import Any

import anywidget
import numpy as np
from traitlets import Float, Int, TraitError, Unicode, validate

import bp_core as bp
from bpwidgets.bundle import STATIC_MODULE
from bpwidgets.controls import BrowserGuard
from bpwidgets.traits import array_to_bytes, finite_number

__all__ = ["RasterCanvas"]


class RasterCanvas(BrowserGuard, anywidget.AnyWidget):
    """A spike raster drawn on an HTML canvas.

    Spikes travel as float32 times and int32 indices in binary buffers, and each
    :meth:`append` draws only the new chunk, so rasters of millions of spikes stay fast.
    The Python side keeps every spike, and sends them all when a view (re)opens. Each chunk carries the
    number of spikes held after it (``total``), so that a view that missed a chunk (it opened as the chunk was
    sent, or its request for everything was lost) sees the gap and asks for everything again.
    """

    _esm = STATIC_MODULE
    n_neurons = Int(1, help="Number of rows.").tag(sync=True)
    t_start = Float(0.0, help="Left edge (ms).").tag(sync=True)
    t_end = Float(100.0, help="Right edge (ms).").tag(sync=True)
    width = Int(640).tag(sync=True)
    height = Int(300).tag(sync=True)
    color = Unicode("", help="Spike colour (CSS); empty follows the page's text colour, so light and dark "
                               "themes both read.").tag(sync=True)
    marker_size = Float(2.0).tag(sync=True)
    font_size = Float(12.0, help="Size (px) of the axis labels, drawn above and below the spikes' area (18 or "
                                 "more on a projector).").tag(sync=True)
    drawn = Int(0, help="Spikes the front end has drawn (reported back).").tag(sync=True)

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._chunks: list[tuple[np.ndarray, np.ndarray]] = []  # joined only when a view asks for all
        self._count = 0
        self.on_view: list = []  # called when a view (re)opens and asks for everything
        self.on_msg(self._handle_message)

    @validate("t_start", "t_end", "marker_size", "font_size")
    def _finite(self, proposal: dict) -> float:
        return finite_number(proposal["value"], proposal["trait"].name)

    @validate("n_neurons", "width", "height", "drawn")
    def _non_negative(self, proposal: dict) -> int:
        # a TraitError makes traitlets keep the last good value (and tells the front end so)
        value = proposal["value"]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= 10**9:
            raise TraitError(f"RasterCanvas.{proposal['trait'].name} must be a whole number from 0 to 1e9, "
                             f"got {value!r}.")
        return int(value)

    @property
    def spike_count(self) -> int:
        """Spikes held on the Python side."""
        return self._count

    def spikes(self) -> tuple[np.ndarray, np.ndarray]:
        """Every spike held: (times, indices)."""
        if len(self._chunks) != 1:
            times = np.concatenate([c[0] for c in self._chunks]) if self._chunks else np.zeros(0, np.float32)
            indices = np.concatenate([c[1] for c in self._chunks]) if self._chunks else np.zeros(0, np.int32)
            self._chunks = [(times, indices)] if self._chunks else []
            return times, indices
        return self._chunks[0]

    def clear(self) -> None:
        """Remove every spike."""
        self._chunks = []
        self._count = 0
        self.send({"type": "clear"})

    def append(self, times: Any, indices: Any) -> None:
        """Add spikes (times in ms, neuron indices) and draw them."""
        times = np.asarray(times, dtype=np.float32).ravel()
        indices = np.asarray(indices, dtype=np.int32).ravel()
        if times.size != indices.size:
            raise bp.errors.ModelUseError(f"RasterCanvas.append got {times.size} times and {indices.size} indices; "
                                          f"give one time per neuron index.")
        self._chunks.append((times, indices))
        self._count += times.size
        self._send_chunk(times, indices)

    def append_events(self, events: Any) -> None:
        """Add the spikes of an events record (``group.mon.spike_events``: ``.time`` and ``.index``)."""
        self.append(events.time, events.index)

    def append_monitor(self, spikes: np.ndarray, ts: np.ndarray) -> None:
        """Add the spikes of a monitor slice (steps x neurons) recorded at times ``ts``."""
        steps, neurons = np.nonzero(np.asarray(spikes))
        self.append(np.asarray(ts)[steps], neurons)

    def save_png(self, name: str = "raster.png") -> None:
        """Have the browser save the raster as it is drawn, as a PNG file called ``name``."""
        self.send({"type": "save_png", "name": str(name)})

    def _send_chunk(self, times: np.ndarray, indices: np.ndarray) -> None:
        self.send({"type": "append", "n": int(times.size), "total": int(self._count)},
                  buffers=[array_to_bytes(times, "float32"), array_to_bytes(indices, "int32")])

    def _handle_message(self, _: Any, content: dict, buffers: Any = None) -> None:
        if isinstance(content, dict) and content.get("type") == "request_all":
            self.send({"type": "clear"})
            self._send_chunk(*self.spikes())
            for callback in self.on_view:
                callback()
