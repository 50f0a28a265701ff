"""Measures of population activity computed from monitor arrays (the ``brainpy.measure`` API)."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from bp_core import profile
from bp_core.errors import ModelUseError
from bp_core.tools.events import Events

__all__ = ["cross_correlation", "voltage_fluctuation", "raster_plot", "firing_rate", "spikes_from_voltage",
           "steady_rate", "isi_cv", "population_summary"]


def _matrix(name: str, values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2:
        raise ModelUseError(f"{name} must be a (time steps, neurons) array, got shape {arr.shape}.")
    return arr


def _events(value) -> Events | None:
    """``value`` if it is an Events record whose values are all 1 (else None: use the dense form)."""
    if isinstance(value, Events):
        return value if value.value is None else None
    return None


def _as_matrix(name: str, values) -> np.ndarray:
    return values.dense() if isinstance(values, Events) else _matrix(name, values)


def cross_correlation(spikes, bin_size: int) -> float:
    """Population coherence: the mean over neuron pairs of ``sum(X Y) / sqrt(sum(X) sum(Y))``.

    ``X`` and ``Y`` are the binned spike trains (1 when a bin holds a spike). Pairs in
    which a neuron never fires are left out. Wang & Buzsaki (1996).

    Parameters
    ----------
    spikes : ndarray or Events
        Spike monitor, shape (time steps, neurons), or its events (``group.mon.spike_events``).
    bin_size : int
        Bin width in time steps.

    Returns
    -------
    float
        1 for identical trains, near 0 for independent sparse trains.
    """
    events = _events(spikes)
    if events is None:
        spikes = _as_matrix("spikes", spikes)
    n_steps = events.ts.size if events is not None else spikes.shape[0]
    bin_size = int(bin_size)
    if bin_size < 1:
        raise ModelUseError(f"bin_size must be at least one time step, got {bin_size}.")
    n_bins = n_steps // bin_size
    if n_bins == 0:
        raise ModelUseError(f"bin_size ({bin_size}) is longer than the recording ({n_steps} steps).")
    if events is not None:
        # a sparse (bins x neurons) matrix of which neuron fired in which bin: memory in proportion to spikes
        kept = events.step < n_bins * bin_size
        binned = sparse.coo_matrix((np.ones(int(kept.sum())), (events.step[kept] // bin_size, events.index[kept])),
                                   shape=(n_bins, events.num)).tocsr()  # sums the spikes of a bin
        binned.data[:] = 1.0
        counts = np.asarray(binned.sum(axis=0)).ravel()
        joint = (binned.T @ binned).toarray()
    else:
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


def spikes_from_voltage(potentials, threshold: float = 0.0) -> np.ndarray:
    """Spikes as upward crossings of ``threshold`` by a voltage monitor of shape (time steps, neurons).

    A model's own spike condition may miss spikes: a Hodgkin-Huxley neuron under strong drive keeps its peaks
    below a 20 mV threshold while still firing. Crossings of a lower level (0 mV by default) count them.
    Returns a boolean array of the monitor's shape; the first row is ``False``.
    """
    potentials = _matrix("potentials", potentials)
    if not np.isfinite(threshold):
        raise ModelUseError(f"spikes_from_voltage: threshold must be a finite voltage, got {threshold!r}.")
    spikes = np.zeros(potentials.shape, dtype=bool)
    spikes[1:] = (potentials[:-1] < threshold) & (potentials[1:] >= threshold)
    return spikes


def steady_rate(potentials, dt: float, threshold: float = 0.0, intervals: int = 3) -> np.ndarray:
    """Steady-state firing rate (Hz) of each neuron of a voltage monitor (time steps, neurons) with step ``dt`` ms:
    1000 over the mean of its last ``intervals`` interspike intervals, spikes being upward crossings of
    ``threshold`` (:func:`spikes_from_voltage`). A neuron with fewer spikes than that does not fire repetitively:
    its rate is 0. Unlike a spike count in a window, it does not step with the window's length."""
    if not (np.isfinite(dt) and dt > 0):
        raise ModelUseError(f"steady_rate: dt must be a positive time step in ms, got {dt!r}.")
    if int(intervals) != intervals or intervals < 1:
        raise ModelUseError(f"steady_rate: intervals must be a positive whole number, got {intervals!r}.")
    spikes = spikes_from_voltage(potentials, threshold)
    rates = np.zeros(spikes.shape[1])
    for k in range(spikes.shape[1]):
        times = np.nonzero(spikes[:, k])[0] * dt
        if times.size > intervals:
            rates[k] = 1000.0 / np.mean(np.diff(times[-(int(intervals) + 1):]))
    return rates


def raster_plot(sp_matrix, times=None) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(neuron indices, spike times)`` of every spike in a spike monitor.

    ``sp_matrix`` is the (time steps, neurons) monitor with ``times`` its step times, or the
    monitor's events (``group.mon.spike_events``; ``times`` then defaults to theirs).
    """
    if _events(sp_matrix) is not None:
        times = sp_matrix.ts if times is None else np.asarray(times)
        if times.shape[0] != sp_matrix.ts.size:
            raise ModelUseError(f"times has {times.shape[0]} entries for {sp_matrix.ts.size} time steps.")
        order = np.lexsort((sp_matrix.index, sp_matrix.step))  # the dense form's order: by step, then neuron
        return sp_matrix.index[order], times[sp_matrix.step[order]]
    sp_matrix = _as_matrix("sp_matrix", sp_matrix)
    if times is None:
        raise ModelUseError("raster_plot needs the times of the monitor's steps (net.ts).")
    times = np.asarray(times)
    if times.shape[0] != sp_matrix.shape[0]:
        raise ModelUseError(f"times has {times.shape[0]} entries for {sp_matrix.shape[0]} time steps.")
    steps, neurons = np.nonzero(sp_matrix)
    return neurons, times[steps]


def firing_rate(sp_matrix, width: float, window: str = "gaussian", dt: float | None = None) -> np.ndarray:
    """Population rate in Hz, smoothed with a window of ``width`` ms.

    Parameters
    ----------
    sp_matrix : ndarray or Events
        Spike monitor, shape (time steps, neurons), or its events (``group.mon.spike_events``).
    width : float
        For 'flat', the window length (ms); for 'gaussian', the standard deviation (ms),
        the window covering 4 * width.
    window : {'gaussian', 'flat'}
    dt : float, optional
        Time step of the rows (ms); the profile's ``dt`` when not given.

    Returns
    -------
    ndarray
        One rate per time step.
    """
    events = _events(sp_matrix)
    dt = profile.get_dt() if dt is None else float(dt)
    if not width > 0:
        raise ModelUseError(f"width must be positive (ms), got {width!r}.")
    if events is not None:
        rate = np.bincount(events.step, minlength=events.ts.size)[:events.ts.size] / events.num / dt * 1000.0
    else:
        rate = _as_matrix("sp_matrix", sp_matrix).mean(axis=1) / dt * 1000.0
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


def isi_cv(spikes, dt: float | None = None) -> float:
    """Irregularity: the coefficient of variation of the interspike intervals, averaged over neurons.

    Neurons with fewer than three spikes (under two intervals) are left out; 0 for clock-like firing,
    near 1 for Poisson firing. NaN when no neuron fired three times.

    Parameters
    ----------
    spikes : ndarray or Events
        Spike monitor, shape (time steps, neurons), or its events.
    dt : float, optional
        Time step (ms) of a dense monitor (the CV does not depend on it; kept for symmetry).
    """
    events = _events(spikes)
    if events is not None:
        order = np.lexsort((events.step, events.index))
        index, step = events.index[order], events.step[order].astype(float)
    else:
        step, index = np.nonzero(_as_matrix("spikes", spikes).T > 0)[::-1]
        order = np.lexsort((step, index))
        index, step = index[order], step[order].astype(float)
    cvs = []
    for neuron in np.unique(index):
        intervals = np.diff(step[index == neuron])
        if intervals.size >= 2 and intervals.mean() > 0:
            cvs.append(intervals.std() / intervals.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def population_summary(events: Events, dt: float, bin_ms: float = 2.0) -> dict[str, float]:
    """The numbers a lecture quotes of a run: mean rate (Hz), coherence, CV of ISIs and spike count.

    Parameters
    ----------
    events : Events
        The run's spikes (``group.mon.spike_events``).
    dt : float
        Time step (ms).
    bin_ms : float
        Bin width of the coherence (ms).
    """
    if not isinstance(events, Events):
        raise ModelUseError(f"population_summary needs the spike events of a run (group.mon.spike_events), "
                            f"got {type(events).__name__}.")
    seconds = events.ts.size * dt / 1000.0
    bin_size = max(1, int(round(bin_ms / dt)))
    coherence = cross_correlation(events, bin_size) if events.ts.size >= bin_size else float("nan")
    return {"mean_rate": float(len(events) / max(events.num, 1) / seconds) if seconds > 0 else float("nan"),
            "coherence": float(coherence), "cv_isi": isi_cv(events), "spikes": int(len(events))}
