"""Condensation of the collocation equations' interval interiors, as AUTO-07p solves them.

The bordered collocation Jacobian has one dense block per mesh interval (``m`` collocation points by
``m + 1`` nodes, all ``dim`` wide), two bordering columns (period and parameter), the periodicity rows
``x_0 - x_N`` and two dense rows (the phase condition and the continuation's step). The ``m - 1``
interior nodes of an interval appear only in that interval's block and in the dense rows, so each block
is reduced on its own: Gaussian elimination with partial pivoting in its interior columns turns
``(m - 1) dim`` of its rows into a triangular system for the interior nodes and leaves ``dim`` rows in the
interval's two boundary nodes, the period and the parameter (compiled loops over the intervals,
``condensation_kernels.py``). What is left is a block-bidiagonal system in the ``N + 1`` boundary nodes,
closed by periodicity and the two dense rows, ``(N + 1) dim + 2`` unknowns against the full system's
``(N m + 1) dim + 2``. Its inner nodes are eliminated in turn, each from the ``2 dim`` rows that hold
it with partial pivoting, as AUTO-07p's sequential reduction does, leaving a dense system of
``2 dim + 2`` unknowns: the first and last node, period and parameter.

A factorisation serves any number of right-hand sides (Newton's chord iterations, the tangent). The
condensed rows also give the transfer matrices from each interval's first node to its last, whose
product is the monodromy matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bp_core.dynamics import condensation_start

__all__ = ["CondensedFactor", "condense", "transfer_matrices", "monodromy"]


@dataclass(frozen=True)
class CondensedFactor:
    """A factorisation of the bordered collocation Jacobian by condensation; call it on a right-hand side.

    ``eliminated`` (N, m d, (m+1) d + 2) and ``pivots`` are the intervals' eliminations (interior columns
    first), ``interior`` (N, (m-1) d, 2 d + 2) the interior nodes' dependence on the interval's first and
    last node, period and parameter, ``row_interior`` (2, N, (m-1) d) the dense rows' coefficients of the
    interior nodes; ``folded`` the boundary nodes' elimination (:func:`condensation_kernels.fold`).
    """

    m: int
    dim: int
    eliminated: np.ndarray
    pivots: np.ndarray
    interior: np.ndarray
    row_interior: np.ndarray
    folded: tuple

    def __call__(self, rhs: np.ndarray) -> np.ndarray:
        """The solution ``z`` of ``J z = rhs`` (rows: collocation, periodicity, phase, step)."""
        out = np.empty(rhs.size)
        condensation_start.kernels(wait=True).solve(self.eliminated, self.pivots, self.interior, self.row_interior,
                                              *self.folded, np.ascontiguousarray(rhs, dtype=float), out)
        return out


def _eliminate(blocks: np.ndarray, border: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each interval's rows eliminated in its interior columns: the eliminated blocks, pivots and the interior
    nodes' dependence on the other unknowns (see :func:`condensation_kernels.eliminate`). ``blocks``
    (N, m, m+1, d, d); ``border`` (N, m d, B), B columns past the nodes' (period and parameter; none for
    transfer matrices). Raises ``numpy.linalg.LinAlgError`` on a zero pivot."""
    n_int, m, nodes, d, _ = blocks.shape
    inner = (m - 1) * d
    kernels = condensation_start.kernels(wait=True)
    # Interior columns first, then the first node, the last node and the border (period and parameter).
    a = np.empty((n_int, m * d, nodes * d + border.shape[2]))
    kernels.arrange(np.ascontiguousarray(blocks, dtype=float), np.ascontiguousarray(border, dtype=float), a)
    pivots = np.empty((n_int, inner), dtype=np.int64)
    interior = np.empty((n_int, inner, a.shape[2] - inner))
    if not kernels.eliminate(a, inner, pivots, interior):
        raise np.linalg.LinAlgError("an interval's interior collocation block is singular")
    return a, pivots, interior


def condense(blocks: np.ndarray, border: np.ndarray, rows: np.ndarray) -> CondensedFactor:
    """Factorise the bordered collocation Jacobian.

    Parameters
    ----------
    blocks : ndarray, shape (N, m, m+1, d, d)
        Derivative of collocation equation (interval, point) by node (interval, local node), rows by columns.
    border : ndarray, shape (N, m d, 2)
        The collocation equations' derivatives by the period and the parameter.
    rows : ndarray, shape (2, (N m + 1) d + 2)
        The phase condition's row and the step's row.

    Returns
    -------
    CondensedFactor
        Solves the system. Raises ``numpy.linalg.LinAlgError`` where the matrix is singular.
    """
    n_int, m, _, d, _ = blocks.shape
    inner = (m - 1) * d
    a, pivots, interior = _eliminate(blocks, border)
    condensed = a[:, inner:, inner:]                                            # (N, d, 2 d + 2)

    n_x = (n_int * m + 1) * d
    node_rows = rows[:, :n_x].reshape(2, n_int * m + 1, d)
    row_interior = np.ascontiguousarray(node_rows[:, :-1].reshape(2, n_int, m, d)[:, :, 1:, :]).reshape(2, n_int,
                                                                                                       inner)
    through = -np.einsum("rnk,nkc->rnc", row_interior, interior)                # (2, N, 2 d + 2)
    boundary = node_rows[:, ::m, :].copy()                                      # (2, N + 1, d)
    boundary[:, :-1] += through[:, :, :d]
    boundary[:, 1:] += through[:, :, d:2 * d]
    dense = np.concatenate([boundary.reshape(2, -1), rows[:, n_x:] + through[:, :, 2 * d:].sum(axis=1)], axis=1)

    steps = np.empty((n_int, 2 * d, 3 * d + 2))
    pivots_b = np.zeros((n_int, d), dtype=np.int64)
    through_b = np.empty((n_int, 2, d))
    last = np.empty((2 * d + 2, 2 * d + 2))
    last_pivots = np.empty(2 * d + 2, dtype=np.int64)
    if not condensation_start.kernels(wait=True).fold(np.ascontiguousarray(condensed), dense, steps, pivots_b, through_b,
                                                last, last_pivots):
        raise np.linalg.LinAlgError("the condensed collocation system is singular")
    return CondensedFactor(m, d, a, pivots, interior, row_interior, (steps, pivots_b, through_b, last, last_pivots))


def transfer_matrices(blocks: np.ndarray) -> np.ndarray:
    """Each interval's transfer matrix (N, d, d), its last node from its first, of the linearised collocation
    equations at fixed period and parameter: from the condensed rows, ``C_first x_j + C_last x_(j+1) = 0``;
    while the kernels compile in the background, from each interval's square system in its other nodes."""
    n_int, m, _, d, _ = blocks.shape
    if condensation_start.kernels() is None:
        a = blocks.transpose(0, 1, 3, 2, 4).reshape(n_int, m * d, (m + 1) * d)
        # columns: the first node, then the interior and last nodes, solved for from the first
        return np.linalg.solve(a[:, :, d:], -a[:, :, :d])[:, (m - 1) * d:]
    # No border: each column is eliminated on its own (the pivots from the interior columns alone), so the
    # nodes' columns come out as they would beside a border.
    a, _, _ = _eliminate(blocks, np.zeros((n_int, m * d, 0)))
    condensed = a[:, (m - 1) * d:, (m - 1) * d:]
    return -np.linalg.solve(condensed[:, :, d:2 * d], condensed[:, :, :d])


def monodromy(blocks: np.ndarray) -> np.ndarray:
    """The monodromy matrix (d, d): the product of :func:`transfer_matrices`, the last interval's on the left.

    Multiplied pairwise, neighbour with neighbour, in batched products (log2 N of them, not N small ones).
    """
    steps = transfer_matrices(blocks)
    while steps.shape[0] > 1:
        even = steps.shape[0] // 2 * 2
        paired = np.matmul(steps[1:even:2], steps[0:even:2])
        steps = np.concatenate([paired, steps[even:]]) if even < steps.shape[0] else paired
    return steps[0]
