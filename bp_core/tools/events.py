"""Events: a record of which element was active at which step (spikes, as monitors record them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Events"]


@dataclass
class Events:
    """Events of one monitored field: element ``index[k]`` was nonzero at step ``step[k]``.

    Attributes
    ----------
    index : ndarray of int32
        Element of each event, in time order.
    step : ndarray of int64
        Step of each event, counted in the run's time steps (0 = first step of the run).
    ts : ndarray
        Times of the run's steps (ms); ``time`` is ``ts[step]``.
    num : int
        Number of elements of the group (columns of the dense view).
    value : ndarray, optional
        The recorded values, when they are not all 1.
    """

    index: np.ndarray
    step: np.ndarray
    ts: np.ndarray
    num: int
    value: np.ndarray | None = None

    @property
    def time(self) -> np.ndarray:
        """Time of each event (ms)."""
        return self.ts[self.step]

    def __len__(self) -> int:
        return int(self.index.size)

    def dense(self, dtype: Any = np.float64) -> np.ndarray:
        """The events as a (steps, elements) array (the spec's ``group.mon.spike``)."""
        out = np.zeros((self.ts.size, self.num), dtype=dtype)
        out[self.step, self.index] = 1.0 if self.value is None else self.value
        return out
