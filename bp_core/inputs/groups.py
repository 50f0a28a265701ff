"""Input neuron groups: spike sources usable as pre-synaptic groups of a SynConn."""

from __future__ import annotations

from typing import Any

import numpy as np

from bp_core.errors import ModelUseError
from bp_core.model import NeuType
from bp_core.model.types import NeuState
from bp_core.simulation import NeuGroup

__all__ = ["PoissonInput", "SpikeTimeInput", "FreqInput"]


def _poisson_model(freqs: Any) -> NeuType:
    # A Bernoulli(p) trial every step is a Geometric(p) wait between spikes: each source counts the steps down
    # to its next spike and draws only when it fires, one draw per spike instead of one per step.
    # Waits are counted up to 2**20 steps, well inside the whole numbers a float32 field holds exactly with
    # the 0.5 that marks a longer wait (2**22). A longer draw is a wait of 2**20 steps without a spike, then a
    # new draw (exact: the process has no memory). The values are literals, not names, so the step's analysis
    # sees that the wait stays finite and no NaN check runs each step.
    def update(ST, _t, _dt):
        if freqs < 0. or freqs * 0. != 0.:  # set since through group.pars: a negative rate would never fire
            raise ValueError("PoissonInput: freqs must be a finite rate of 0 Hz or more; set group.pars['freqs']")
        p = min(freqs * _dt / 1000., 1.)
        if ST['p'] != p:  # a new rate or dt: the wait drawn with the old one is dropped (no memory: exact)
            ST['p'] = p
            ST['wait'] = 0.
        if ST['wait'] < 1.:  # 0: draw the steps to the next spike, this one included; 0.5: a long wait ran out
            ST['wait'] = 1048576.5
            if p > 0.:
                ST['wait'] = np.random.geometric(p)
                if ST['wait'] > 1048576. or ST['wait'] < 1.:  # too long to count (< 1: past int64's range)
                    ST['wait'] = 1048576.5
        ST['spike'] = ST['wait'] == 1.
        ST['wait'] -= 1.

    return NeuType(name='PoissonInput', ST=NeuState({'spike': 0., 'wait': 0., 'p': -1.}), steps=update,
                   mode='scalar')


class PoissonInput(NeuGroup):
    """Neurons firing as independent Poisson processes.

    Each neuron fires in a step with probability ``p = freqs * dt / 1000``, independently of
    other steps and neurons; at most one spike per step: keep ``p`` well below 1 (split a high
    rate over several neurons; ``p >= 1`` fires every step). A neuron draws the number of steps
    to its next spike (geometric) when it fires, so a step costs a countdown and the draws are
    one per spike. A rate changed between runs (``group.pars['freqs']``) or another dt holds
    from the next step: the wait drawn with the old ``p`` is drawn again.

    Parameters
    ----------
    geometry : int or tuple
    freqs : float or ndarray
        Rates in Hz (one for all, or one per neuron); also ``group.pars['freqs']``.
    monitors : list of str, optional
    name : str, optional
    """

    def __init__(self, geometry: Any, freqs: Any, monitors: list | None = None, name: str | None = None):
        freqs_arr = np.asarray(freqs)
        if freqs_arr.dtype.kind not in "iuf" or np.any(freqs_arr < 0) or not np.all(np.isfinite(freqs_arr)):
            raise ModelUseError(f"PoissonInput needs finite non-negative rates, got {freqs!r}.")
        freqs_arr = freqs_arr.astype(float)
        super().__init__(_poisson_model(float(freqs_arr) if freqs_arr.ndim == 0 else 0.0), geometry,
                         monitors=monitors, name=name)
        if freqs_arr.ndim:
            self.pars['freqs'] = freqs_arr


def _spike_time_model() -> NeuType:
    def update(ST, _t, _dt, times, indices):
        ST['spike'] = 0.
        first = np.searchsorted(times, _t - _dt / 2, side='right')
        last = np.searchsorted(times, _t + _dt / 2, side='right')
        for k in range(first, last):
            ST['spike'][indices[k]] = 1.

    return NeuType(name='SpikeTimeInput', ST=NeuState('spike'), steps=update, mode='vector')


class SpikeTimeInput(NeuGroup):
    """Neurons that fire at given times.

    Parameters
    ----------
    geometry : int or tuple
    times : list of float
        Spike times (ms).
    indices : None, int or list, optional
        Who fires at each time: None (every neuron), one index for all times, or one
        entry per time that is an index or a list of indices.
    monitors : list of str, optional
    name : str, optional

    Examples
    --------
    >>> SpikeTimeInput(2, times=[10, 20, 30], indices=[0, [0, 1], 1])
    """

    def __init__(self, geometry: Any, times: Any, indices: Any = None, monitors: list | None = None,
                 name: str | None = None):
        super().__init__(_spike_time_model(), geometry, monitors=monitors, name=name)
        t, i = self._pairs(np.asarray(times, dtype=float).ravel(), indices)
        order = np.argsort(t, kind="stable")
        self.times, self.indices = t[order], i[order]

    def _pairs(self, times: np.ndarray, indices: Any) -> tuple[np.ndarray, np.ndarray]:
        if indices is None:
            per_time = [np.arange(self.num)] * times.size
        elif np.isscalar(indices):
            per_time = [np.array([int(indices)])] * times.size
        else:
            if len(indices) != times.size:
                raise ModelUseError(f"SpikeTimeInput got {times.size} times but {len(indices)} index entries.")
            per_time = [np.atleast_1d(np.asarray(ix, dtype=np.int64)) for ix in indices]
        t = np.concatenate([np.full(ix.size, ti) for ti, ix in zip(times, per_time)]) if times.size else times
        i = np.concatenate(per_time).astype(np.int64) if per_time else np.zeros(0, np.int64)
        if i.size and (i.min() < 0 or i.max() >= self.num):
            raise ModelUseError(f"SpikeTimeInput index {int(i.max() if i.max() >= self.num else i.min())} is "
                                f"outside the group of {self.num} neurons.")
        if np.any(times < 0) or not np.all(np.isfinite(times)):
            raise ModelUseError("SpikeTimeInput needs finite non-negative times.")
        return t, i


def _freq_model(period: Any) -> NeuType:
    # one element at a time, as PoissonInput: no temporary arrays each step
    def update(ST, _t, _dt):
        due = _t >= ST['t_next'] - _dt / 2
        ST['spike'] = due
        if due:
            ST['t_next'] += period

    return NeuType(name='FreqInput', ST=NeuState('spike', t_next=0.), steps=update, mode='scalar')


class FreqInput(NeuGroup):
    """Neurons firing regularly at ``freqs`` Hz from ``start_time`` on.

    Parameters
    ----------
    geometry : int or tuple
    freqs : float or ndarray
        Rates in Hz.
    start_time : float or ndarray
        Time of the first spike (ms), one for all or one per neuron.
    monitors : list of str, optional
    name : str, optional
    freq : float or ndarray, optional
        Another name for ``freqs``, the one the documentation's examples use (``FreqInput(2, freq=10.)``).
    """

    def __init__(self, geometry: Any, freqs: Any = None, start_time: Any = 0.0, monitors: list | None = None,
                 name: str | None = None, *, freq: Any = None):
        if (freqs is None) == (freq is None):
            raise ModelUseError("FreqInput needs its rates in Hz once: FreqInput(geometry, freqs=10.) "
                                f"(or freq=10.), got freqs={freqs!r} and freq={freq!r}.")
        freqs = freqs if freq is None else freq
        freqs_arr = np.asarray(freqs, dtype=float)
        if np.any(freqs_arr <= 0) or not np.all(np.isfinite(freqs_arr)):
            raise ModelUseError(f"FreqInput needs finite positive rates, got {freqs!r}.")
        periods = 1000.0 / freqs_arr
        super().__init__(_freq_model(float(periods) if periods.ndim == 0 else 1.0), geometry, monitors=monitors,
                         name=name)
        if periods.ndim:
            self.pars['period'] = periods
        self.ST['t_next'] = start_time
