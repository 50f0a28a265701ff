"""Connectors: rules that turn two neuron index sets into synapse index pairs, sparse by construction."""

from __future__ import annotations

import numpy as np

from bp_core.errors import ModelUseError

__all__ = ["Connector", "One2One", "All2All", "FixedProb", "FixedPreNum", "FixedPostNum", "one2one", "all2all",
           "connector_rng", "check_probability", "check_seed"]


def connector_rng(seed: int | None) -> np.random.Generator:
    """The generator of a random connector: its own seed, else one drawn from NumPy's global generator
    (so ``bp.profile.set(seed=...)`` makes connectivity reproducible too)."""
    return np.random.default_rng(seed if seed is not None else np.random.randint(0, 2**31 - 1))


def check_seed(name: str, seed: object) -> int | None:
    """Return ``seed`` (a non-negative integer or None), or raise naming the connector."""
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ModelUseError(f"{name} takes a seed that is a non-negative integer (or None for one drawn from "
                            f"NumPy's global generator), got {seed!r}.")
    return int(seed)


def check_probability(name: str, prob: float) -> float:
    """Return ``prob`` as a float, or raise naming the connector when it is outside [0, 1]."""
    if not np.isscalar(prob) or not 0.0 <= float(prob) <= 1.0:
        raise ModelUseError(f"{name} needs a probability in [0, 1], got {prob!r}.")
    return float(prob)


class Connector:
    """Base class: ``connector(pre_indices, post_indices) -> (pre_ids, post_ids)``.

    ``pre_indices`` and ``post_indices`` are arrays of neuron indices (any shape,
    read in C order); the returned ids are values taken from them.
    """

    def __call__(self, pre_indices, post_indices) -> tuple[np.ndarray, np.ndarray]:
        pre = np.asarray(pre_indices, dtype=np.int64).ravel()
        post = np.asarray(post_indices, dtype=np.int64).ravel()
        i, j = self.connect(pre.size, post.size)
        return pre[i], post[j]

    def connect(self, num_pre: int, num_post: int) -> tuple[np.ndarray, np.ndarray]:
        """Return positions ``(i, j)`` into the flattened pre and post index arrays."""
        raise NotImplementedError


class One2One(Connector):
    """Connect the k-th pre-synaptic neuron to the k-th post-synaptic neuron."""

    def connect(self, num_pre: int, num_post: int):
        if num_pre != num_post:
            raise ModelUseError(f"One2One needs groups of equal size, got {num_pre} pre and {num_post} post neurons.")
        ids = np.arange(num_pre, dtype=np.int64)
        return ids, ids.copy()


class All2All(Connector):
    """Connect every pre-synaptic neuron to every post-synaptic neuron.

    Parameters
    ----------
    include_self : bool
        Keep the pairs ``(k, k)`` (meaningful when pre and post are the same group).
    """

    def __init__(self, include_self: bool = True):
        self.include_self = include_self

    def __call__(self, pre_indices, post_indices):
        pre = np.asarray(pre_indices, dtype=np.int64).ravel()
        post = np.asarray(post_indices, dtype=np.int64).ravel()
        i = np.repeat(pre, post.size)
        j = np.tile(post, pre.size)
        if not self.include_self:
            keep = i != j
            i, j = i[keep], j[keep]
        return i, j


class FixedProb(Connector):
    """Connect each pair independently with probability ``prob``.

    Memory grows with the number of synapses, not with ``num_pre * num_post``:
    each pre-synaptic neuron draws its number of targets from a binomial law and
    then that many distinct targets.

    Parameters
    ----------
    prob : float
        Connection probability in [0, 1].
    include_self : bool
        Allow the pairs ``(k, k)``.
    seed : int, optional
        Seed of the connector's own generator.
    """

    def __init__(self, prob: float, include_self: bool = True, seed: int | None = None):
        self.prob = check_probability("FixedProb", prob)
        self.include_self = include_self
        self.seed = check_seed(type(self).__name__, seed)

    def __call__(self, pre_indices, post_indices):
        pre = np.asarray(pre_indices, dtype=np.int64).ravel()
        post = np.asarray(post_indices, dtype=np.int64).ravel()
        flat = bernoulli_positions(pre.size * post.size, self.prob, connector_rng(self.seed))
        row, column = np.divmod(flat, post.size)
        i, j = pre[row], post[column]
        if not self.include_self:
            keep = i != j
            i, j = i[keep], j[keep]
        return i, j


def bernoulli_positions(total: int, prob: float, rng: np.random.Generator, chunk: int = 1 << 22) -> np.ndarray:
    """Positions in ``range(total)`` where independent Bernoulli(prob) trials succeed, in order.

    Gaps between successes are geometric, so only the successes are ever stored:
    memory grows with their number, not with ``total``.
    """
    if prob <= 0 or total == 0:
        return np.zeros(0, dtype=np.int64)
    if prob >= 1:
        return np.arange(total, dtype=np.int64)
    parts, last = [], -1
    while True:
        size = int(min(chunk, max(64, (total - last) * prob * 1.1 + 64)))
        positions = np.cumsum(_geometric_gaps(rng, prob, size))
        positions += last
        inside = positions[positions < total].astype(np.int64)
        parts.append(inside)
        if inside.size < size:
            return np.concatenate(parts)
        last = int(positions[-1])


def _geometric_gaps(rng: np.random.Generator, prob: float, size: int) -> np.ndarray:
    """Gaps between Bernoulli(prob) successes (>= 1), as float64 so no sum of them can overflow.

    Below ``prob = 1/3`` NumPy's ``Generator.geometric`` inverts one standard exponential per gap,
    ``ceil(-E / log1p(-prob))``, one element at a time; the same arithmetic over an array of exponentials
    gives the same gaps from the same generator state, in half the time (and never wraps to negative
    values, as int64 draws do for tiny probabilities).
    """
    if prob >= 1. / 3.:
        return rng.geometric(prob, size=size).astype(np.float64)  # NumPy searches the distribution here
    gaps = rng.standard_exponential(size)
    np.divide(gaps, -np.log1p(-prob), out=gaps)
    return np.ceil(gaps, out=gaps)


class _FixedNum(Connector):
    """Each neuron on one side gets the same number of partners, drawn without replacement."""

    def __init__(self, num: int | float, include_self: bool = True, seed: int | None = None):
        if isinstance(num, (float, np.floating)):
            check_probability(type(self).__name__, num)
        elif not isinstance(num, (int, np.integer)) or num < 0:
            raise ModelUseError(f"{type(self).__name__} needs a count (int >= 0) or a fraction (float in [0, 1]), "
                                f"got {num!r}.")
        self.num = num
        self.include_self = include_self
        self.seed = check_seed(type(self).__name__, seed)

    def _count(self, available: int) -> int:
        count = int(round(self.num * available)) if isinstance(self.num, (float, np.floating)) else int(self.num)
        if count > available:
            raise ModelUseError(f"{type(self).__name__}(num={self.num}) asks for {count} partners but only "
                                f"{available} are available.")
        return count

    def _draw(self, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator):
        """For each source, ``count`` distinct targets; returns (source ids, target ids)."""
        out_s, out_t = [], []
        for source in sources:
            pool = targets if self.include_self else targets[targets != source]
            chosen = np.sort(rng.choice(pool.size, size=self._count(pool.size), replace=False))
            out_s.append(np.full(chosen.size, source, dtype=np.int64))
            out_t.append(pool[chosen])
        if not out_s:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(out_s), np.concatenate(out_t)


class FixedPostNum(_FixedNum):
    """Each pre-synaptic neuron connects to a fixed number (int) or fraction (float) of the post neurons."""

    def __call__(self, pre_indices, post_indices):
        pre = np.asarray(pre_indices, dtype=np.int64).ravel()
        post = np.asarray(post_indices, dtype=np.int64).ravel()
        return self._draw(pre, post, connector_rng(self.seed))


class FixedPreNum(_FixedNum):
    """Each post-synaptic neuron receives from a fixed number (int) or fraction (float) of the pre neurons."""

    def __call__(self, pre_indices, post_indices):
        pre = np.asarray(pre_indices, dtype=np.int64).ravel()
        post = np.asarray(post_indices, dtype=np.int64).ravel()
        j, i = self._draw(post, pre, connector_rng(self.seed))
        order = np.lexsort((j, i))
        return i[order], j[order]


def one2one(num_pre: int, num_post: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the one-to-one pairs between two groups of equal size."""
    return One2One()(np.arange(num_pre), np.arange(num_post))


def all2all(num_pre: int, num_post: int, include_self: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Return all pairs between two groups."""
    return All2All(include_self)(np.arange(num_pre), np.arange(num_post))
