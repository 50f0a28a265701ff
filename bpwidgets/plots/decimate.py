"""Lines thinned to what a figure can show: each run of samples kept as its first, lowest, highest and last.

A trace of 10,000 samples drawn 640 pixels wide costs the page a 10,000-point SVG path and the kernel's
message 160 kB per line, for nothing a reader can see. Keeping, for each of a few hundred runs of consecutive
samples, the first, the lowest, the highest and the last (in the order they occur) draws the same picture:
every peak and trough is kept at its own value and time, so action potentials are neither lost nor clipped,
and the run boundaries join as the full line does.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_POINTS", "decimate_lines"]

MAX_POINTS = 2000
"""Most points per line sent to a figure: four per run, 500 runs, more than a figure's width in pixels."""


def decimate_lines(x: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` (one line, or one line per row of a 2-D array, all of one length) with at most
    ``max_points`` points per line, each run of consecutive samples kept as its first, lowest, highest and last
    sample in time order. Lines that already fit, that hold NaN (gaps, which thinning could close) or whose
    coordinates differ in shape come back unchanged.

    Parameters
    ----------
    x, y : numpy.ndarray
        The line's (or lines') coordinates, as a bqplot ``Lines`` mark takes them.
    max_points : int
        The most points kept per line (at least 8).

    Returns
    -------
    tuple of numpy.ndarray
        The thinned ``x`` and ``y``, of the same number of dimensions as given.
    """
    x, y = np.asarray(x), np.asarray(y)
    if (x.shape != y.shape or x.ndim not in (1, 2) or x.shape[-1] <= max_points
            or not np.issubdtype(y.dtype, np.number) or np.isnan(y).any()):
        return x, y
    rows_x, rows_y = np.atleast_2d(x), np.atleast_2d(y)
    samples = rows_y.shape[1]
    length = -(-samples // max(2, max_points // 4))  # samples per run
    runs = -(-samples // length)
    # the last run is padded with its last sample, which the clip below maps back onto that sample
    padded = np.concatenate([rows_y, np.repeat(rows_y[:, -1:], runs * length - samples, axis=1)], axis=1)
    blocks = padded.reshape(len(rows_y), runs, length)
    starts = (np.arange(runs) * length)[None, :, None]
    picks = np.stack([np.zeros_like(blocks[..., 0], dtype=np.intp), blocks.argmin(axis=2), blocks.argmax(axis=2),
                      np.full(blocks.shape[:2], length - 1, dtype=np.intp)], axis=2)
    keep = np.minimum(np.sort(picks, axis=2) + starts, samples - 1).reshape(len(rows_y), -1)
    picked_x = np.take_along_axis(rows_x, keep, axis=1)
    picked_y = np.take_along_axis(rows_y, keep, axis=1)
    return (picked_x, picked_y) if x.ndim == 2 else (picked_x[0], picked_y[0])
