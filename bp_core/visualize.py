"""Static matplotlib plots and animations of monitor arrays (the ``brainpy.visualize`` API).

matplotlib is imported when a function is first called, so importing bp_core stays light.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bp_core import measure, profile
from bp_core.errors import ModelUseError

__all__ = ["get_figure", "plot_style1", "line_plot", "raster_plot", "animate_1D", "animate_2D"]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def get_figure(n_row: int, n_col: int, len_row: float = 3, len_col: float = 6):
    """Return ``(figure, gridspec)`` of ``n_row`` x ``n_col`` panels, each ``len_col`` x ``len_row`` inches."""
    plt = _plt()
    fig = plt.figure(figsize=(n_col * len_col, n_row * len_row), constrained_layout=True)
    return fig, fig.add_gridspec(n_row, n_col)


def plot_style1(fontsize: int = 22, axes_edgecolor: str = "black", figsize: Any = "5,4", lw: int = 1) -> None:
    """Set matplotlib defaults for publication figures."""
    import matplotlib

    if isinstance(figsize, str):
        figsize = tuple(float(v) for v in figsize.split(","))
    matplotlib.rcParams.update({"font.size": fontsize, "axes.edgecolor": axes_edgecolor, "figure.figsize": figsize,
                                "lines.linewidth": lw, "axes.spines.top": False, "axes.spines.right": False})


def _finish(ax, xlim, ylim, xlabel, ylabel, title, legend: bool, show: bool):
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend:
        ax.legend()
    if show:
        _plt().show()
    return ax


def line_plot(ts, val_matrix, plot_ids=None, ax=None, xlim=None, ylim=None, xlabel: str = "Time (ms)",
              ylabel: str = "value", legend: str | None = None, title: str | None = None, show: bool = False):
    """Plot the traces of the elements ``plot_ids`` (default: the first) of a monitor array."""
    ts, values = np.asarray(ts), np.asarray(val_matrix)
    if values.ndim == 1:
        values = values[:, None]
    if values.shape[0] != ts.shape[0]:
        raise ModelUseError(f"val_matrix has {values.shape[0]} time steps but ts has {ts.shape[0]}.")
    ids = [0] if plot_ids is None else list(np.atleast_1d(plot_ids))
    ax = ax or _plt().gca()
    for i in ids:
        ax.plot(ts, values[:, i], label=f"{legend}-{i}" if legend else None)
    return _finish(ax, xlim, ylim, xlabel, ylabel, title, bool(legend), show)


def raster_plot(ts, sp_matrix, ax=None, marker: str = ".", markersize: float = 2, color: str = "k",
                xlabel: str = "Time (ms)", ylabel: str = "Neuron index", xlim=None, ylim=None,
                title: str | None = None, show: bool = False):
    """Dot raster of a spike monitor."""
    index, times = measure.raster_plot(sp_matrix, ts)
    ax = ax or _plt().gca()
    ax.plot(times, index, marker, markersize=markersize, color=color, linestyle="none")
    return _finish(ax, xlim, ylim, xlabel, ylabel, title, False, show)


def _check_save_path(save_path: str | None) -> None:
    """Refuse an unusable save path before any drawing starts."""
    if not save_path:
        return
    from matplotlib import animation

    if save_path.endswith(".mp4") and not animation.writers.is_available("ffmpeg"):
        raise ModelUseError("saving an .mp4 needs ffmpeg on the PATH; install it or save a .gif instead.")
    if not save_path.endswith((".gif", ".mp4")):
        raise ModelUseError(f"save_path must end with .gif or .mp4, got {save_path!r}.")


def _save_or_show(anim, fig, save_path: str | None, gif_dpi, video_fps, show: bool):
    fig._bp_animation = anim  # an animation that is garbage-collected never draws
    if save_path:
        from matplotlib import animation

        writer = animation.PillowWriter(fps=video_fps or 10) if save_path.endswith(".gif") else \
            animation.FFMpegWriter(fps=video_fps or 10)
        anim.save(save_path, writer=writer, dpi=gif_dpi)
    if show:
        _plt().show()
    return fig


def animate_2D(values, net_size, dt: float | None = None, val_min=None, val_max=None, cmap=None,
               frame_delay: float = 1.0, frame_step: int = 1, title_size: int = 10, figsize=None, gif_dpi=None,
               video_fps=None, save_path: str | None = None, show: bool = True):
    """Animate a monitor of a 2-D group as images, one frame every ``frame_step`` steps."""
    from matplotlib import animation

    _check_save_path(save_path)
    values = np.asarray(values)
    height, width = net_size
    if values.ndim != 2 or values.shape[1] != height * width:
        raise ModelUseError(f"values must be (time steps, {height * width}) for net_size {net_size}, "
                            f"got {values.shape}.")
    dt = profile.get_dt() if dt is None else dt
    plt = _plt()
    fig = plt.figure(figsize=figsize or (width / height * 5, 5), constrained_layout=True)
    frames = list(range(0, values.shape[0], frame_step))
    image = plt.imshow(values[0].reshape(net_size), cmap=cmap, vmin=val_min if val_min is not None else values.min(),
                       vmax=val_max if val_max is not None else values.max())
    plt.colorbar(image)

    def draw(k):
        image.set_data(values[k].reshape(net_size))
        plt.title(f"Time = {k * dt:.2f} ms", fontsize=title_size)
        return [image]

    anim = animation.FuncAnimation(fig, draw, frames=frames, interval=frame_delay, blit=False)
    return _save_or_show(anim, fig, save_path, gif_dpi, video_fps, show)


def animate_1D(dynamical_vars, static_vars=(), dt: float | None = None, xlim=None, ylim=None, xlabel=None,
               ylabel=None, frame_delay: float = 50.0, frame_step: int = 1, title_size: int = 10, figsize=None,
               gif_dpi=None, video_fps=None, save_path: str | None = None, show: bool = True):
    """Animate 1-D profiles over time.

    ``dynamical_vars`` is an array (time steps, positions), a dict ``{'ys': array, 'xs': ..., 'legend': ...}``,
    or a list of those; ``static_vars`` are drawn unchanged in every frame.
    """
    from matplotlib import animation

    def as_list(items):
        if isinstance(items, (np.ndarray, dict)):
            items = [items]
        out = []
        for item in items:
            item = dict(item) if isinstance(item, dict) else {"ys": item}
            item["ys"] = np.asarray(item["ys"])
            item.setdefault("xs", np.arange(item["ys"].shape[-1]))
            out.append(item)
        return out

    _check_save_path(save_path)
    dynamic, static = as_list(dynamical_vars), as_list(static_vars)
    if not dynamic:
        raise ModelUseError("animate_1D needs at least one dynamical variable.")
    n_steps = dynamic[0]["ys"].shape[0]
    dt = profile.get_dt() if dt is None else dt
    plt = _plt()
    fig = plt.figure(figsize=figsize or (6, 4), constrained_layout=True)
    ax = fig.gca()
    for item in static:
        ax.plot(item["xs"], item["ys"], label=item.get("legend"))
    lines = [ax.plot(item["xs"], item["ys"][0], label=item.get("legend"))[0] for item in dynamic]
    all_y = np.concatenate([d["ys"].ravel() for d in dynamic])
    ax.set_ylim(*(ylim or (all_y.min(), all_y.max())))
    if xlim:
        ax.set_xlim(*xlim)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)

    def draw(k):
        for line, item in zip(lines, dynamic):
            line.set_ydata(item["ys"][k])
        ax.set_title(f"Time = {k * dt:.2f} ms", fontsize=title_size)
        return lines

    anim = animation.FuncAnimation(fig, draw, frames=range(0, n_steps, frame_step), interval=frame_delay)
    return _save_or_show(anim, fig, save_path, gif_dpi, video_fps, show)
