"""Nearest-neighbour connectors on 2-D grids: GridFour, GridEight and GridN."""

from __future__ import annotations

import numpy as np

from bp_core.connect.connectors import Connector
from bp_core.errors import ModelUseError

__all__ = ["GridFour", "GridEight", "GridN", "grid_four", "grid_eight", "grid_n"]


def _grid(pre_indices, post_indices) -> np.ndarray:
    """Return the 2-D index grid shared by pre and post (or built from a (height, width) pair)."""
    if post_indices is None:
        shape = tuple(int(s) for s in np.atleast_1d(pre_indices))
        if len(shape) != 2:
            raise ModelUseError(f"a grid connector needs (height, width), got {pre_indices!r}.")
        return np.arange(shape[0] * shape[1]).reshape(shape)
    pre, post = np.asarray(pre_indices), np.asarray(post_indices)
    if pre.shape != post.shape:
        raise ModelUseError(f"a grid connector needs pre and post of the same geometry, got {pre.shape} and "
                            f"{post.shape}.")
    if pre.ndim == 1:
        pre = pre.reshape(1, -1)
    if pre.ndim != 2:
        raise ModelUseError(f"a grid connector needs a 1-D or 2-D geometry, got {pre.ndim}-D.")
    return pre


class _GridConnector(Connector):
    """Connect each cell of a grid to the cells at the given row/column offsets."""

    offsets: list[tuple[int, int]] = []

    def __init__(self, include_self: bool = False):
        self.include_self = include_self

    def neighbour_offsets(self) -> list[tuple[int, int]]:
        """Row/column offsets of the neighbours, (0, 0) included when ``include_self``."""
        return ([(0, 0)] if self.include_self else []) + list(self.offsets)

    def __call__(self, pre_indices, post_indices=None):
        grid = _grid(pre_indices, post_indices)
        post_grid = grid if post_indices is None else np.asarray(post_indices).reshape(grid.shape)
        height, width = grid.shape
        rows, cols = np.divmod(np.arange(grid.size), width)
        i_parts, j_parts = [], []
        for dr, dc in self.neighbour_offsets():
            r, c = rows + dr, cols + dc
            inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
            i_parts.append(grid.ravel()[inside])
            j_parts.append(post_grid[r[inside], c[inside]])
        i, j = np.concatenate(i_parts), np.concatenate(j_parts)
        order = np.lexsort((j, i))
        return i[order].astype(np.int64), j[order].astype(np.int64)


class GridFour(_GridConnector):
    """Connect each neuron to its four nearest neighbours (up, down, left, right)."""

    offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]


class GridEight(_GridConnector):
    """Connect each neuron to its eight nearest neighbours."""

    offsets = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]


class GridN(_GridConnector):
    """Connect each neuron to the (2n+1) x (2n+1) square of neighbours around it.

    Parameters
    ----------
    n : int
        Reach of the square, at least 1.
    include_self : bool
    """

    def __init__(self, n: int = 1, include_self: bool = False):
        if int(n) < 1:
            raise ModelUseError(f"GridN needs n >= 1, got n={n!r}.")
        super().__init__(include_self)
        self.n = int(n)
        self.offsets = [(dr, dc) for dr in range(-self.n, self.n + 1) for dc in range(-self.n, self.n + 1)
                        if (dr, dc) != (0, 0)]


def grid_four(height: int, width: int, include_self: bool = False):
    """Pairs of the four-neighbour grid of (height, width) cells."""
    return GridFour(include_self)((height, width))


def grid_eight(height: int, width: int, include_self: bool = False):
    """Pairs of the eight-neighbour grid of (height, width) cells."""
    return GridEight(include_self)((height, width))


def grid_n(height: int, width: int, n: int = 1, include_self: bool = False):
    """Pairs of the (2n+1)^2-neighbour grid of (height, width) cells."""
    return GridN(n, include_self)((height, width))
