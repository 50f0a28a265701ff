"""Phase plane analysis of one- and two-variable neuron models: nullclines, vector field, fixed points,
trajectories and limit cycles, as data; the plot_* methods draw them with matplotlib."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bp_core.dynamics.fixed_points import FixedPoint, classify, find_fixed_points
from bp_core.dynamics.trajectory import LimitCycle, Trajectory, detect_limit_cycle, integrate_trajectory
from bp_core.dynamics.vector_field import VectorField, check_range
from bp_core.errors import ModelUseError
from bp_core.model.obj_type import NeuType

__all__ = ["PhasePortraitAnalyzer", "Nullcline", "VectorFieldGrid"]


@dataclass
class Nullcline:
    """Points where the derivative of ``var`` vanishes (NaN separates pieces)."""

    var: str
    points: dict[str, np.ndarray]


@dataclass
class VectorFieldGrid:
    """A grid of states and the derivatives there."""

    grid: dict[str, np.ndarray]
    derivatives: dict[str, np.ndarray]


class PhasePortraitAnalyzer:
    """Phase plane of a NeuType in one or two of its variables.

    Parameters
    ----------
    model : NeuType
    target_vars : dict
        Variable -> [min, max], one or two variables.
    fixed_vars : dict, optional
        Values of the derivative functions' other arguments (e.g. ``{'Iext': 0.8}``).
    pars_update : dict, optional
        Model parameters to change for the analysis.
    lim_scale : float
        Plot limits are the ranges enlarged by this factor.
    """

    def __init__(self, model: NeuType, target_vars: dict[str, Any], fixed_vars: dict | None = None,
                 pars_update: dict | None = None, lim_scale: float = 1.05):
        if not isinstance(target_vars, dict) or not target_vars:
            raise ModelUseError("target_vars must be a dict of variable -> [min, max].")
        self.ranges = {v: check_range("variable", v, r) for v, r in target_vars.items()}
        self.field = VectorField(model, list(self.ranges), fixed_vars, pars_update)
        self.lim_scale = lim_scale

    @property
    def variables(self) -> list[str]:
        """The analysed variables."""
        return self.field.variables

    # -- data -------------------------------------------------------------------------------------

    def vector_field(self, resolution: float | None = None) -> VectorFieldGrid:
        """Derivatives on a grid (``resolution`` is the grid step; default 1/20 of each range)."""
        axes = [np.arange(lo, hi + 1e-12, resolution or (hi - lo) / 20) for lo, hi in self.ranges.values()]
        mesh = np.meshgrid(*axes, indexing="xy")
        derivs = self.field.f(np.array(mesh))
        return VectorFieldGrid(dict(zip(self.variables, mesh)), dict(zip(self.variables, derivs)))

    def nullclines(self, resolution: float | None = None) -> list[Nullcline]:
        """For each variable, the curve where its derivative is zero.

        Each is found by scanning one axis and solving for the other with Brent's
        method, in both directions, so steep and folded curves are both covered.
        """
        if self.field.dim == 1:
            var = self.variables[0]
            points = np.array([fp.position[var] for fp in self.fixed_points()])
            return [Nullcline(var, {var: points})]
        out = []
        for k, var in enumerate(self.variables):
            xs, ys = [], []
            for scan in (0, 1):
                a, b = self._solve_along(k, scan, resolution)
                xs += [a, [np.nan]]
                ys += [b, [np.nan]]
            out.append(Nullcline(var, {self.variables[0]: np.concatenate(xs), self.variables[1]: np.concatenate(ys)}))
        return out

    def _solve_along(self, k: int, scan: int, resolution: float | None) -> tuple[np.ndarray, np.ndarray]:
        (lo_s, hi_s), (lo_o, hi_o) = self.ranges[self.variables[scan]], self.ranges[self.variables[1 - scan]]
        step = resolution or (hi_s - lo_s) / 400
        scan_values = np.arange(lo_s, hi_s + 1e-12, step)
        other = np.linspace(lo_o, hi_o, 401)
        # imported here: most analyses never call it, and scipy.optimize costs a new process 0.1 s to import
        from scipy import optimize

        xs, ys = [], []

        def g(s, o):
            state = np.empty(2)
            state[scan], state[1 - scan] = s, o
            return self.field.f(state)[k]

        for s in scan_values:
            grid_state = np.empty((2, other.size))
            grid_state[scan], grid_state[1 - scan] = s, other
            values = self.field.f(grid_state)[k]
            for idx in np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]:
                root = optimize.brentq(lambda o: g(s, o), other[idx], other[idx + 1], xtol=1e-12)
                pair = (s, root) if scan == 0 else (root, s)
                xs.append(pair[0])
                ys.append(pair[1])
        return np.array(xs), np.array(ys)

    def fixed_points(self) -> list[FixedPoint]:
        """Every fixed point inside the ranges, with its Jacobian, eigenvalues and stability class."""
        points = []
        for x in find_fixed_points(self.field, list(self.ranges.values())):
            jac = self.field.jacobian(x)
            eig, label = classify(jac)
            points.append(FixedPoint(dict(zip(self.variables, map(float, x))), jac, eig, label))
        return points

    def trajectory(self, initial: dict[str, float], duration: float, dt: float | None = None) -> Trajectory:
        """The solution from ``initial`` (variable -> value) over ``duration`` ms."""
        missing = [v for v in self.variables if v not in initial]
        if missing:
            raise ModelUseError(f"the initial point lacks {missing}; give every variable of {self.variables}.")
        return integrate_trajectory(self.field, initial, duration, dt=dt)

    def limit_cycle(self, initial: dict[str, float], duration: float = 1000.) -> LimitCycle | None:
        """The limit cycle reached from ``initial`` within ``duration`` ms, or None."""
        return detect_limit_cycle(self.trajectory(initial, duration))

    # -- plots (matplotlib) -------------------------------------------------------------------------

    def plot_nullcline(self, resolution: float | None = None, show: bool = False):
        """Draw the nullclines; returns the axes."""
        from bp_core.dynamics import plots

        return plots.plot_nullclines(self, self.nullclines(resolution), show)

    def plot_vector_field(self, resolution: float | None = None, lw_lim=None, show: bool = False):
        """Draw the vector field as streamlines; returns the axes."""
        from bp_core.dynamics import plots

        return plots.plot_vector_field(self, self.vector_field(resolution), show)

    def plot_fixed_point(self, resolution: float | None = None, show: bool = False) -> list[FixedPoint]:
        """Draw the fixed points coloured by stability and print one line for each."""
        from bp_core.dynamics import plots

        points = self.fixed_points()
        for k, point in enumerate(points, start=1):
            print(f"Fixed point #{k} {point.describe()}")
        plots.plot_fixed_points(self, points, show)
        return points

    def plot_trajectory(self, target_setting: list, axes: Any = None, inputs: Any = None, show: bool = False):
        """Draw trajectories from ``[(x0[, y0], duration), ...]``.

        ``inputs`` is accepted for compatibility; the trajectory follows the analysed
        vector field, with ``fixed_vars`` as the inputs.
        """
        from bp_core.dynamics import plots

        trajectories = []
        for setting in target_setting:
            *start, duration = setting
            if len(start) != self.field.dim:
                raise ModelUseError(f"each trajectory setting is ({', '.join(self.variables)}, duration), "
                                    f"got {setting!r}.")
            trajectories.append(self.trajectory(dict(zip(self.variables, start)), float(duration)))
        plots.plot_trajectories(self, trajectories, show)
        return trajectories
