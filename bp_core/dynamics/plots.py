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


def plot_codim1(analyzer, plot_vars, show: bool):
    """Stable branches solid, unstable dashed; fold and Hopf points; limit-cycle extremes."""
    import matplotlib.pyplot as plt

    par = analyzer.par_names[0]
    fig, axes = plt.subplots(len(plot_vars), 1, figsize=(6, 3.2 * len(plot_vars)), squeeze=False,
                             constrained_layout=True)
    branches = analyzer.branches()
    points = analyzer.bifurcation_points()
    cycles = analyzer.limit_cycles() if analyzer.field.dim == 2 and any(p.kind == "hopf" for p in points) else None
    for ax, var in zip(axes[:, 0], plot_vars):
        k = analyzer.field.variables.index(var)
        for branch in branches:
            stable = np.array([s.startswith("stable") for s in branch.stability])
            ax.plot(branch.par, np.where(stable, branch.states[:, k], np.nan), "k-", lw=1.5)
            ax.plot(branch.par, np.where(~stable, branch.states[:, k], np.nan), "k--", lw=1)
        for point in points:
            ax.plot(point.par[par], point.state[var], "o" if point.kind == "hopf" else "s",
                    color="tab:red" if point.kind == "hopf" else "tab:blue", label=point.kind)
        if cycles is not None and cycles.par.size:
            ax.plot(cycles.par, cycles.maximum[var], ".", color="tab:green", markersize=3, label="cycle max")
            ax.plot(cycles.par, cycles.minimum[var], ".", color="tab:olive", markersize=3, label="cycle min")
        ax.set_xlabel(par)
        ax.set_ylabel(var)
    if show:
        plt.show()
    return fig


def plot_codim2(analyzer, show: bool):
    """Fold and Hopf curves in the parameter plane."""
    import matplotlib.pyplot as plt

    curves = analyzer.codim2_curves()
    fig, ax = plt.subplots(figsize=(5, 4), constrained_layout=True)
    if curves.saddle_node.size:
        ax.plot(curves.saddle_node[:, 0], curves.saddle_node[:, 1], ".", color="tab:blue", label="saddle-node")
    if curves.hopf.size:
        ax.plot(curves.hopf[:, 0], curves.hopf[:, 1], ".", color="tab:red", label="Hopf")
    ax.set_xlabel(curves.pars[0])
    ax.set_ylabel(curves.pars[1])
    ax.legend()
    if show:
        plt.show()
    return fig
