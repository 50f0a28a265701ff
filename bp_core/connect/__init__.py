"""Connectivity: connectors and format conversions (the ``brainpy.connect`` API)."""

from bp_core.connect.connectors import All2All, Connector, FixedProb, One2One, all2all, one2one
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

__all__ = ["Connector", "One2One", "All2All", "FixedProb", "one2one", "all2all", "ij2mat", "mat2ij",
           "pre2post", "post2pre", "pre2syn", "post2syn", "pre_slice_syn", "post_slice_syn"]
