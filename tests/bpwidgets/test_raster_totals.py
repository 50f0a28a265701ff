"""Each chunk the raster sends says how many spikes the Python side holds after it, so that a view which missed
chunks (it opened as they were streamed, or its request for everything went unanswered) asks again
(``missedSpikes`` in js/raster_logic.js, tested by node)."""

from __future__ import annotations

import numpy as np

from bpwidgets.raster_canvas import RasterCanvas
from bpwidgets.traits import bytes_to_array


def test_every_chunk_carries_the_spikes_held_after_it():
    canvas = RasterCanvas(n_neurons=5, t_end=10.)
    sent = []
    canvas.send = lambda content, buffers=None: sent.append((content, buffers))
    sizes = [3, 0, 4]
    for k, size in enumerate(sizes):
        canvas.append(np.full(size, float(k)), np.arange(size) % 5)
    appends = [content for content, _ in sent if content["type"] == "append"]
    assert [c["total"] for c in appends] == list(np.cumsum(sizes)) and [c["n"] for c in appends] == sizes
    # a view that opened after the first chunk holds 4 spikes where the last chunk says 7: it asks for all
    canvas._handle_message(None, {"type": "request_all"})
    (clear, _), (everything, buffers) = sent[-2:]
    assert clear == {"type": "clear"} and everything == {"type": "append", "n": 7, "total": 7}
    np.testing.assert_array_equal(bytes_to_array(buffers[0], "float32"), [0, 0, 0, 2, 2, 2, 2])
    canvas.clear()
    canvas.append([1.0], [2])
    assert sent[-1][0] == {"type": "append", "n": 1, "total": 1}
