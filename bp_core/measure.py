"""Measures of population activity computed from monitor arrays (the ``brainpy.measure`` API)."""

from __future__ import annotations

import numpy as np

from bp_core import profile
from bp_core.errors import ModelUseError

__all__ = ["cross_correlation", "voltage_fluctuation", "raster_plot", "firing_rate"]


def _matrix(name: str, values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2:
        raise ModelUseError(f"{name} must be a (time steps, neurons) array, got shape {arr.shape}.")
    return arr


def cross_correlation(spikes, bin_size: int) -> float:
    """Population coherence: the mean over neuron pairs of ``sum(X Y) / sqrt(sum(X) sum(Y))``.

    ``X`` and ``Y`` are the binned spike trains (1 when a bin holds a spike). Pairs in
    which a neuron never fires are left out. Wang & Buzsaki (1996).

    Parameters
    ----------
    spikes : ndarray
        Spike monitor, shape (time steps, neurons).
    bin_size : int
        Bin width in time steps.

    Returns
    -------
    float
        1 for identical trains, near 0 for independent sparse trains.
    """
    spikes = _matrix("spikes", spikes)
    bin_size = int(bin_size)
    if bin_size < 1:
        raise ModelUseError(f"bin_size must be at least one time step, got {bin_size}.")
    n_bins = spikes.shape[0] // bin_size
    if n_bins == 0:
        raise ModelUseError(f"bin_size ({bin_size}) is longer than the recording ({spikes.shape[0]} steps).")
    binned = (spikes[:n_bins * bin_size].reshape(n_bins, bin_size, -1).sum(axis=1) > 0).astype(float)
    counts = binned.sum(axis=0)
    joint = binned.T @ binned
    norm = np.sqrt(np.outer(counts, counts))
    pairs = ~np.eye(counts.size, dtype=bool) & (norm > 0)
    if not pairs.any():
        return 0.0
    return float(np.mean(joint[pairs] / norm[pairs]))


def voltage_fluctuation(potentials) -> float:
    """Synchrony ``chi^2 = var_t(mean_i V_i) / mean_i(var_t V_i)`` (Golomb & Rinzel 1993).

    Parameters
    ----------
    potentials : ndarray
        Membrane potentials, shape (time steps, neurons).

    Returns
    -------
    float
        1 for identical traces, about 1/N for independent ones.
    """
    potentials = _matrix("potentials", potentials)
    population = potentials.mean(axis=1)
    sigma_v2 = np.mean(population ** 2) - np.mean(population) ** 2
    sigma_vi2 = np.mean(potentials ** 2, axis=0) - np.mean(potentials, axis=0) ** 2
    mean_single = np.mean(sigma_vi2)
    if mean_single == 0:
        raise ModelUseError("voltage_fluctuation needs potentials that vary in time.")
    return float(sigma_v2 / mean_single)


def raster_plot(sp_matrix, times) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(neuron indices, spike times)`` of every spike in a spike monitor."""
    sp_matrix = _matrix("sp_matrix", sp_matrix)
    times = np.asarray(times)
    if times.shape[0] != sp_matrix.shape[0]:
        raise ModelUseError(f"times has {times.shape[0]} entries for {sp_matrix.shape[0]} time steps.")
    steps, neurons = np.nonzero(sp_matrix)
    return neurons, times[steps]


def firing_rate(sp_matrix, width: float, window: str = "gaussian") -> np.ndarray:
    """Population rate in Hz, smoothed with a window of ``width`` ms.

    Parameters
    ----------
    sp_matrix : ndarray
        Spike monitor, shape (time steps, neurons).
    width : float
        For 'flat', the window length (ms); for 'gaussian', the standard deviation (ms),
        the window covering 4 * width.
    window : {'gaussian', 'flat'}

    Returns
    -------
    ndarray
        One rate per time step.
    """
    sp_matrix = _matrix("sp_matrix", sp_matrix)
    dt = profile.get_dt()
    if not width > 0:
        raise ModelUseError(f"width must be positive (ms), got {width!r}.")
    rate = sp_matrix.mean(axis=1) / dt * 1000.0
    if window == "gaussian":
        half = int(round(2 * width / dt))
        x = np.arange(-half, half + 1) * dt
        kernel = np.exp(-x ** 2 / (2 * width ** 2))
    elif window == "flat":
        half = int(round(width / 2 / dt))
        kernel = np.ones(2 * half + 1)
    else:
        raise ModelUseError(f"window must be 'gaussian' or 'flat', got {window!r}.")
    return np.convolve(rate, kernel / kernel.sum(), mode="same")
