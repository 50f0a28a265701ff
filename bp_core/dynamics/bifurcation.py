"""Bifurcation analysis in one or two parameters: branches by continuation, fold and Hopf points,
limit-cycle extent past a Hopf point, and fold/Hopf curves in a parameter plane."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from bp_core.dynamics.continuation import continue_branch
from bp_core.dynamics.diagram import Branch, SpecialPoint
from bp_core.dynamics.fixed_points import find_fixed_points
from bp_core.dynamics.trajectory import Trajectory, detect_limit_cycle
from bp_core.dynamics.vector_field import VectorField, check_range
from bp_core.errors import ModelUseError
from bp_core.model.obj_type import NeuType

__all__ = ["BifurcationAnalyzer", "LimitCycleEnvelope", "Codim2Curves"]


@dataclass
class LimitCycleEnvelope:
    """Minimum and maximum of each variable on the limit cycle, at each parameter value where one exists."""

    par: np.ndarray
    minimum: dict[str, np.ndarray]
    maximum: dict[str, np.ndarray]
    period: np.ndarray


@dataclass
class Codim2Curves:
    """Fold and Hopf points in the plane of two parameters: arrays of shape (n, 2)."""

    pars: tuple[str, str]
    saddle_node: np.ndarray
    hopf: np.ndarray


class BifurcationAnalyzer:
    """Bifurcations of a NeuType's fixed points as one or two parameters vary.

    Parameters
    ----------
    model : NeuType
    target_pars : dict
        One or two parameters -> [min, max]; a parameter is a model parameter or an
        argument of a derivative function (an input such as ``Iext``).
    dynamical_vars : dict
        One or two variables -> [min, max].
    fixed_vars : dict, optional
        Values of other derivative arguments.
    pars_update : dict, optional
        Model parameters to change.
    par_resolution : float
        Largest continuation step along the parameter (and the grid of the second parameter).
    var_resolution : float
        Accepted for compatibility; fixed points are found by Newton's method, not on a grid.
    """

    def __init__(self, model: NeuType, target_pars: dict[str, Any], dynamical_vars: dict[str, Any],
                 fixed_vars: dict | None = None, pars_update: dict | None = None, par_resolution: float = 0.1,
                 var_resolution: float = 0.1):
        if not isinstance(target_pars, dict) or not 1 <= len(target_pars) <= 2:
            raise ModelUseError("target_pars must give one or two parameters -> [min, max].")
        if not isinstance(dynamical_vars, dict) or not dynamical_vars:
            raise ModelUseError("dynamical_vars must be a dict of variable -> [min, max].")
        if not par_resolution > 0:
            raise ModelUseError(f"par_resolution must be positive, got {par_resolution!r}.")
        self.par_ranges = {p: check_range("parameter", p, r) for p, r in target_pars.items()}
        self.var_ranges = {v: check_range("variable", v, r) for v, r in dynamical_vars.items()}
        clash = set(self.par_ranges) & set(fixed_vars or {})
        if clash:
            raise ModelUseError(f"{sorted(clash)} cannot be both a target parameter and a fixed variable.")
        self.field = VectorField(model, list(self.var_ranges), fixed_vars, pars_update, free=list(self.par_ranges),
                                 max_dim=None)
        self.par_resolution = float(par_resolution)
        self._cache: dict = {}
        self.var_resolution = var_resolution

    @property
    def par_names(self) -> list[str]:
        """The varied parameters."""
        return list(self.par_ranges)

    # -- codimension 1 ------------------------------------------------------------------------

    def branches(self, others: dict[str, float] | None = None, seeds: int = 9, grid: int = 11) -> list[Branch]:
        """Equilibrium branches along the first parameter (the second, if any, held at ``others``).

        Equilibria are searched at ``seeds`` parameter values (Newton from a grid of states) and
        each one not already on a branch is followed both ways by continuation. Each branch
        carries its folds (LP) and Hopf points (H) in ``special``.
        """
        key = ("branches", tuple(sorted((others or {}).items())), seeds, grid)
        if key in self._cache:
            return self._cache[key]
        name = self.par_names[0]
        p = self._par_vector(others)
        lo, hi = self.par_ranges[name]
        var_ranges = list(self.var_ranges.values())
        scale = np.append([b - a for a, b in var_ranges], hi - lo)
        tol = max(1e-3, 2 * self.par_resolution / (hi - lo))
        found: list[Branch] = []
        for p_seed in np.linspace(lo, hi, seeds):
            q = p.copy()
            q[0] = p_seed
            for x in find_fixed_points(self.field, var_ranges, q, seeds=grid):
                if any(b.contains(x, p_seed, scale, tol) for b in found):
                    continue
                backward, forward = [continue_branch(self.field, x, q, 0, (lo, hi), var_ranges,
                                                     self.par_resolution, d, par_names=self.par_names)
                                     for d in (-1.0, 1.0)]
                found.append(_join(backward, forward))
        self._cache[key] = found
        return found

    def bifurcation_points(self, others: dict[str, float] | None = None, seeds: int = 9,
                           grid: int = 11) -> list[SpecialPoint]:
        """Folds (``kind`` "saddle-node", label LP) and Hopf points ("hopf", H) along the first
        parameter, sorted by parameter value."""
        points: list[SpecialPoint] = []
        name = self.par_names[0]
        for branch in self.branches(others, seeds, grid):
            for point in branch.special:
                if not any(abs(point.par[name] - q.par[name]) < 1e-7 and point.label == q.label for q in points):
                    points.append(point)
        return sorted(points, key=lambda b: b.par[name])

    def limit_cycles(self, others: dict[str, float] | None = None, samples: int = 40) -> LimitCycleEnvelope:
        """Extent of the limit cycle around unstable fixed points (past a Hopf point), sampled along the parameter.

        All samples are integrated together as one vectorised system, kicked off their
        unstable fixed point; a sample counts when its trajectory settles on a periodic orbit.
        """
        p = self._par_vector(others)
        starts, pars = [], []
        for branch in self.branches(others):
            unstable = np.array([s in ("unstable focus", "unstable node") for s in branch.stability])
            if self.field.dim != 2 or not unstable.any():
                continue
            candidates = np.nonzero(unstable)[0]
            for k in candidates[np.linspace(0, candidates.size - 1, min(samples, candidates.size)).astype(int)]:
                starts.append(branch.states[k] + 1e-3 * np.array([b - a for a, b in self.var_ranges.values()]))
                pars.append(branch.par[k])
        found = self._settle_on_cycles(np.array(starts).reshape(-1, self.field.dim), np.array(pars), p)
        order = np.argsort([f[0] for f in found])
        found = [found[k] for k in order]
        names = self.field.variables
        return LimitCycleEnvelope(np.array([f[0] for f in found]),
                                  {v: np.array([f[1].minimum[v] for f in found]) for v in names},
                                  {v: np.array([f[1].maximum[v] for f in found]) for v in names},
                                  np.array([f[1].period for f in found]))

    def _settle_on_cycles(self, starts: np.ndarray, pars: np.ndarray, p: np.ndarray) -> list:
        found, pending = [], np.arange(len(pars))
        for duration in (600.0, 4000.0):
            if pending.size == 0:
                break
            n, dim = pending.size, self.field.dim
            par_rows = np.repeat(p[:, None], n, axis=1)
            par_rows[0] = pars[pending]

            def rhs(t, y):
                return self.field.f(y.reshape(dim, n), par_rows).ravel()

            ts = np.linspace(0.0, duration, int(duration * 20) + 1)
            sol = solve_ivp(rhs, (0.0, duration), starts[pending].T.ravel(), method="DOP853", rtol=1e-7,
                            atol=1e-9, t_eval=ts)
            ys = sol.y.reshape(dim, n, -1)
            still = []
            for column, index in enumerate(pending):
                values = {v: ys[k, column] for k, v in enumerate(self.field.variables)}
                cycle = detect_limit_cycle(Trajectory(sol.t, values), rel_tol=1e-2)
                if cycle is not None:
                    found.append((pars[index], cycle))
                else:
                    still.append(index)
            pending = np.array(still, dtype=int)
        return found

    # -- codimension 2 ------------------------------------------------------------------------

    def codim2_curves(self) -> Codim2Curves:
        """Fold and Hopf points of the first parameter, for the second parameter on a grid of ``par_resolution``."""
        if len(self.par_names) != 2:
            raise ModelUseError("codimension-2 curves need two target parameters.")
        first, second = self.par_names
        lo, hi = self.par_ranges[second]
        folds, hopfs = [], []
        for value in np.arange(lo, hi + self.par_resolution / 2, self.par_resolution):
            for point in self.bifurcation_points({second: value}, seeds=3, grid=7):
                pair = (point.par[first], point.par[second])
                (folds if point.kind == "saddle-node" else hopfs).append(pair)
        return Codim2Curves((first, second), np.array(folds).reshape(-1, 2), np.array(hopfs).reshape(-1, 2))

    def _par_vector(self, others: dict[str, float] | None) -> np.ndarray:
        others = others or {}
        p = np.array([0.5 * sum(self.par_ranges[n]) for n in self.par_names])
        for k, name in enumerate(self.par_names):
            if name in others:
                p[k] = others[name]
        return p

    # -- plot --------------------------------------------------------------------------------

    def plot_bifurcation(self, plot_vars: list[str] | None = None, show: bool = False):
        """Draw the codimension-1 diagram (branches, bifurcations, limit-cycle extent) or the
        codimension-2 fold and Hopf curves; returns the figure."""
        from bp_core.dynamics import plots

        plot_vars = plot_vars or self.field.variables
        for var in plot_vars:
            if var not in self.field.variables:
                raise ModelUseError(f"cannot plot {var!r}: the analysed variables are {self.field.variables}.")
        if len(self.par_names) == 1:
            return plots.plot_codim1(self, plot_vars, show)
        return plots.plot_codim2(self, show)


def _join(backward: Branch, forward: Branch) -> Branch:
    """One branch from the two halves continued from the same start."""
    return Branch(np.concatenate([backward.par[::-1], forward.par[1:]]),
                  np.concatenate([backward.states[::-1], forward.states[1:]]),
                  backward.stability[::-1] + forward.stability[1:],
                  np.concatenate([backward.eigenvalues[::-1], forward.eigenvalues[1:]]),
                  backward.special[::-1] + forward.special, f"{backward.stopped}; {forward.stopped}")
