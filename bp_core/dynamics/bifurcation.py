"""Bifurcation analysis in one or two parameters: branches by continuation, fold, branch and Hopf points,
limit-cycle extent past a Hopf point, and fold/Hopf curves in a parameter plane."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import warnings

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics import time_budget as time_budget_
from bp_core.dynamics.codim2 import continue_codim2
from bp_core.dynamics.continuation import CLOSED, continue_branch, join_halves, switch_branch
from bp_core.dynamics.cycle_bifurcation_curves import continue_cycle_bifurcation
from bp_core.dynamics.cycle_folds import continue_cycle_folds
from bp_core.dynamics.cycle_switching import switch_cycle_branch
from bp_core.dynamics.cycles import CycleSettings, cycle_at, cycles_from_hopf, cycles_from_orbit
from bp_core.dynamics.diagram import Branch, Codim2Curve, CycleBranch, SpecialPoint, polyline_distance
from bp_core.dynamics.fixed_points import find_fixed_points
from bp_core.dynamics.homoclinic_curves import continue_homoclinic
from bp_core.dynamics.poincare import settle_on_cycle
from bp_core.dynamics.symmetry import mirror_branch, symmetry_between
from bp_core.dynamics.vector_field import VectorField, check_range
from bp_core.errors import ModelUseError, NoEquilibriumWarning
from bp_core.model.obj_type import NeuType

__all__ = ["BifurcationAnalyzer", "LimitCycleEnvelope", "Codim2Curves", "TIME_BUDGET"]

#: Seconds of wall clock a call that follows curves in two parameters takes at most, by default: with the step
#: that ends it and the assembly of its result, it answers within half a minute.
TIME_BUDGET = 25.0


@dataclass
class LimitCycleEnvelope:
    """Minimum, maximum and period of the periodic orbits at each computed parameter value, and
    whether each orbit is stable."""

    par: np.ndarray
    minimum: dict[str, np.ndarray]
    maximum: dict[str, np.ndarray]
    period: np.ndarray
    stable: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


@dataclass
class Codim2Curves:
    """Fold and Hopf curves in the plane of two parameters: all their points as arrays of shape (n, 2),
    and the curves themselves with their codimension-2 points."""

    pars: tuple[str, str]
    saddle_node: np.ndarray
    hopf: np.ndarray
    curves: list[Codim2Curve] = field(default_factory=list)
    #: The curves the call's time budget cut short or left unfollowed (empty when it finished).
    unfinished: list[str] = field(default_factory=list)

    @property
    def fold_of_cycles(self) -> np.ndarray:
        """All points of the LPC curves, shape (n, 2)."""
        parts = [c.values for c in self.curves if c.label == "LPC"]
        return np.concatenate(parts) if parts else np.zeros((0, 2))

    @property
    def special(self) -> list[SpecialPoint]:
        """CP, BT, GH and ZH points of every curve."""
        return [point for curve in self.curves for point in curve.special]



def _why_no_cycle_at(value: float, branch: CycleBranch, k: int, name: str) -> str | None:
    """Why no orbit of ``branch`` can be followed to ``value`` from its orbit ``k``, where the branch says: the
    value lies past its orbits (beyond a fold of cycles or its end), or orbit ``k`` lies where the period grows
    while the parameter stands still (next to an orbit of infinite period, where one value of the parameter
    does not determine the period). None where neither holds."""
    lo, hi = float(np.min(branch.par)), float(np.max(branch.par))
    if not lo <= value <= hi:
        return (f"{name} = {value!r} lies beyond the orbits of this branch of cycles, which span [{lo:.10g}, "
                f"{hi:.10g}]: past a fold of cycles or the branch's end it has no orbit there.")
    near = slice(max(k - 1, 0), min(k + 2, len(branch.par)))
    pars, periods = branch.par[near], branch.period[near]
    if np.ptp(periods) > 1e-2 * np.min(periods) and np.ptp(pars) <= 1e-8 * max(hi - lo, abs(value)):
        return (f"near {name} = {branch.par[k]:.10g} this branch's period goes from {np.min(periods):.6g} to "
                f"{np.max(periods):.6g} while {name} moves by {np.ptp(pars):.1e}: an orbit of infinite period is "
                f"near, and there one value of {name} does not determine the orbit. Take a value further from "
                f"it, or the branch's own orbits (branch.orbits, branch.period) at these values.")
    return None

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
        The resolution of the analysis along the parameter (and the grid of the second parameter). Folds,
        branch points and Hopf points of the equilibria are found wherever a step of ``par_resolution`` finds
        them: continuation steps grow beyond it where a branch is smooth, and the test functions are then
        also checked at points ``par_resolution`` apart inside each step, where the step is cut back to
        ``par_resolution`` before any sign change. Special points closer together than that may be missed.
        A resolution finer than 1e-4 of the parameter's range is taken as 1e-4 of the range (checking a
        long step at more points would take minutes).
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
        for name, value in (("par_resolution", par_resolution), ("var_resolution", var_resolution)):
            # an infinite or textual resolution ran the continuation for ever or failed in a comparison
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not 0 < value < np.inf:
                raise ModelUseError(f"{name} of the bifurcation analysis of model {getattr(model, 'name', model)!r} "
                                    f"must be a positive finite number, got {value!r}; for example {name}=0.1.")
        self.par_ranges = {p: check_range("parameter", p, r) for p, r in target_pars.items()}
        self.var_ranges = {v: check_range("variable", v, r) for v, r in dynamical_vars.items()}
        clash = set(self.par_ranges) & set(fixed_vars or {})
        if clash:
            raise ModelUseError(f"{sorted(clash)} cannot be both a target parameter and a fixed variable.")
        self.field = VectorField(model, list(self.var_ranges), fixed_vars, pars_update, free=list(self.par_ranges),
                                 max_dim=None)
        self.field.require_smooth("bifurcation analysis")
        self.par_resolution = float(par_resolution)
        self._cache: dict = {}
        self.var_resolution = var_resolution

    @property
    def par_names(self) -> list[str]:
        """The varied parameters."""
        return list(self.par_ranges)

    # -- codimension 1 ------------------------------------------------------------------------

    def branches(self, others: dict[str, float] | None = None, seeds: int = 9, grid: int = 11,
                 switch: bool = True) -> list[Branch]:
        """Equilibrium branches along the first parameter (the second, if any, held at ``others``).

        Equilibria are searched at ``seeds`` parameter values (Newton from a grid of states) and
        each one not already on a branch is followed both ways by continuation. Each branch
        carries its folds (LP), branch points (BP) and Hopf points (H) in ``special``. With ``switch``
        (the default), the other branch through every branch point is followed too, where no seed
        has reached it already.
        """
        key = ("branches", tuple(sorted((others or {}).items())), seeds, grid, switch)
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
                if _singular(self.field, x, q, scale[:-1]):
                    continue  # a seed exactly at a fold or branch point: another seed starts that branch
                backward = continue_branch(self.field, x, q, 0, (lo, hi), var_ranges, self.par_resolution, -1.0,
                                           par_names=self.par_names)
                if backward.stopped == CLOSED:  # a closed curve (an isola): the other way round is the same
                    found.append(backward)
                    continue
                forward = continue_branch(self.field, x, q, 0, (lo, hi), var_ranges, self.par_resolution, 1.0,
                                          par_names=self.par_names)
                found.append(join_halves(backward, forward))
        if switch:
            found += self._switched(found, p, scale, tol)
        if not found and not time_budget_.expired():
            ranges = ", ".join(f"{v} in [{a:g}, {b:g}]" for v, (a, b) in self.var_ranges.items())
            warnings.warn(f"BifurcationAnalyzer: no equilibrium with {ranges} for {name} anywhere in [{lo:g}, {hi:g}] "
                          f"(Newton from a {grid}-point grid of states at {seeds} values of {name}), so the "
                          f"diagram is empty; if the model has equilibria outside these ranges, widen them "
                          f"(dynamical_vars).", NoEquilibriumWarning, stacklevel=2)
        if not time_budget_.expired():  # branches ended by a time budget are not kept
            self._cache[key] = found
        return found

    def _switched(self, found: list[Branch], p: np.ndarray, scale: np.ndarray, tol: float,
                  limit: int = 20) -> list[Branch]:
        """The branches through the branch points of ``found`` that no seed reached, and theirs in turn."""
        name = self.par_names[0]
        lo, hi = self.par_ranges[name]
        queue = [(branch, point) for branch in found for point in branch.special if point.label == "BP"]
        new: list[Branch] = []
        span = {v: hi - lo for v, (lo, hi) in self.var_ranges.items()}
        done: list[SpecialPoint] = []
        while queue and len(new) < limit:
            branch, point = queue.pop(0)
            # The same branch point on two branches (the known branch and the one switched to): both branches
            # through it are known after the first switch there.
            if any(_same_point(point, q, name, span) for q in done):
                continue
            done.append(point)
            other = switch_branch(self.field, point, _direction_at(branch, point, self.field.variables, name), p, 0,
                                  (lo, hi), list(self.var_ranges.values()), self.par_resolution,
                                  par_names=self.par_names,
                                  known=lambda x, v: any(b.contains(x, v, scale, tol) for b in found + new))
            if other is not None:
                new.append(other)
                queue += [(other, q) for q in other.special if q.label == "BP" and q is not point]
        return new

    def bifurcation_points(self, others: dict[str, float] | None = None, seeds: int = 9,
                           grid: int = 11) -> list[SpecialPoint]:
        """Folds (``kind`` "saddle-node", label LP), branch points ("branch point", BP) and Hopf points
        ("hopf", H) along the first parameter, sorted by parameter value. A point found on two branches
        is listed once; distinct points at one parameter value (symmetric copies) are listed each."""
        points: list[SpecialPoint] = []
        name = self.par_names[0]
        span = {v: hi - lo for v, (lo, hi) in self.var_ranges.items()}
        for branch in self.branches(others, seeds, grid):
            for point in branch.special:
                if not any(_same_point(point, q, name, span) for q in points):
                    points.append(point)
        return sorted(points, key=lambda b: b.par[name])

    def cycle_branches(self, others: dict[str, float] | None = None,
                       settings: CycleSettings | None = None, switch: bool = False) -> list[CycleBranch]:
        """Branches of periodic orbits born at the Hopf points along the first parameter, by collocation.

        A branch that ends at another Hopf point is not computed again from there. With ``switch``, the
        branches through their branch points of cycles (BPC) and the period-doubled branches born at their
        period doublings (PD) follow them, one level deep (see :meth:`switch_cycle_branch`).
        """
        key = ("cycles", tuple(sorted((others or {}).items())), id(settings), switch)
        if key in self._cache:
            return self._cache[key]
        found = self._cycle_branches(others, settings, switch)
        if not time_budget_.expired():  # branches ended by a time budget are not kept
            self._cache[key] = found
        return found

    def _cycle_branches(self, others: dict[str, float] | None, settings: CycleSettings | None,
                        switch: bool) -> list[CycleBranch]:
        name = self.par_names[0]
        lo, hi = self.par_ranges[name]
        p = self._par_vector(others)
        found: list[CycleBranch] = []
        started: list[tuple[SpecialPoint, CycleBranch]] = []
        span = np.array([b - a for a, b in self.var_ranges.values()])
        for hopf in (q for q in self.bifurcation_points(others) if q.label == "H"):
            value = hopf.par[name]
            # The branch stops one step past its Hopf point: look at its last points.
            if any(b.stopped.startswith("the orbit shrank") and np.min(np.abs(b.par[-3:] - value)) < 1e-2 * (hi - lo)
                   for b in found):
                continue
            # The mirror image of a Hopf point under a symmetry of the equations starts the mirror image
            # of its branch: carried over, not computed again.
            mirrored = next(((s, b) for a, b in started
                             if (s := symmetry_between(self.field, a, hopf, p, 0, (lo, hi), span)) is not None), None)
            branch = (mirror_branch(mirrored[1], mirrored[0]) if mirrored is not None else
                      cycles_from_hopf(self.field, hopf, p, 0, (lo, hi), list(self.var_ranges.values()),
                                       settings, self.par_names))
            found.append(branch)
            started.append((hopf, branch))
        if switch:
            found += [self.switch_cycle_branch(point, settings) for branch in list(found)
                      for point in branch.special if point.label in ("BPC", "PD")]
        return found

    def switch_cycle_branch(self, point: SpecialPoint, settings: CycleSettings | None = None,
                            direction: float = 1.0) -> CycleBranch:
        """The cycle branch that crosses a computed one at ``point``: through a branch point of cycles (BPC,
        e.g. where symmetric cycles lose their symmetry) the other branch, at a period doubling (PD) the
        branch of orbits of twice the period; followed from the point in ``direction`` (+1 or -1) along the
        null direction of the collocation Jacobian orthogonal to the known branch, as AUTO's ISW = -1."""
        name = self.par_names[0]
        return switch_cycle_branch(self.field, point, self.par_ranges[name], list(self.var_ranges.values()),
                                   settings, self.par_names, direction)

    def cycles_from_simulation(self, value: float, start: dict[str, float] | None = None, duration: float = 2000.,
                               others: dict[str, float] | None = None, direction: float = 1.0,
                               settings: CycleSettings | None = None) -> CycleBranch:
        """The branch of periodic orbits through the cycle a simulation at parameter ``value`` settles on.

        ``start`` is the initial state (default: the middle of the variables' ranges). The simulation
        runs for at most ``duration`` time units (and 20 s of wall-clock time), stopping as soon as its
        returns to a Poincare section repeat (one or several crossings per period: tonic spiking or bursts);
        that period seeds the continuation, which goes ``direction``.
        """
        name = self.par_names[0]
        lo, hi = self.par_ranges[name]
        value = self._in_range(value)
        p = self._par_vector(others)
        p[0] = value
        x0 = np.array([(start or {}).get(v, 0.5 * sum(r)) for v, r in self.var_ranges.items()])
        span = np.array([hi - lo for lo, hi in self.var_ranges.values()])
        orbit = settle_on_cycle(self.field.compiled, x0, p, span, duration)
        if orbit.times is None:
            raise ModelUseError(f"the simulation at {name} = {value!r} did not settle on a periodic orbit "
                                f"({_UNSETTLED[orbit.why]} after {orbit.simulated:.4g} time units); try another "
                                f"start, a longer duration, or a value where the equilibria are unstable.")
        return cycles_from_orbit(self.field, orbit.times, orbit.states, p, 0, (lo, hi),
                                 list(self.var_ranges.values()), direction, settings, self.par_names)

    def cycles_from_orbit(self, times: np.ndarray, states: np.ndarray, value: float,
                          others: dict[str, float] | None = None, direction: float = 1.0,
                          settings: CycleSettings | None = None) -> CycleBranch:
        """The branch of periodic orbits through a given orbit at parameter ``value``: ``times`` from 0 to the
        period and ``states`` of shape (len(times), number of variables), for example AUTO's data file of a
        demo; the continuation goes ``direction``."""
        name = self.par_names[0]
        lo, hi = self.par_ranges[name]
        value = self._in_range(value)
        p = self._par_vector(others)
        p[0] = value
        return cycles_from_orbit(self.field, np.asarray(times, dtype=float), np.asarray(states, dtype=float), p, 0,
                                 (lo, hi), list(self.var_ranges.values()), direction, settings, self.par_names)

    def cycle_at(self, value: float, branch: CycleBranch, index: int | None = None,
                 others: dict[str, float] | None = None) -> CycleBranch:
        """The orbit of ``branch`` at exactly ``value`` of the first parameter (a branch of one point): the
        branch's orbit number ``index`` (default: the one nearest ``value``) followed to ``value`` in short
        steps of the parameter, each corrected by Newton's method on a mesh adapted to the orbit."""
        k = int(np.argmin(np.abs(branch.par - value))) if index is None else index
        if not 0 <= k < len(branch.par):
            raise ModelUseError(f"index {k} is not a point of the branch (it has {len(branch.par)}).")
        lo, hi = self.par_ranges[self.par_names[0]]
        value = self._in_range(value)
        p = self._par_vector(others)
        p[0] = branch.par[k]
        try:
            return cycle_at(self.field, branch.mesh[k] * branch.period[k], branch.orbits[k], p, 0, value, (lo, hi),
                            list(self.var_ranges.values()), self.par_names)
        except ModelUseError as err:
            raise ModelUseError(_why_no_cycle_at(value, branch, k, self.par_names[0]) or str(err)) from None

    def equilibrium_at(self, value: float, branch: Branch, index: int | None = None,
                       others: dict[str, float] | None = None) -> np.ndarray:
        """The equilibrium of ``branch`` at exactly ``value``, by Newton's method from its point number
        ``index`` (default: the one nearest ``value``)."""
        k = int(np.argmin(np.abs(branch.par - value))) if index is None else index
        p = self._par_vector(others)
        p[0] = value
        return self.field.compiled.newton(branch.states[k], p)

    def special_points(self, others: dict[str, float] | None = None) -> list[SpecialPoint]:
        """Every special point of the diagram: LP, BP and H of the equilibria, LPC, PD, NS, BPC, HOM and SNIC of
        the cycles."""
        name = self.par_names[0]
        points = list(self.bifurcation_points(others))
        for branch in self.cycle_branches(others):
            points += branch.special
        return sorted(points, key=lambda q: q.par[name])

    def limit_cycles(self, others: dict[str, float] | None = None, samples: int | None = None) -> LimitCycleEnvelope:
        """Extremes and period of the periodic orbits along the first parameter, stable and unstable,
        from the cycle branches (``samples`` is accepted for compatibility)."""
        branches = self.cycle_branches(others)
        names = self.field.variables
        if not branches:
            empty = np.zeros(0)
            return LimitCycleEnvelope(empty, {v: empty for v in names}, {v: empty for v in names}, empty,
                                      np.zeros(0, bool))
        return LimitCycleEnvelope(np.concatenate([b.par for b in branches]),
                                  {v: np.concatenate([b.minimum[v] for b in branches]) for v in names},
                                  {v: np.concatenate([b.maximum[v] for b in branches]) for v in names},
                                  np.concatenate([b.period for b in branches]),
                                  np.concatenate([b.stable for b in branches]))

    # -- codimension 2 ------------------------------------------------------------------------

    def codim2_curves(self, seeds: int = 3, cycles: bool = False,
                      time_budget: float | None = TIME_BUDGET) -> Codim2Curves:
        """Fold and Hopf curves in the plane of the two parameters, by continuation of their defining systems.

        Curves start from the folds and Hopf points found along the first parameter with the
        second held at ``seeds`` values across its range. With ``cycles``, the cycle branches at those
        values are computed too and the curves of folds of cycles (LPC), period doublings (PD), torus
        bifurcations (NS) and homoclinic orbits (HOM, from the ends of cycle branches) are continued from
        the points found on them.

        The call follows its curves for at most ``time_budget`` seconds of wall clock (None: no limit). Where the
        budget runs out, the curve being followed ends where it has got to and no other is started; the
        result's ``unfinished`` lists them and a :class:`~bp_core.errors.TimeBudgetWarning` says so.
        """
        if len(self.par_names) != 2:
            raise ModelUseError("codimension-2 curves need two target parameters.")
        time_budget_.check(time_budget, "codim2_curves")
        if ("codim2", seeds, cycles) in self._cache:
            return self._cache[("codim2", seeds, cycles)]
        with time_budget_.within(time_budget, "codim2_curves"):
            result = self._codim2_curves(seeds, cycles)
            if not result.unfinished:  # a result cut short is not kept: a call with more time computes it again
                self._cache[("codim2", seeds, cycles)] = result
            else:
                time_budget_.warn_unfinished("codim2_curves", result.unfinished)
        return result

    def _codim2_curves(self, seeds: int, cycles: bool) -> Codim2Curves:
        first, second = self.par_names
        ranges = [self.par_ranges[first], self.par_ranges[second]]
        scale = np.array([b - a for a, b in ranges])
        step = min(0.05, self.par_resolution / min(scale))
        curves: list[Codim2Curve] = []
        unfinished: list[str] = []

        def known(label: str, here: np.ndarray) -> bool:
            return any(c.label == label and polyline_distance(c.values / scale, here / scale) < 2 * step
                       for c in curves)

        def follow(label: str, here: np.ndarray, start) -> None:
            where = f"the {label} curve from {first} = {here[0]:.6g}, {second} = {here[1]:.6g}"
            if time_budget_.expired():
                if f"{where}: not followed" not in unfinished:  # one point found on two branches
                    unfinished.append(f"{where}: not followed")
                return
            curve = start()
            curves.append(curve)
            if time_budget_.cut_short(curve.stopped):
                unfinished.append(f"{where}: cut short")

        for value in np.linspace(*ranges[1], seeds + 2)[1:-1]:
            if time_budget_.expired():
                unfinished.append(f"the curves through the points at {second} = {value:.6g}: not searched")
                continue
            if any(time_budget_.cut_short(b.stopped) for b in self.branches({second: value}, seeds=3, grid=7)):
                unfinished.append(f"the equilibrium branches at {second} = {value:.6g} and the curves through "
                                  f"their points: cut short")
                continue  # the budget has run out: no curve would be followed from them
            for point in self.bifurcation_points({second: value}, seeds=3, grid=7):
                if point.label not in ("LP", "H"):
                    continue  # branch points persist in two parameters only with a symmetry: no curve here
                here = np.array([point.par[first], point.par[second]])
                if not known(point.label, here):
                    follow(point.label, here, lambda point=point: continue_codim2(
                        self.field, point, self.par_names, self._par_vector({second: value}), ranges,
                        list(self.var_ranges.values()), max_step=step))
            if cycles and time_budget_.expired():
                unfinished.append(f"the cycle branches at {second} = {value:.6g} and the curves through their "
                                  f"points: not followed")
                continue
            cycle_branches = self.cycle_branches({second: value}) if cycles else []
            if cycles and time_budget_.expired():  # some branches, or equilibria whose Hopf points start them, ended
                unfinished.append(f"the cycle branches at {second} = {value:.6g}: cut short")
            for branch in cycle_branches:
                for fold in (q for q in branch.special if q.label in ("LPC", "PD", "NS", "HOM")):
                    here = np.array([fold.par[first], fold.par[second]])
                    if known(fold.label, here):
                        continue
                    if fold.label == "LPC":
                        start = lambda fold=fold, branch=branch: self.fold_of_cycles_curve(  # noqa: E731
                            fold, branch, {second: value}, time_budget=None)
                    elif fold.label == "HOM":
                        start = lambda fold=fold: self.homoclinic_curve(fold, time_budget=None)  # noqa: E731
                    else:
                        start = lambda fold=fold: self.cycle_bifurcation_curve(fold, time_budget=None)  # noqa: E731
                    follow(fold.label, here, start)
        folds = [c.values for c in curves if c.label == "LP"]
        hopfs = [c.values for c in curves if c.label == "H"]
        return Codim2Curves((first, second), np.concatenate(folds) if folds else np.zeros((0, 2)),
                            np.concatenate(hopfs) if hopfs else np.zeros((0, 2)), curves, unfinished)

    def fold_of_cycles_curve(self, fold: SpecialPoint, branch: CycleBranch, others: dict[str, float] | None = None,
                             time_budget: float | None = TIME_BUDGET) -> Codim2Curve:
        """The curve of folds of cycles through the LPC point ``fold`` of the cycle branch ``branch``, in the
        plane of the two parameters (``others``: the second parameter's value ``branch`` was computed at),
        followed for at most ``time_budget`` seconds (None: no limit; a curve cut short says so in ``stopped``
        and with a :class:`~bp_core.errors.TimeBudgetWarning`)."""
        if len(self.par_names) != 2:
            raise ModelUseError("a fold-of-cycles curve needs two target parameters.")
        first, second = self.par_names
        ranges = [self.par_ranges[first], self.par_ranges[second]]
        step = min(0.05, self.par_resolution / min(b - a for a, b in ranges))
        return _budgeted("fold_of_cycles_curve", time_budget, lambda: continue_cycle_folds(
            self.field, branch, fold, self.par_names, self._par_vector(others), ranges,
            list(self.var_ranges.values()), max_step=step))

    def cycle_bifurcation_curve(self, point: SpecialPoint, max_points: int = 300,
                                time_budget: float | None = TIME_BUDGET) -> Codim2Curve:
        """The curve of period doublings through the PD point ``point`` of a cycle branch, or of torus
        (Neimark-Sacker) bifurcations through an NS point, in the plane of the two parameters, with the
        fold-flip (LPPD) and 1:2 resonance (R2) points of a PD curve and the 1:3 and 1:4 resonances (R3, R4)
        of an NS curve; at most ``max_points`` points each way and ``time_budget`` seconds (as
        :meth:`fold_of_cycles_curve`)."""
        if len(self.par_names) != 2:
            raise ModelUseError("a period-doubling or torus curve needs two target parameters.")
        first, second = self.par_names
        ranges = [self.par_ranges[first], self.par_ranges[second]]
        step = min(0.05, self.par_resolution / min(b - a for a, b in ranges))
        return _budgeted("cycle_bifurcation_curve", time_budget, lambda: continue_cycle_bifurcation(
            self.field, point, self.par_names, ranges, list(self.var_ranges.values()), max_step=step,
            max_points=max_points))

    def homoclinic_curve(self, point: SpecialPoint, max_points: int = 300,
                         time_budget: float | None = TIME_BUDGET) -> Codim2Curve:
        """The curve of homoclinic orbits through the HOM end ``point`` of a cycle branch, in the plane of the two
        parameters: the branch's last orbit continued at its (large, fixed) period with both parameters free,
        which approximates the homoclinic curve to ``O(exp(-lambda_u T))``. Non-central saddle-node homoclinic
        points (NCH), where the saddle becomes a saddle-node and the curve goes on as a SNIC curve, are listed
        in ``special``; at most ``max_points`` points each way and ``time_budget`` seconds (as
        :meth:`fold_of_cycles_curve`)."""
        if len(self.par_names) != 2:
            raise ModelUseError("a homoclinic curve needs two target parameters.")
        first, second = self.par_names
        ranges = [self.par_ranges[first], self.par_ranges[second]]
        step = min(0.05, self.par_resolution / min(b - a for a, b in ranges))
        return _budgeted("homoclinic_curve", time_budget, lambda: continue_homoclinic(
            self.field, point, self.par_names, ranges, list(self.var_ranges.values()), max_step=step,
            max_points=max_points))

    def _in_range(self, value: float) -> float:
        """``value`` of the first parameter, inside its range. A branch's end located on the range's boundary may
        lie past it by the locator's precision (``arclength.EDGE`` of the range) and is taken as the boundary;
        a value further out is an error."""
        name = self.par_names[0]
        lo, hi = self.par_ranges[name]
        edge = arclength.EDGE * (hi - lo)
        if not lo - edge <= value <= hi + edge:
            raise ModelUseError(f"{name} = {value!r} is outside its range [{lo}, {hi}].")
        return float(min(max(value, lo), hi))

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


#: Why a simulation found no periodic orbit, as ``cycles_from_simulation`` says it.
_UNSETTLED = {"equilibrium": "it came to rest", "irregular": "its returns to a section never repeated",
              "wall-clock": "the wall-clock budget of the simulation ran out",
              "diverged": "the state diverged"}


def _budgeted(call: str, seconds: float | None, follow) -> Codim2Curve:
    """``follow()`` (one curve) under a time budget of ``seconds``; warns where the budget cut it short."""
    time_budget_.check(seconds, call)
    with time_budget_.within(seconds, call) as budget:
        curve = follow()
        if budget is not None and budget.call == call and time_budget_.cut_short(curve.stopped):
            time_budget_.warn_unfinished(call, [f"the {curve.label} curve: cut short ({curve.stopped})"], 4)
    return curve


def _same_point(a: SpecialPoint, b: SpecialPoint, name: str, span: dict[str, float]) -> bool:
    """One special point found twice (on two branches, or both halves of one): the same label, parameter
    and state. Symmetric copies (Lorenz's two Hopf points) share the label and parameter, not the state."""
    return (a.label == b.label and abs(a.par[name] - b.par[name]) < 1e-7
            and all(abs(a.state[v] - b.state[v]) < 1e-6 * span[v] for v in span))


def _singular(field_: VectorField, x: np.ndarray, q: np.ndarray, span: np.ndarray) -> bool:
    """Whether the Jacobian at the equilibrium ``x`` is singular (in coordinates scaled by ``span``)."""
    sigma = np.linalg.svd(field_.compiled.jac1(x, q) * span[None, :], compute_uv=False)
    return bool(sigma[-1] <= 1e-9 * max(sigma[0], 1e-300))


def _direction_at(branch: Branch, point: SpecialPoint, variables: list[str], name: str) -> np.ndarray:
    """The secant ``(dx, dp)`` of ``branch`` across its point nearest ``point``."""
    target = np.append([point.state[v] for v in variables], point.par[name])
    points = np.column_stack([branch.states, branch.par])
    k = int(np.argmin(np.linalg.norm(points - target, axis=1)))
    return points[min(k + 1, len(points) - 1)] - points[max(k - 1, 0)]

