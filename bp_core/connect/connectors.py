"""Connectors: rules that turn two neuron index sets into synapse index pairs, sparse by construction."""

from __future__ import annotations

import numpy as np

from bp_core.errors import ModelUseError

__all__ = ["Connector", "One2One", "All2All", "FixedProb", "one2one", "all2all"]


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
        if not 0.0 <= prob <= 1.0:
            raise ModelUseError(f"FixedProb needs 0 <= prob <= 1, got prob={prob!r}.")
        self.prob = float(prob)
        self.include_self = include_self
        self.seed = seed

    def __call__(self, pre_indices, post_indices):
        pre = np.asarray(pre_indices, dtype=np.int64).ravel()
        post = np.asarray(post_indices, dtype=np.int64).ravel()
        # without its own seed, draw one from NumPy's global generator so bp.profile.set(seed=...) applies
        rng = np.random.default_rng(self.seed if self.seed is not None else np.random.randint(0, 2**31 - 1))
        counts = rng.binomial(post.size, self.prob, size=pre.size)
        i_parts, j_parts = [], []
        for k in np.nonzero(counts)[0]:
            targets = rng.choice(post.size, size=counts[k], replace=False)
            targets.sort()
            i_parts.append(np.full(targets.size, pre[k], dtype=np.int64))
            j_parts.append(post[targets])
        if not i_parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        i, j = np.concatenate(i_parts), np.concatenate(j_parts)
        if not self.include_self:
            keep = i != j
            i, j = i[keep], j[keep]
        return i, j


def one2one(num_pre: int, num_post: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the one-to-one pairs between two groups of equal size."""
    return One2One()(np.arange(num_pre), np.arange(num_post))


def all2all(num_pre: int, num_post: int, include_self: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Return all pairs between two groups."""
    return All2All(include_self)(np.arange(num_pre), np.arange(num_post))
