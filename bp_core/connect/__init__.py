"""Connectivity: connectors and format conversions (the ``brainpy.connect`` API).

Every connector is called as ``conn(pre_indices, post_indices)`` and returns index
arrays ``(pre_ids, post_ids)`` (plus ``weights`` for the weight connectors); grid
connectors also take ``(height, width)``. They build sparse index lists: memory
grows with the number of synapses, never with ``num_pre * num_post``.

``SmallWorld`` and ``ScaleFree`` import networkx, so they are imported on first use (PEP 562).
"""

import importlib

from bp_core.connect.connectors import (
    All2All,
    Connector,
    FixedPostNum,
    FixedPreNum,
    FixedProb,
    One2One,
    all2all,
    one2one,
)
from bp_core.connect.formatter import (
    ij2mat,
    mat2ij,
    post2pre,
    post2syn,
    post_slice_syn,
    pre2post,
    pre2syn,
    pre_slice_syn,
)
from bp_core.connect.grids import GridEight, GridFour, GridN, grid_eight, grid_four, grid_n
from bp_core.connect.spatial import DOG, GaussianProb, GaussianWeight

__all__ = ["Connector", "One2One", "All2All", "GridFour", "GridEight", "GridN", "FixedProb", "FixedPreNum",
           "FixedPostNum", "GaussianProb", "GaussianWeight", "DOG", "SmallWorld", "ScaleFree", "one2one",
           "all2all", "grid_four", "grid_eight", "grid_n", "ij2mat", "mat2ij", "pre2post", "post2pre", "pre2syn",
           "post2syn", "pre_slice_syn", "post_slice_syn"]


def __getattr__(name: str):
    if name not in ("ScaleFree", "SmallWorld"):
        raise AttributeError(f"module 'bp_core.connect' has no attribute {name!r}")
    value = getattr(importlib.import_module("bp_core.connect.graphs"), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
