"""NeuSubGroup: a selection of the neurons of a NeuGroup, as the pre- or post-synaptic side of a SynConn."""

from __future__ import annotations

from typing import Any

import numpy as np

from bp_core.model.obj_type import NeuType

__all__ = ["NeuSubGroup"]


class NeuSubGroup:
    """A selection of neurons of a NeuGroup, usable as the pre or post group of a SynConn.

    Attributes
    ----------
    parent : NeuGroup
    indices : np.ndarray
        Indices into the parent, in the selection's shape.
    """

    def __init__(self, parent: Any, indices: np.ndarray):
        self.parent = parent
        self.indices = indices
        self.geometry = indices.shape

    @property
    def num(self) -> int:
        """Number of selected neurons."""
        return int(self.indices.size)

    @property
    def ST(self):
        """The parent's state (the selection reads and writes its own columns of it)."""
        return self.parent.ST

    @property
    def model(self) -> NeuType:
        """The parent's model."""
        return self.parent.model

    @property
    def name(self) -> str:
        """A name derived from the parent's."""
        return f"{self.parent.name}[sub]"

    def contiguous_range(self) -> tuple[int, int] | None:
        """(lo, hi) when the selection is ``parent[lo:hi]`` in order, else None."""
        flat = self.indices.ravel()
        if flat.size and np.array_equal(flat, np.arange(flat[0], flat[0] + flat.size)):
            return int(flat[0]), int(flat[0] + flat.size)
        return None

    def __repr__(self) -> str:
        return f"<NeuSubGroup of {self.parent.name!r}, {self.num} neurons>"
