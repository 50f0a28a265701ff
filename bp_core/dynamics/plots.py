"""matplotlib drawings of the analyzers' results (the numerics live elsewhere)."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_nullclines", "plot_vector_field", "plot_fixed_points", "plot_trajectories", "plot_codim1",
           "plot_codim2", "STABILITY_STYLE"]

STABILITY_STYLE = {
    "stable point": ("tab:blue", "o"), "unstable point": ("tab:red", "o"), "stable node": ("tab:blue", "o"),
    "unstable node": ("tab:red", "o"), "stable focus": ("tab:cyan", "s"), "unstable focus": ("tab:orange", "s"),
    "saddle": ("tab:purple", "X"), "center": ("tab:green", "D"), "degenerate": ("k", "*"),
}


def _axes(analyzer):
    import matplotlib.pyplot as plt

    ax = plt.gca()
    names = analyzer.variables
    (x0, x1) = analyzer.ranges[names[0]]
    pad = (analyzer.lim_scale - 1) * (x1 - x0) / 2
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_xlabel(names[0])
    if len(names) == 2:
        (y0, y1) = analyzer.ranges[names[1]]
        pad = (analyzer.lim_scale - 1) * (y1 - y0) / 2
        ax.set_ylim(y0 - pad, y1 + pad)
        ax.set_ylabel(names[1])
    return ax


def _show(ax, show: bool):
    if show:
        import matplotlib.pyplot as plt

        ax.legend(fontsize=8)
        plt.show()
    return ax


def plot_nullclines(analyzer, nullclines, show: bool):
    """Lines of the nullclines."""
    ax = _axes(analyzer)
    names = analyzer.variables
    for null in nullclines:
        if len(names) == 2:
            ax.plot(null.points[names[0]], null.points[names[1]], ".", markersize=1.5,
                    label=f"d{null.var}/dt = 0")
        else:
            ax.axhline(0, color="k", lw=0.5)
    return _show(ax, show)


def plot_vector_field(analyzer, grid, show: bool):
    """Streamlines (2-D) or the derivative curve (1-D)."""
    ax = _axes(analyzer)
    names = analyzer.variables
    if len(names) == 2:
        ax.streamplot(grid.grid[names[0]], grid.grid[names[1]], grid.derivatives[names[0]],
                      grid.derivatives[names[1]], density=1.0, linewidth=0.6, color="lightgrey")
    else:
        ax.plot(grid.grid[names[0]], grid.derivatives[names[0]], color="grey", label=f"d{names[0]}/dt")
    return _show(ax, show)


def plot_fixed_points(analyzer, points, show: bool):
    """Markers coloured by stability class."""
    ax = _axes(analyzer)
    names = analyzer.variables
    for point in points:
        color, marker = STABILITY_STYLE[point.stability]
        y = point.position[names[1]] if len(names) == 2 else 0.0
        ax.plot(point.position[names[0]], y, marker, color=color, markersize=9, label=point.stability)
    return _show(ax, show)


def plot_trajectories(analyzer, trajectories, show: bool):
    """Trajectory lines with their start marked."""
    ax = _axes(analyzer)
    names = analyzer.variables
    for traj in trajectories:
        xs = traj.values[names[0]]
        ys = traj.values[names[1]] if len(names) == 2 else traj.ts
        ax.plot(xs, ys, lw=1.2, label="trajectory")
        ax.plot(xs[0], ys[0], "k.", markersize=6)
    return _show(ax, show)


def _stability_lines(ax, x, y, stable, color, label):
    """Solid where stable, dashed where not, as AUTO's diagrams draw branches."""
    stable = np.asarray(stable, dtype=bool)
    hidden = label.startswith("_")
    ax.plot(x, np.where(stable, y, np.nan), "-", color=color, lw=1.6, label="_" if hidden else f"stable {label}")
    # Each unstable stretch keeps one neighbour so the solid and dashed lines meet.
    dashed = ~stable | np.r_[False, ~stable[:-1]] | np.r_[~stable[1:], False]
    ax.plot(x, np.where(dashed, y, np.nan), "--", color=color, lw=1.0, label="_" if hidden else f"unstable {label}")


def _label_points(ax, points, xs, ys):
    for point, x, y in zip(points, xs, ys):
        ax.plot(x, y, "o", color="tab:red" if point.label in ("H", "GH", "BT") else "k", markersize=4)
        ax.annotate(point.label, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)


def plot_codim1(analyzer, plot_vars, show: bool):
    """Equilibria and periodic orbits (min and max of each variable), stable solid and unstable dashed,
    special points labelled with AUTO's names."""
    import matplotlib.pyplot as plt

    par = analyzer.par_names[0]
    fig, axes = plt.subplots(len(plot_vars), 1, figsize=(6.4, 3.4 * len(plot_vars)), squeeze=False,
                             constrained_layout=True)
    branches = analyzer.branches()
    cycles = analyzer.cycle_branches()
    for ax, var in zip(axes[:, 0], plot_vars):
        k = analyzer.field.variables.index(var)
        for n, branch in enumerate(branches):
            _stability_lines(ax, branch.par, branch.states[:, k], branch.stable, "k",
                             "equilibria" if n == 0 else "_")
            _label_points(ax, branch.special, [p.par[par] for p in branch.special],
                          [p.state[var] for p in branch.special])
        for n, cycle in enumerate(cycles):
            for extreme in (cycle.maximum[var], cycle.minimum[var]):
                _stability_lines(ax, cycle.par, extreme, cycle.stable, "tab:green",
                                 "cycles (max, min)" if n == 0 and extreme is cycle.maximum[var] else "_")
            special = [p for p in cycle.special if p.label in ("LPC", "PD", "NS", "BPC", "HOM", "SNIC")]
            at = [int(np.argmin(np.abs(cycle.par - p.par[par]) + np.abs(cycle.period - p.period) /
                                 np.maximum(cycle.period, 1e-12))) for p in special]
            _label_points(ax, special, [p.par[par] for p in special], [cycle.maximum[var][i] for i in at])
        ax.set_xlabel(par)
        ax.set_ylabel(var)
        handles, labels = ax.get_legend_handles_labels()
        keep = [(h, lab) for h, lab in zip(handles, labels) if not lab.startswith("_")]
        ax.legend(*zip(*keep), fontsize=7, loc="best") if keep else None
    if show:
        plt.show()
    return fig


def plot_codim2(analyzer, show: bool):
    """Fold (LP), Hopf (H) and, where computed, fold-of-cycles (LPC) curves in the parameter plane, with
    their CP, BT, GH and ZH points."""
    import matplotlib.pyplot as plt

    result = analyzer.codim2_curves()
    fig, ax = plt.subplots(figsize=(5.4, 4.2), constrained_layout=True)
    colors = {"LP": "tab:blue", "H": "tab:red", "LPC": "tab:green", "PD": "tab:purple", "NS": "tab:orange",
              "HOM": "tab:brown"}
    names = {"LP": "fold (LP)", "H": "Hopf (H)", "LPC": "fold of cycles (LPC)", "PD": "period doubling (PD)",
             "NS": "torus (NS)", "HOM": "homoclinic (HOM)"}
    seen = set()
    for curve in result.curves:
        label = names[curve.label] if curve.label not in seen else "_"
        seen.add(curve.label)
        ax.plot(curve.values[:, 0], curve.values[:, 1], "-", color=colors[curve.label], lw=1.5, label=label)
        _label_points(ax, curve.special, [p.par[result.pars[0]] for p in curve.special],
                      [p.par[result.pars[1]] for p in curve.special])
    ax.set_xlabel(result.pars[0])
    ax.set_ylabel(result.pars[1])
    ax.legend(fontsize=8)
    if show:
        plt.show()
    return fig
