"""The data of a bifurcation diagram: branches of equilibria and of periodic orbits, curves in a
parameter plane, and the special points on them. Plain dataclasses of arrays; drawing is elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["SpecialPoint", "Branch", "CycleBranch", "Codim2Curve", "LABELS", "polyline_distance"]


def polyline_distance(points: np.ndarray, target: np.ndarray) -> float:
    """Distance from ``target`` to the polyline through ``points`` (rows); inf for no points."""
    if len(points) == 0:
        return float("inf")
    if len(points) == 1:
        return float(np.linalg.norm(points[0] - target))
    a, b = points[:-1], points[1:]
    ab = b - a
    t = np.clip(np.einsum("ij,ij->i", target - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-300), 0, 1)
    return float(np.min(np.linalg.norm(a + t[:, None] * ab - target, axis=1)))

#: AUTO's labels of special points and what they mean.
LABELS = {
    "LP": "saddle-node", "H": "hopf", "LPC": "fold of cycles", "PD": "period doubling",
    "NS": "Neimark-Sacker", "HOM": "homoclinic", "SNIC": "saddle-node on invariant circle",
    "BP": "branch point", "BPC": "branch point of cycles", "CP": "cusp", "BT": "Bogdanov-Takens",
    "GH": "generalised Hopf", "ZH": "zero-Hopf", "LPPD": "fold-flip", "R1": "1:1 resonance",
    "R2": "1:2 resonance", "R3": "1:3 resonance", "R4": "1:4 resonance",
}


@dataclass
class SpecialPoint:
    """A special point of a branch or curve.

    Attributes
    ----------
    label : str
        AUTO's label: LP, BP, H, LPC, PD, NS, BPC (a branch point of cycles, AUTO's BP on a periodic
        branch), HOM, SNIC, CP, BT, GH or ZH.
    par : dict
        Parameter values.
    state : dict
        The equilibrium, or for a cycle the point of the orbit at phase 0.
    period : float
        Period of the cycle (nan at an equilibrium).
    eigenvalues : ndarray
        Eigenvalues of the Jacobian, or Floquet multipliers of a cycle.
    coefficient : float
        Normal-form coefficient: ``a`` of a fold, the first Lyapunov coefficient ``l1`` of a Hopf
        point (negative: supercritical), nan where none is computed.
    located : object
        For a point of a cycle branch, the collocated orbit it was located on (the collocation, the
        unknown vector and the branch's tangent there), from which branches are switched at it.
    """

    label: str
    par: dict[str, float]
    state: dict[str, float]
    period: float = float("nan")
    eigenvalues: np.ndarray = field(default_factory=lambda: np.zeros(0))
    coefficient: float = float("nan")
    located: object = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        """The label spelled out (``"saddle-node"``, ``"hopf"``, ...)."""
        return LABELS[self.label]

    @property
    def supercritical(self) -> bool | None:
        """For a Hopf point, whether it is supercritical (l1 < 0): the cycle born there is stable within the
        centre manifold, and stable outright when the other eigenvalues have negative real parts."""
        if self.label != "H" or not np.isfinite(self.coefficient):
            return None
        return bool(self.coefficient < 0)


@dataclass
class Branch:
    """A curve of equilibria along a parameter.

    Attributes
    ----------
    par : ndarray
        Parameter value at each point (not monotonic where the branch folds).
    states : ndarray
        Equilibrium at each point, shape (n, dim).
    stability : list of str
        Stability class at each point.
    eigenvalues : ndarray
        Shape (n, dim).
    special : list of SpecialPoint
        Folds (LP), branch points (BP) and Hopf points (H) on the branch.
    stopped : str
        Why the continuation ended at each side.
    """

    par: np.ndarray
    states: np.ndarray
    stability: list[str] = field(default_factory=list)
    eigenvalues: np.ndarray | None = None
    special: list[SpecialPoint] = field(default_factory=list)
    stopped: str = ""

    @property
    def stable(self) -> np.ndarray:
        """Boolean per point: all eigenvalues in the left half plane."""
        return np.array([s.startswith("stable") for s in self.stability], dtype=bool)

    def distance(self, x: np.ndarray, p: float, scale: np.ndarray) -> float:
        """Distance (in units scaled by ``scale``) from ``(x, p)`` to the polyline of this branch."""
        return polyline_distance(np.column_stack([self.states, self.par]) / scale, np.append(x, p) / scale)

    def contains(self, x: np.ndarray, p: float, scale: np.ndarray, tol: float = 1e-3) -> bool:
        """True when ``(x, p)`` lies on this branch (within ``tol`` in scaled units)."""
        return self.distance(x, p, scale) < tol


@dataclass
class CycleBranch:
    """A branch of periodic orbits along a parameter.

    Attributes
    ----------
    par, period : ndarray
        Parameter value and period at each point.
    minimum, maximum : dict of ndarray
        Extremes of each variable over the orbit.
    multipliers : ndarray
        Floquet multipliers at each point, shape (n, dim); one of them is the trivial 1.
    stable : ndarray of bool
        All nontrivial multipliers inside the unit circle.
    special : list of SpecialPoint
        LPC, PD, NS, BPC, HOM and SNIC points.
    stopped : str
        Why the continuation ended.
    mesh, orbits : ndarray
        Time mesh on [0, 1] (n, nodes) and the orbit at the mesh nodes (n, nodes, dim), for drawing
        cycles in a phase plane.
    variables, parameter : names of the state variables and of the varied parameter.
    """

    par: np.ndarray
    period: np.ndarray
    minimum: dict[str, np.ndarray]
    maximum: dict[str, np.ndarray]
    multipliers: np.ndarray
    stable: np.ndarray
    special: list[SpecialPoint]
    stopped: str
    mesh: np.ndarray
    orbits: np.ndarray
    variables: list[str]
    parameter: str

    def orbit_at(self, value: float) -> tuple[np.ndarray, np.ndarray]:
        """Mesh times and states of the computed orbit whose parameter is nearest ``value``."""
        k = int(np.argmin(np.abs(self.par - value)))
        return self.mesh[k] * self.period[k], self.orbits[k]


@dataclass
class Codim2Curve:
    """A curve of folds (LP), Hopf points (H), folds of cycles (LPC), period doublings (PD) or torus
    bifurcations (NS) in the plane of two parameters.

    Attributes
    ----------
    label : str
        ``"LP"``, ``"H"``, ``"LPC"``, ``"PD"``, ``"NS"`` or ``"HOM"`` (homoclinic orbits, as orbits of a
        fixed large period).
    pars : tuple of str
        The two parameters.
    values : ndarray
        Shape (n, 2): the parameter pairs along the curve.
    states : ndarray
        Equilibrium at each point (for LPC, PD, NS: the orbit at phase 0; for HOM: the saddle the orbit
        slows at, NaN where it passes none), shape (n, dim).
    special : list of SpecialPoint
        CP, BT, GH and ZH points on the curve; LPPD and R2 on a PD curve, R3 and R4 on an NS curve, NCH
        (non-central saddle-node homoclinic points) on a HOM curve.
    stopped : str
    period : ndarray or None
        Period of the cycle at each point of an LPC, PD, NS or HOM curve.
    """

    label: str
    pars: tuple[str, str]
    values: np.ndarray
    states: np.ndarray
    special: list[SpecialPoint]
    stopped: str
    period: np.ndarray | None = None
