"""Statistics of spike trains and traces, shared by the Brian2 reference scripts and by our ports' tests.

Plain NumPy only (the Brian2 scripts import it from their own virtual environment). Spikes are given as
two arrays: neuron indices and spike times in ms.
"""

from __future__ import annotations

import numpy as np


def mean_rate(index: np.ndarray, times: np.ndarray, n: int, duration: float, start: float = 0.) -> float:
    """Mean firing rate in Hz of ``n`` neurons over ``[start, duration)`` ms."""
    times = np.asarray(times, dtype=float)
    return float(np.sum(times >= start) / n / ((duration - start) / 1000.))


def cv_isi(index: np.ndarray, times: np.ndarray, start: float = 0., min_spikes: int = 3) -> float:
    """Mean coefficient of variation of the inter-spike intervals over neurons with ``min_spikes`` or more
    spikes after ``start`` ms (NaN if none has)."""
    index, times = np.asarray(index), np.asarray(times, dtype=float)
    keep = times >= start
    index, times = index[keep], times[keep]
    order = np.lexsort((times, index))
    index, times = index[order], times[order]
    cvs = []
    for neuron in np.unique(index):
        t = times[index == neuron]
        if t.size >= min_spikes:
            isi = np.diff(t)
            if isi.mean() > 0:
                cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def population_counts(times: np.ndarray, duration: float, bin_ms: float, start: float = 0.) -> np.ndarray:
    """Spike counts of the whole population in bins of ``bin_ms`` from ``start`` to ``duration`` ms."""
    edges = np.arange(start, duration + 1e-9, bin_ms)
    return np.histogram(np.asarray(times, dtype=float), bins=edges)[0].astype(float)


def population_fano(times: np.ndarray, duration: float, bin_ms: float = 1., start: float = 0.) -> float:
    """Variance over mean of the population's spike count per bin: 1 for independent Poisson neurons,
    large for synchronous firing."""
    counts = population_counts(times, duration, bin_ms, start)
    return float(counts.var() / counts.mean()) if counts.mean() > 0 else float("nan")


def peak_frequency(times: np.ndarray, duration: float, bin_ms: float = 1., start: float = 0.,
                   band: tuple[float, float] = (5., 400.)) -> float:
    """Frequency (Hz) of the largest peak of the population rate's power spectrum within ``band``."""
    counts = population_counts(times, duration, bin_ms, start)
    counts = counts - counts.mean()
    power = np.abs(np.fft.rfft(counts)) ** 2
    freqs = np.fft.rfftfreq(counts.size, d=bin_ms / 1000.)
    inside = (freqs >= band[0]) & (freqs <= band[1])
    return float(freqs[inside][np.argmax(power[inside])])


def spike_counts(index: np.ndarray, n: int) -> list[int]:
    """Number of spikes of each of ``n`` neurons."""
    return np.bincount(np.asarray(index, dtype=int), minlength=n).tolist()


def summary(values: list[float]) -> dict:
    """Mean, standard deviation, minimum and maximum of a statistic over seeds."""
    a = np.asarray(values, dtype=float)
    return {"mean": float(a.mean()), "std": float(a.std(ddof=1)) if a.size > 1 else 0.,
            "min": float(a.min()), "max": float(a.max()), "values": a.tolist()}


def synfire_volleys(index: np.ndarray, times: np.ndarray, n_groups: int, group_size: int, start: float = 48.,
                    half_window: float = 2.) -> dict:
    """A pulse travelling down a chain of groups of ``group_size`` consecutive neurons: the spikes of each group
    after ``start`` ms within ``half_window`` ms of their median are its volley. Returns the last group's
    volley size per neuron and its sd (ms), the mean delay between consecutive groups' medians (ms), and the
    background rate (Hz) before ``start``."""
    index, times = np.asarray(index), np.asarray(times, dtype=float)
    group_of = index // group_size
    medians, last = [], np.array([])
    for k in range(n_groups):
        t = times[(group_of == k) & (times >= start)]
        if t.size == 0:
            break
        median = np.median(t)
        medians.append(median)
        last = t[np.abs(t - median) <= half_window]
    reached = len(medians) == n_groups
    return {"groups_reached": len(medians),
            "last_volley_per_neuron": last.size / group_size if reached else 0.,
            "last_volley_sd_ms": float(last.std()) if reached and last.size > 1 else float("nan"),
            "delay_per_group_ms": float(np.mean(np.diff(medians))) if len(medians) > 1 else float("nan"),
            "background_hz": float(np.sum(times < start) / (n_groups * group_size) / (start / 1000.))}


def distinct_isis(index: np.ndarray, times: np.ndarray, n: int, resolution: float = 0.05) -> list[int]:
    """Per neuron of ``n``, the number of distinct inter-spike intervals, rounded to ``resolution`` ms: the
    period (in spikes) of a periodic spike train, large for a chaotic one."""
    index, times = np.asarray(index), np.asarray(times, dtype=float)
    return [int(np.unique(np.round(np.diff(np.sort(times[index == k])) / resolution)).size) for k in range(n)]


def neighbour_coincidence(index: np.ndarray, times: np.ndarray, neurons: np.ndarray, window: float = 1.) -> float:
    """Over each neuron ``k`` of ``neurons`` and its neighbour ``k + 1``, the fraction of ``k``'s spikes with a
    spike of ``k + 1`` within ``window`` ms, pooled: how reproducible spike timing is across neighbours
    (NaN without spikes)."""
    index, times = np.asarray(index), np.asarray(times, dtype=float)
    hits = total = 0
    for k in np.asarray(neurons):
        mine, theirs = times[index == k], np.sort(times[index == k + 1])
        if mine.size == 0:
            continue
        total += mine.size
        if theirs.size:
            at = np.clip(np.searchsorted(theirs, mine), 1, theirs.size) - 1
            nearest = np.minimum(np.abs(theirs[at] - mine),
                                 np.abs(theirs[np.minimum(at + 1, theirs.size - 1)] - mine))
            hits += int(np.sum(nearest <= window))
    return hits / total if total else float("nan")


def window_rate(index: np.ndarray, times: np.ndarray, members: np.ndarray, start: float, end: float) -> float:
    """Mean firing rate in Hz of the neurons ``members`` over ``[start, end)`` ms."""
    index, times = np.asarray(index), np.asarray(times, dtype=float)
    keep = np.isin(index, members) & (times >= start) & (times < end)
    return float(np.sum(keep) / len(members) / ((end - start) / 1000.))


def population_bursts(times: np.ndarray, n: int, duration: float, bin_ms: float = 1., threshold: float = 0.05,
                      gap_ms: float = 20.) -> np.ndarray:
    """Start times (ms) of population bursts: a bin of ``bin_ms`` in which more than ``threshold`` of the ``n``
    neurons fire starts a burst unless one started less than ``gap_ms`` before."""
    counts = population_counts(times, duration, bin_ms) / n
    starts: list[float] = []
    for k in np.flatnonzero(counts > threshold):
        if not starts or k * bin_ms - starts[-1] >= gap_ms:
            starts.append(k * bin_ms)
    return np.asarray(starts)
