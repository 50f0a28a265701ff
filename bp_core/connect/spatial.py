"""Distance-dependent connectors on 1-D or 2-D geometries: GaussianProb, GaussianWeight, DOG.

Each may also give every synapse a delay that depends on its length: ``delay=`` a function of the distances
(an array, in the connector's position units) returning the delays in ms, such as a conduction delay
``delay=lambda d: 0.5 + d / velocity``. A ``SynConn`` made with such a connector takes these delays as its
``delay=`` array, one per synapse, in the order of its synapses.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from bp_core.connect.connectors import Connector, check_probability, check_seed, connector_rng
from bp_core.errors import ModelUseError

__all__ = ["GaussianProb", "GaussianWeight", "DOG", "positions", "Connections"]


def positions(indices, normalize: bool) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each neuron of an index array, in [0, 1] when ``normalize``."""
    grid = np.asarray(indices)
    if grid.ndim == 1:
        grid = grid.reshape(1, -1)
    if grid.ndim != 2:
        raise ModelUseError(f"a spatial connector needs a 1-D or 2-D geometry, got shape {grid.shape}.")
    height, width = grid.shape
    rows, cols = np.divmod(np.arange(grid.size), width)
    rows, cols = rows.astype(float), cols.astype(float)
    if normalize:
        rows /= max(height - 1, 1)
        cols /= max(width - 1, 1)
    return rows, cols


class Connections(tuple):
    """What a connector made: ``(pre_ids, post_ids)`` or ``(pre_ids, post_ids, weights)``, with ``delays`` (ms,
    one per synapse in the same order) where the connector gives them, else None."""

    delays: np.ndarray | None

    def __new__(cls, parts: tuple, delays: np.ndarray | None = None) -> Connections:
        made = super().__new__(cls, parts)
        made.delays = delays
        return made


def _check_delay_rule(name: str, delay: Any) -> Callable[[np.ndarray], Any] | None:
    if delay is not None and not callable(delay):
        raise ModelUseError(f"{name}: delay= is a function of the synapses' lengths (an array, in position units) "
                            f"giving their delays in ms, such as delay=lambda d: 0.5 + 2. * d; got {delay!r}. "
                            f"A delay the same for every synapse is the SynConn's delay=.")
    return delay


class _Spatial(Connector):
    normalize = True
    delay: Callable[[np.ndarray], Any] | None = None

    def _made(self, parts: tuple, lengths: list[np.ndarray]) -> Connections:
        """``parts`` with the delays of synapses of these ``lengths`` (one array per presynaptic neuron)."""
        if self.delay is None:
            return Connections(parts)
        name = type(self).__name__
        distances = np.concatenate(lengths) if lengths else np.zeros(0)
        try:
            values = np.asarray(self.delay(distances))
        except Exception as err:  # the user's function: say which one failed, and on what
            raise ModelUseError(f"{name}: its delay function raised {type(err).__name__}: {err} when given the "
                                f"{distances.size} synapses' lengths (a float array); it must take an array.") from err
        if values.dtype.kind not in "iuf" or values.shape not in ((), distances.shape):
            raise ModelUseError(f"{name}: its delay function must return one number of ms per synapse (an array "
                                f"of the lengths' shape {distances.shape}) or one number; got "
                                f"{values.dtype} values of shape {values.shape}.")
        values = np.broadcast_to(values.astype(np.float64), distances.shape).copy()
        if not np.isfinite(values).all() or (values < 0).any():
            raise ModelUseError(f"{name}: its delay function returned a negative, NaN or infinite delay (at length "
                                f"{distances[~(np.isfinite(values) & (values >= 0))][0]:g}); delays are "
                                f"non-negative numbers of ms.")
        return Connections(parts, values)

    def _distances(self, pre_indices, post_indices):
        """Yield (pre id, post ids, squared distances to every post neuron), one pre neuron at a time."""
        pre, post = np.asarray(pre_indices), np.asarray(post_indices)
        pr, pc = positions(pre, self.normalize)
        qr, qc = positions(post, self.normalize)
        post_ids = post.ravel().astype(np.int64)
        for k, pre_id in enumerate(pre.ravel().astype(np.int64)):
            d2 = (qr - pr[k]) ** 2 + (qc - pc[k]) ** 2
            yield pre_id, post_ids, d2

    def _keep_self(self, pre_id: int, post_ids: np.ndarray, keep: np.ndarray) -> np.ndarray:
        return keep if self.include_self else keep & (post_ids != pre_id)


def _check_sigma(name: str, sigma: float) -> float:
    if not np.isscalar(sigma) or not float(sigma) > 0:
        raise ModelUseError(f"{name} needs a positive sigma, got {sigma!r}.")
    return float(sigma)


class GaussianProb(_Spatial):
    """Connect with probability ``exp(-d^2 / (2 sigma^2))`` of the distance between the neurons' positions.

    Parameters
    ----------
    sigma : float
        Width of the Gaussian (in grid units, or in [0, 1] units when ``normalize``).
    p_min : float
        Probabilities below this are set to zero.
    normalize : bool
        Scale positions to [0, 1].
    include_self : bool
    seed : int, optional
    delay : callable, optional
        Delay (ms) of each synapse from its length: ``delay(distances) -> delays`` (see the module docstring).
    """

    def __init__(self, sigma: float, p_min: float = 0.0, normalize: bool = True, include_self: bool = True,
                 seed: int | None = None, delay: Callable[[np.ndarray], Any] | None = None):
        self.sigma = _check_sigma("GaussianProb", sigma)
        self.p_min = check_probability("GaussianProb p_min", p_min)
        self.normalize = normalize
        self.include_self = include_self
        self.seed = check_seed(type(self).__name__, seed)
        self.delay = _check_delay_rule("GaussianProb", delay)

    def probability(self, d2: np.ndarray) -> np.ndarray:
        """Connection probability at squared distance ``d2``."""
        p = np.exp(-d2 / (2 * self.sigma ** 2))
        return np.where(p < self.p_min, 0.0, p)

    def __call__(self, pre_indices, post_indices):
        rng = connector_rng(self.seed)
        i_parts, j_parts, lengths = [], [], []
        for pre_id, post_ids, d2 in self._distances(pre_indices, post_indices):
            keep = self._keep_self(pre_id, post_ids, rng.random(post_ids.size) < self.probability(d2))
            i_parts.append(np.full(int(keep.sum()), pre_id, dtype=np.int64))
            j_parts.append(post_ids[keep])
            lengths.append(np.sqrt(d2[keep]))
        return self._made((np.concatenate(i_parts), np.concatenate(j_parts)), lengths)


class GaussianWeight(_Spatial):
    """Connect with weight ``w_max * exp(-d^2 / (2 sigma^2))``, keeping weights of at least ``w_min``.

    Returns ``(pre_ids, post_ids, weights)``; inside a SynConn the weights are the ``weights`` data.
    ``w_min`` defaults to ``0.01 * w_max``. ``delay``: as :class:`GaussianProb`'s.
    """

    def __init__(self, sigma: float, w_max: float, w_min: float | None = None, normalize: bool = True,
                 include_self: bool = True, delay: Callable[[np.ndarray], Any] | None = None):
        self.sigma = _check_sigma("GaussianWeight", sigma)
        self.w_max = float(w_max)
        self.w_min = 0.01 * abs(self.w_max) if w_min is None else float(w_min)
        self.normalize = normalize
        self.include_self = include_self
        self.delay = _check_delay_rule("GaussianWeight", delay)

    def weight(self, d2: np.ndarray) -> np.ndarray:
        """Weight at squared distance ``d2``."""
        return self.w_max * np.exp(-d2 / (2 * self.sigma ** 2))

    def __call__(self, pre_indices, post_indices):
        i_parts, j_parts, w_parts, lengths = [], [], [], []
        for pre_id, post_ids, d2 in self._distances(pre_indices, post_indices):
            w = self.weight(d2)
            keep = self._keep_self(pre_id, post_ids, np.abs(w) >= self.w_min)
            i_parts.append(np.full(int(keep.sum()), pre_id, dtype=np.int64))
            j_parts.append(post_ids[keep])
            w_parts.append(w[keep])
            lengths.append(np.sqrt(d2[keep]))
        return self._made((np.concatenate(i_parts), np.concatenate(j_parts), np.concatenate(w_parts)), lengths)


class DOG(GaussianWeight):
    """Difference of Gaussians: ``w+ exp(-d^2/2s+^2) - w- exp(-d^2/2s-^2)``, keeping ``|w| >= w_min``.

    Parameters
    ----------
    sigmas : (float, float)
        Widths of the positive and negative Gaussians.
    ws_max : (float, float)
        Amplitudes of the positive and negative Gaussians.
    w_min : float, optional
        Default ``0.01 * |w+ - w-|``.
    delay : callable, optional
        As :class:`GaussianProb`'s.
    """

    def __init__(self, sigmas, ws_max, w_min: float | None = None, normalize: bool = True,
                 include_self: bool = True, delay: Callable[[np.ndarray], Any] | None = None):
        if len(sigmas) != 2 or len(ws_max) != 2:
            raise ModelUseError(f"DOG needs two sigmas and two ws_max, got {sigmas!r} and {ws_max!r}.")
        self.sigmas = tuple(_check_sigma("DOG", s) for s in sigmas)
        self.ws_max = tuple(float(w) for w in ws_max)
        self.w_min = 0.01 * abs(self.ws_max[0] - self.ws_max[1]) if w_min is None else float(w_min)
        self.normalize = normalize
        self.include_self = include_self
        self.delay = _check_delay_rule("DOG", delay)

    def weight(self, d2: np.ndarray) -> np.ndarray:
        (s_pos, s_neg), (w_pos, w_neg) = self.sigmas, self.ws_max
        return w_pos * np.exp(-d2 / (2 * s_pos ** 2)) - w_neg * np.exp(-d2 / (2 * s_neg ** 2))
