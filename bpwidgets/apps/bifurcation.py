"""BifurcationExplorer: equilibria and periodic orbits along one parameter, computed by continuation;
clicking the diagram picks a point of a branch and passes its parameter (and orbit) to linked explorers."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from traitlets import Dict

import bp_core as bp
from bpwidgets.apps.explorer import Explorer
from bpwidgets.apps.rewind import HistoryBar
from bpwidgets.export import ExportBar, table_csv
from bpwidgets.history import History, Moment
from bpwidgets.params import ParameterPanel
from bpwidgets.plots.bifurcation import BifurcationFigure
from bpwidgets.presets import find_control
from bpwidgets.shared_results import shared

__all__ = ["BifurcationExplorer"]


class BifurcationExplorer(Explorer):
    """Equilibrium branches with their folds and Hopf points, cycle branches (maximum and minimum, stable
    solid, unstable dashed) with their folds of cycles, period doublings and homoclinic ends.

    The slider of the bifurcation parameter moves the marker; sliders of the other parameters
    recompute the diagram; a click picks the nearest point of a branch (see :meth:`pick`).

    Parameters
    ----------
    model : bp.NeuType
    target_par : dict
        One parameter -> [min, max].
    dynamical_vars : dict
        Variables -> [min, max] (any number; the diagram shows one).
    plot_var : str, optional
        Variable on the vertical axis (default: the first).
    fixed_vars : dict, optional
    params : list of str, optional
        Other model parameters to expose.
    par_resolution : float
    cycles : bool
        Continue the periodic orbits born at Hopf points (default True).
    units : dict, optional
        Name -> unit of the parameter and the variables, on the axes and the slider (default: what the model
        declares).
    """

    selected = Dict(allow_none=True, default_value=None, help="The point picked last (see pick), or None.")

    def __init__(self, model: bp.NeuType, target_par: dict, dynamical_vars: dict, plot_var: str | None = None,
                 fixed_vars: dict | None = None, params: list[str] | None = None, par_resolution: float = 0.01,
                 cycles: bool = True, units: dict | None = None):
        super().__init__()
        if len(target_par) != 1:
            raise bp.errors.ModelUseError("BifurcationExplorer draws one parameter; give one target_par.")
        self.model = model
        self.par, (lo, hi) = next(iter(target_par.items()))
        self.par_range = (float(lo), float(hi))
        self.dynamical_vars = dynamical_vars
        self.var = plot_var or next(iter(dynamical_vars))
        self.fixed = {k: float(v) for k, v in (fixed_vars or {}).items()}
        names = params if params is not None else []
        self.values = {**self.fixed, **{p: float(model.pars[p]) for p in names}}
        self.resolution = par_resolution
        self.with_cycles = cycles
        self.branches: list = []
        self.cycles: list = []
        self.points: list = []
        self._links: list = []
        self.units = {**getattr(model, "units", {}), **(units or {})}
        self.marker_panel = ParameterPanel({self.par: 0.5 * (lo + hi)}, ranges={self.par: self.par_range},
                                           units=self.units)
        self.marker_panel.on_change(lambda name, value: self._marker_moved(value))
        self.panel = ParameterPanel(self.values) if self.values else None
        if self.panel is not None:
            self.panel.on_change(lambda name, value: self.redraw())
        self.plot = BifurcationFigure(self.par, self.var, self.par_range, dynamical_vars[self.var], on_click=self.pick,
                                      units=self.units)
        self.plot.move_marker(0.5 * (lo + hi))
        children = [self.marker_panel.widget] + ([self.panel.widget] if self.panel else [])
        self.export = ExportBar({
            "PNG": ("the diagram as a PNG file", lambda d: self.plot.figure.save_png("bifurcation.png")),
            "SVG": ("the diagram as an SVG file", lambda d: self.plot.figure.save_svg("bifurcation.svg")),
            "CSV": ("every branch point and special point as CSV",
                    lambda d: d.save("bifurcation.csv", self.export_csv(), "text/csv"))})
        self.picked_at: tuple[float, float | None] | None = None
        """Where the last pick was asked for (parameter, variable): a saved state picks there again."""
        self._replaying = False
        self._analyzer: bp.BifurcationAnalyzer | None = None
        self._drawn: dict[str, float] = dict(self.values)
        self.rewind = HistoryBar(History(), self._go)
        self.widget = widgets.VBox(children + [self.error_line, self.plot.figure, self.info_line, self.rewind.widget,
                                               self.export.widget, self.plot.style])
        self.redraw()

    def redraw(self) -> None:
        """Recompute the diagram for the current values of the other parameters (a diagram the warm-up
        recorded for these values is read instead: :mod:`bpwidgets.shared_results`)."""
        values = dict(self.values)
        made: list[bp.BifurcationAnalyzer] = []

        def compute() -> list:
            made.append(self._make_analyzer(values))
            branches = made[0].branches()
            cycles = made[0].cycle_branches() if self.with_cycles else []
            points = made[0].special_points() if self.with_cycles else made[0].bifurcation_points()
            return [branches, cycles, points]

        try:
            branches, cycles, points = shared("bifurcation diagram", self.model, self._parts(values), compute)
        except Exception as err:  # shown in the widget; the last good diagram stays
            self.report(err)
            return
        self._analyzer, self._drawn = (made[0] if made else None), values
        self.branches, self.cycles, self.points = branches, cycles, points
        self.error = ""
        self.plot.show(self.branches, self.cycles, list(self.dynamical_vars).index(self.var))

    def _parts(self, values: dict[str, float]) -> list:
        # everything besides the model that decides the diagram
        return [self.par, self.par_range, self.dynamical_vars, values, sorted(self.fixed), self.resolution,
                self.with_cycles]

    def _make_analyzer(self, values: dict[str, float]) -> bp.BifurcationAnalyzer:
        fixed = {k: values[k] for k in self.fixed}
        pars = {k: v for k, v in values.items() if k not in self.fixed}
        return bp.BifurcationAnalyzer(self.model, {self.par: self.par_range}, self.dynamical_vars, fixed_vars=fixed,
                                      pars_update=pars, par_resolution=self.resolution)

    @property
    def analyzer(self) -> bp.BifurcationAnalyzer:
        """The analyzer of the diagram shown (built on first use where the diagram was read from a recording)."""
        if self._analyzer is None:
            self._analyzer = self._make_analyzer(self._drawn)
        return self._analyzer

    def _marker_moved(self, value: float) -> None:
        self.plot.move_marker(value)
        self.info = self.describe(value)

    def describe(self, value: float) -> str:
        """What the diagram holds at parameter ``value``: each equilibrium and cycle there, with its stability
        (from the computed point of each branch nearest ``value``)."""
        found = []
        for kind, branches in (("equilibrium", self.branches), ("cycle", self.cycles)):
            for branch in branches:
                if branch.par.size == 0 or not branch.par.min() <= value <= branch.par.max():
                    continue
                k = int(np.argmin(np.abs(branch.par - value)))
                text = f"{'a stable' if branch.stable[k] else 'an unstable'} {kind}"
                found.append(text + (f" of period {branch.period[k]:.4g}" if kind == "cycle" else ""))
        return f"{self.par} = {value:.4g}: {'; '.join(found) if found else 'nothing computed here'}"

    def export_csv(self) -> bytes:
        """The diagram's data as CSV: one row per computed point of each branch (equilibria with their state,
        cycles with the max and min of each variable and the period), then the special points."""
        names = list(self.dynamical_vars)
        header = ["curve", "kind", self.par, *names, "stable", "period", "label"]
        rows = []
        for k, branch in enumerate(self.branches):
            for j in range(branch.par.size):
                rows.append([f"equilibria {k}", "equilibrium", branch.par[j], *branch.states[j], branch.stable[j],
                             "", ""])
        for k, cycle in enumerate(self.cycles):
            for side in ("maximum", "minimum"):
                extreme = getattr(cycle, side)
                for j in range(cycle.par.size):
                    rows.append([f"cycles {k}", f"cycle {side}", cycle.par[j], *(extreme[v][j] for v in names),
                                 cycle.stable[j], cycle.period[j], ""])
        for point in self.points:
            rows.append(["", "special point", point.par.get(self.par, float("nan")),
                         *(point.state.get(v, float("nan")) for v in names), "", point.period, point.label])
        return table_csv(header, rows)

    def pick_refused(self, picked: Any) -> str | None:
        """Why ``picked`` (a saved ``[parameter, value]`` or ``[parameter, None]``) is no point of this diagram, or
        None when :meth:`pick` can take it: a pick of NaN was dropped without a word, one far outside moved the
        marker to a branch's end while the file said otherwise."""
        (lo, hi), (var_lo, var_hi) = self.par_range, self.dynamical_vars[self.var]
        number = (int, float)
        if not (isinstance(picked, list) and len(picked) == 2 and isinstance(picked[0], number)
                and not isinstance(picked[0], bool) and (picked[1] is None or isinstance(picked[1], number)
                                                         and not isinstance(picked[1], bool))):
            return f"{picked!r} is not [{self.par}, {self.var}] ({self.var} may be null)"
        if not lo <= picked[0] <= hi or picked[1] is not None and not var_lo <= picked[1] <= var_hi:
            return (f"{picked!r} lies outside the diagram ({self.par} from {lo:g} to {hi:g}, {self.var} from "
                    f"{var_lo:g} to {var_hi:g})")
        return None

    def pick(self, value: float, y: float | None = None) -> dict[str, Any] | None:
        """Select the point of a branch nearest ``(value, y)`` (nearest in the parameter alone without ``y``):
        move the marker there and pass it to every linked explorer. Returns the selection: its ``kind``
        ("equilibrium" or "cycle"), parameter value, stability, and for a cycle its period and orbit."""
        if not np.isfinite(value):
            return None
        lo, hi = self.par_range
        var_lo, var_hi = self.dynamical_vars[self.var]
        k_var = list(self.dynamical_vars).index(self.var)
        candidates = []
        for branch in self.branches:
            candidates.append(("equilibrium", branch, branch.par, branch.states[:, k_var]))
        for cycle in self.cycles:
            candidates += [("cycle", cycle, cycle.par, cycle.maximum[self.var]),
                           ("cycle", cycle, cycle.par, cycle.minimum[self.var])]
        best = None
        for kind, branch, xs, ys in candidates:
            distance = np.abs(xs - value) / (hi - lo)
            if y is not None:
                distance = np.hypot(distance, (ys - y) / (var_hi - var_lo))
            k = int(np.argmin(distance))
            if best is None or distance[k] < best[0]:
                best = (distance[k], kind, branch, k)
        if best is None:
            return None
        _, kind, branch, k = best
        # The branch's computed point nearest the click, moved to the clicked parameter where it can be.
        at = float(np.clip(value, branch.par.min(), branch.par.max()))
        selected: dict[str, Any] = {"kind": kind, "par": float(branch.par[k]), "stable": bool(branch.stable[k])}
        if kind == "cycle":
            times, states, period = *branch.orbit_at(branch.par[k]), float(branch.period[k])
            try:
                exact = self._at("cycle_at", at, branch, k)
                if abs(exact.period[0] - period) < 0.05 * period:  # the same cycle, not the other side of a fold
                    times, states = exact.orbit_at(at)
                    selected.update(par=at, stable=bool(exact.stable[0]))
                    period = float(exact.period[0])
            except Exception:  # the computed point itself stays a valid choice
                pass
            selected.update(period=period, orbit=(times, {v: states[:, j] for j, v in enumerate(branch.variables)}))
        else:
            state = branch.states[k]
            exact = self._at("equilibrium_at", at, branch, k)
            if np.all(np.isfinite(exact)) and np.linalg.norm(exact - state) < 0.05 * np.linalg.norm(
                    [b - a for a, b in self.dynamical_vars.values()]):
                state = exact
                selected["par"] = at
            selected["state"] = dict(zip(self.dynamical_vars, map(float, state)))
        self.selected = selected
        self.picked_at = (float(value), None if y is None else float(y))
        if not self._replaying:
            self.rewind.record(Moment(None, {"at": self.picked_at}))
        self.marker_panel.set(self.par, selected["par"])
        stability = "a stable" if selected["stable"] else "an unstable"
        what = f"{stability} cycle of period {selected['period']:.4g}" if kind == "cycle" else \
            f"{stability} equilibrium"
        self.info = f"{self.par} = {selected['par']:.6g}: {what}"
        for link in self._links:
            link(selected)
        return selected

    def _at(self, method: str, at: float, branch: Any, k: int) -> Any:
        # the analyzer's exact point at ``at`` near point ``k`` of ``branch``, shared as the diagram is: the
        # first pick of a dashboard is every kernel's
        position = [i for i, b in enumerate(self.cycles if method == "cycle_at" else self.branches) if b is branch]
        return shared(f"bifurcation {method}", self.model, [*self._parts(self._drawn), position, int(k), float(at)],
                      lambda: getattr(self.analyzer, method)(at, branch, k))

    def _go(self, moment: Moment) -> None:
        self._replaying = True
        try:
            self.pick(*moment.values["at"])
        finally:
            self._replaying = False

    def link(self, explorer: Any, name: str | None = None) -> None:
        """Pass picked points to ``explorer`` (a PhasePlaneExplorer, a NetworkExplorer, or anything with
        ``panel`` or ``panels`` of ParameterPanel): its control ``name`` (default: this parameter's name;
        a NetworkExplorer's input sliders are ``input0``, ...) follows, and an explorer that draws cycles
        (``show_cycle``) draws the picked orbit."""
        target = name or self.par
        panels = [explorer.panel] if hasattr(explorer, "panel") else list(getattr(explorer, "panels", []))
        found = find_control(panels, target)
        if found is None:
            available = sorted(n for panel in panels for n in panel.values())
            raise bp.errors.ModelUseError(
                f"{type(explorer).__name__} has no control {target!r} to follow {self.par}; give link() the name "
                f"of one of its controls: {', '.join(available) or 'it has none'}.")

        def follow(selected: dict[str, Any]) -> None:
            owner, parameter = found
            if not owner.set(parameter, selected["par"]):  # outside that control's range, say
                self.error = f"{type(explorer).__name__} refused {target} = {selected['par']:.6g}: {owner.message}"
                return
            if hasattr(explorer, "show_cycle"):
                if selected["kind"] == "cycle":
                    explorer.show_cycle(*selected["orbit"])
                else:
                    explorer.hide_cycle()

        self._links.append(follow)

