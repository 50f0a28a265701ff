"""Plot functions produce figures under the Agg backend; animations save a GIF."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bp_core as bp  # noqa: E402
from bp_core.errors import ModelUseError  # noqa: E402


def test_static_plots():
    ts = np.arange(100) * 0.1
    values = np.sin(ts)[:, None] * np.ones((1, 3))
    fig, gs = bp.visualize.get_figure(2, 1, 3, 6)
    ax = fig.add_subplot(gs[0, 0])
    bp.visualize.line_plot(ts, values, plot_ids=[0, 2], ax=ax, legend='V', xlim=(0, 5))
    assert len(ax.lines) == 2
    ax2 = fig.add_subplot(gs[1, 0])
    spikes = np.zeros((100, 3))
    spikes[10, 1] = 1
    bp.visualize.raster_plot(ts, spikes, ax=ax2)
    assert ax2.lines[0].get_xdata()[0] == pytest.approx(1.0)
    bp.visualize.plot_style1(fontsize=10)
    assert matplotlib.rcParams["font.size"] == 10
    plt.close("all")
    with pytest.raises(ModelUseError, match="time steps"):
        bp.visualize.line_plot(ts[:5], values)


def test_animations_save_gif_and_refuse_unknown_formats(tmp_path):
    values = np.random.default_rng(0).random((6, 16))
    path = tmp_path / "grid.gif"
    bp.visualize.animate_2D(values, (4, 4), dt=0.1, save_path=str(path), show=False)
    assert path.stat().st_size > 0
    path1 = tmp_path / "line.gif"
    bp.visualize.animate_1D({'ys': values, 'legend': 'u'}, static_vars=[np.zeros(16)], save_path=str(path1),
                            show=False)
    assert path1.stat().st_size > 0
    with pytest.raises(ModelUseError, match=".gif or .mp4"):
        bp.visualize.animate_1D(values, save_path=str(tmp_path / "x.avi"), show=False)
    plt.close("all")


def test_mp4_needs_ffmpeg(tmp_path):
    from matplotlib import animation

    values = np.zeros((3, 4))
    target = tmp_path / "clip.mp4"
    if animation.writers.is_available("ffmpeg"):
        bp.visualize.animate_2D(values, (2, 2), save_path=str(target), show=False)
        assert target.stat().st_size > 0
    else:
        with pytest.raises(ModelUseError, match="needs ffmpeg"):
            bp.visualize.animate_2D(values, (2, 2), save_path=str(target), show=False)
    plt.close("all")
