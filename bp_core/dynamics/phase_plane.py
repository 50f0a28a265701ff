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

__all__ = ["PhasePortraitAnalyzer", "Nullcline", "VectorFieldGrid", "MAX_GRID_POINTS", "MAX_SCAN_LINES"]

MAX_GRID_POINTS = 4_000_000
"""Most states ``vector_field`` evaluates (a grid of 2000 x 2000 in two variables)."""

MAX_SCAN_LINES = 100_000
"""Most lines ``nullclines`` scans along one variable (each is 401 values of the other, then root finding)."""


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
        steps = [self._step("vector_field", resolution, lo, hi, 20, MAX_GRID_POINTS ** (1 / len(self.ranges)))
                 for lo, hi in self.ranges.values()]
        axes = [np.arange(lo, hi + 1e-12, step) for (lo, hi), step in zip(self.ranges.values(), steps)]
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
        step = self._step("nullclines", resolution, lo_s, hi_s, 400, MAX_SCAN_LINES)
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

    def _step(self, method: str, resolution: Any, lo: float, hi: float, default: int, most: float) -> float:
        """The grid step ``resolution`` asks for over ``[lo, hi]`` (``None``: the range in ``default`` steps), checked:
        a step that is no positive finite number, or that makes more than ``most`` points, is refused (a tiny one
        allocated the machine's memory or scanned for hours)."""
        if resolution is None:
            return (hi - lo) / default
        where = f"resolution={resolution!r} of {method}() of the phase plane of model {self.field.model.name!r}"
        if isinstance(resolution, bool) or not isinstance(resolution, (int, float, np.integer, np.floating)) \
                or not 0 < resolution < np.inf:
            raise ModelUseError(f"{where} must be a positive finite grid step, or None for {default} steps a range.")
        if (hi - lo) / resolution > most:
            raise ModelUseError(f"{where} makes {(hi - lo) / resolution:.3g} points along a range of {hi - lo:g}, more "
                                f"than {int(most):,}; take a resolution of at least {(hi - lo) / most:.3g}.")
        return float(resolution)

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

        if not isinstance(target_setting, (list, tuple)):
            raise ModelUseError(f"plot_trajectory takes a list of ({', '.join(self.variables)}, duration) settings, "
                                f"got {target_setting!r}.")
        trajectories = []
        for setting in target_setting:
            if not isinstance(setting, (list, tuple, np.ndarray)):
                raise ModelUseError(f"each trajectory setting is ({', '.join(self.variables)}, duration), "
                                    f"got {setting!r}.")
            *start, duration = setting
            if len(start) != self.field.dim:
                raise ModelUseError(f"each trajectory setting is ({', '.join(self.variables)}, duration), "
                                    f"got {setting!r}.")
            trajectories.append(self.trajectory(dict(zip(self.variables, start)), float(duration)))
        plots.plot_trajectories(self, trajectories, show)
        return trajectories
