"""Labels of special points: grouped where points coincide, never overlapping, never outside the plot."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bpwidgets.plots.labels import GAP, group_points, place_labels, text_box


def boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_coincident_points_share_one_label_each_name_once():
    points = [(100.0, 50.0, "PD"), (100.4, 50.2, "LPC"), (300.0, 80.0, "H"), (100.0, 49.0, "PD")]
    assert group_points(points, radius=10) == [(100.0, 50.0, "PD, LPC"), (300.0, 80.0, "H")]


def test_grouping_is_transitive_and_keeps_far_points_apart():
    chain = [(0.0, 0.0, "A"), (8.0, 0.0, "B"), (16.0, 0.0, "C"), (100.0, 0.0, "D")]
    assert [text for _, _, text in group_points(chain, radius=10)] == ["A, B, C", "D"]


def test_text_box_grows_with_text_and_font():
    assert text_box("PD, LPC", 18)[0] > text_box("PD", 18)[0] > text_box("PD", 12)[0]
    assert text_box("H", 18)[1] == pytest.approx(1.2 * 18)


@pytest.mark.parametrize("font", [12, 18])
def test_labels_of_crowded_points_neither_overlap_nor_leave_the_area(font):
    rng = np.random.default_rng(1)
    width, height = 420.0, 330.0
    # points at the edges and corners, and a cluster of near (not coincident) points
    points = [(0.0, 0.0, "LPC"), (width, 0.0, "PD"), (width, height, "H"), (0.0, height, "BT"),
              *[(200.0 + 30 * k, 150.0 + rng.uniform(-5, 5), name) for k, name in enumerate(["H", "LP", "PD", "LPC"])]]
    placed = place_labels(points, width, height, font)
    assert len(placed) == len(points)  # no two of them within a font size of each other
    for label in placed:
        left, top, right, bottom = label.box
        assert 0 <= left and right <= width and 0 <= top and bottom <= height, label
        assert right - left == pytest.approx(text_box(label.text, font)[0])
    for a, b in itertools.combinations(placed, 2):
        assert not boxes_overlap(a.box, b.box), (a, b)


def test_a_label_sits_next_to_its_point_when_there_is_room():
    (label,) = place_labels([(200.0, 200.0, "H")], 400.0, 400.0, 18)
    left, top, right, bottom = label.box
    assert (left, bottom) == (200.0 + GAP, 200.0 - GAP)  # above and to the right
    x, baseline = label.anchor
    assert x == left and top < baseline < bottom


def test_a_point_at_the_right_edge_gets_its_label_on_the_left():
    (label,) = place_labels([(400.0, 200.0, "LPC")], 400.0, 400.0, 18)
    assert label.box[2] == pytest.approx(400.0 - GAP)


@pytest.mark.parametrize("low, high, count, expected", [
    (-90, 60, 8, [-75, -50, -25, 0, 25, 50]), (0, 30, 6, [0, 10, 20, 30]),
    (-3, 3, 13, [-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3]), (0, 1, 3, [0, 0.5, 1])])
def test_fixed_axes_get_round_ticks_that_fit(low, high, count, expected):
    from bpwidgets.plots.figures import nice_ticks

    ticks = nice_ticks(low, high, count)
    np.testing.assert_allclose(ticks, expected)
    assert len(ticks) <= count + 1 and ticks[0] >= low and ticks[-1] <= high


def assert_round(ticks, low, high):
    """Ticks evenly spaced by 1, 2, 2.5 or 5 times a power of ten, on multiples of the step, over [low, high]."""
    ticks = np.asarray(ticks, dtype=float)
    assert len(ticks) >= 2
    step = ticks[1] - ticks[0]
    np.testing.assert_allclose(np.diff(ticks), step)
    mantissa = step / 10.0 ** np.floor(np.log10(step))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5))
    np.testing.assert_allclose(ticks / step, np.round(ticks / step), atol=1e-9)
    assert low <= ticks[0] < low + step and high - step < ticks[-1] <= high


@pytest.mark.parametrize("low, high", [(-6.64, 214), (-71.3, 38.2), (0.013, 0.87), (104, 1937)])
def test_data_ranges_get_round_ticks_that_cover_them(low, high):
    from bpwidgets.plots.figures import nice_ticks

    ticks = nice_ticks(low, high, 5)
    assert_round(ticks, low, high)
    assert 2 <= len(ticks) <= 6


def test_axes_that_follow_the_data_get_round_ticks_after_a_frame():
    from bpwidgets.plots.figures import line_figure, set_lines, size_figure

    figure, lines = line_figure("time (ms)", "rate (Hz)", "population rate", x_range=(0.0, 60.0))
    size_figure(figure, 640, 220, 13)
    x_axis, y_axis = figure.axes
    set_lines(lines, np.linspace(0, 60, 50)[None, :], np.linspace(-6.64, 214, 50)[None, :])
    assert_round(y_axis.tick_values, -6.64, 214)
    assert_round(x_axis.tick_values, 0.0, 60.0)
    # the same frame again sends nothing; fewer ticks in a smaller (projector-like) figure
    sent = []
    y_axis.observe(sent.append, names="tick_values")
    set_lines(lines, np.linspace(0, 60, 50)[None, :], np.linspace(-6.64, 214, 50)[None, :])
    assert sent == []
    size_figure(figure, 320, 120, 22)
    assert_round(y_axis.tick_values, -6.64, 214) and len(y_axis.tick_values) <= 3
    # a fixed range set later gets round ticks over it
    y_axis.scale.min, y_axis.scale.max = -80.0, 40.0
    assert_round(y_axis.tick_values, -80.0, 40.0)
