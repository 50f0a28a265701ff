"""Random-graph connectors within one group: SmallWorld (Watts-Strogatz) and ScaleFree (Barabasi-Albert)."""

from __future__ import annotations

import networkx as nx
import numpy as np

from bp_core.connect.connectors import Connector, check_probability, check_seed, connector_rng
from bp_core.errors import ModelUseError

__all__ = ["SmallWorld", "ScaleFree"]


class _GraphConnector(Connector):
    """Build a graph on the group's neurons with networkx and connect along its edges (both ways)."""

    def graph(self, num: int, seed: int) -> nx.Graph:
        raise NotImplementedError

    def __call__(self, pre_indices, post_indices):
        pre = np.asarray(pre_indices, dtype=np.int64).ravel()
        post = np.asarray(post_indices, dtype=np.int64).ravel()
        if pre.size != post.size:
            raise ModelUseError(f"{type(self).__name__} connects a group to itself; got {pre.size} pre and "
                                f"{post.size} post neurons.")
        seed = int(connector_rng(self.seed).integers(0, 2**31 - 1))
        edges = np.array(list(self.graph(pre.size, seed).edges()), dtype=np.int64).reshape(-1, 2)
        i = np.concatenate([edges[:, 0], edges[:, 1]])
        j = np.concatenate([edges[:, 1], edges[:, 0]])
        order = np.lexsort((j, i))
        return pre[i[order]], post[j[order]]


class SmallWorld(_GraphConnector):
    """Watts-Strogatz small-world connectivity: a ring where each neuron links to its ``num_neighbor``
    nearest neighbours, each link rewired with probability ``prob``. Links are reciprocal.

    Parameters
    ----------
    num_neighbor : int
        Even number of ring neighbours (k).
    prob : float
        Rewiring probability (0: ring lattice, 1: random graph).
    seed : int, optional
    """

    def __init__(self, num_neighbor: int = 4, prob: float = 0.1, seed: int | None = None):
        if int(num_neighbor) < 2 or int(num_neighbor) % 2:
            raise ModelUseError(f"SmallWorld needs an even num_neighbor >= 2, got {num_neighbor!r}.")
        self.num_neighbor = int(num_neighbor)
        self.prob = check_probability("SmallWorld", prob)
        self.seed = check_seed(type(self).__name__, seed)

    def graph(self, num: int, seed: int) -> nx.Graph:
        if num <= self.num_neighbor:
            raise ModelUseError(f"SmallWorld needs more neurons ({num}) than num_neighbor ({self.num_neighbor}).")
        return nx.watts_strogatz_graph(num, self.num_neighbor, self.prob, seed=seed)


class ScaleFree(_GraphConnector):
    """Barabasi-Albert scale-free connectivity: neurons join one by one, each linking to ``m`` existing
    neurons chosen with probability proportional to their degree. Links are reciprocal.

    Parameters
    ----------
    m : int
        Links of each new neuron.
    seed : int, optional
    """

    def __init__(self, m: int = 2, seed: int | None = None):
        if int(m) < 1:
            raise ModelUseError(f"ScaleFree needs m >= 1, got {m!r}.")
        self.m = int(m)
        self.seed = check_seed(type(self).__name__, seed)

    def graph(self, num: int, seed: int) -> nx.Graph:
        if num <= self.m:
            raise ModelUseError(f"ScaleFree needs more neurons ({num}) than m ({self.m}).")
        return nx.barabasi_albert_graph(num, self.m, seed=seed)
