"""NeuSubGroup: a selection of the neurons of a NeuGroup, as the pre- or post-synaptic side of a SynConn."""

from __future__ import annotations

from typing import Any

import numpy as np

from bp_core.errors import ModelUseError
from bp_core.model.obj_type import NeuType

__all__ = ["NeuSubGroup", "select"]


def select(name: str, indices: np.ndarray, item: Any) -> np.ndarray:
    """The parent's indices that ``item`` selects from ``indices`` (those of a group or of a selection of it),
    checked once and read-only: compiled code reads the parent's columns through them."""
    try:
        selected = indices[item]
    except (IndexError, ValueError, TypeError) as err:
        raise ModelUseError(f"cannot index {name!r} (geometry {indices.shape}) with {item!r}: {err}; select "
                            f"neurons with integers, slices of integers (group[10:20]) or an index array.") from None
    selected = np.atleast_1d(selected).copy()
    selected.flags.writeable = False
    if selected.size == 0:
        raise ModelUseError(f"{name!r}[{item!r}] selects no neuron.")
    return selected


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

    def __getitem__(self, item: Any) -> NeuSubGroup:
        """A selection of this selection: a selection of the same parent (``group[2:6][1:3]`` is ``group[3:5]``)."""
        return NeuSubGroup(self.parent, select(self.name, self.indices, item))

    def contiguous_range(self) -> tuple[int, int] | None:
        """(lo, hi) when the selection is ``parent[lo:hi]`` in order, else None."""
        flat = self.indices.ravel()
        if flat.size and np.array_equal(flat, np.arange(flat[0], flat[0] + flat.size)):
            return int(flat[0]), int(flat[0] + flat.size)
        return None

    def __repr__(self) -> str:
        return f"<NeuSubGroup of {self.parent.name!r}, {self.num} neurons>"
