"""Placing the labels of special points so that none overlaps another or leaves the plot area.

Points that lie (nearly) on one spot share one label ("PD, LPC"); each label then takes the first place
around its point, in a fixed order of preference, whose box is inside the plot area and clear of the
labels placed before it. Everything is in pixels of the plot area (origin top left, y down); the figure
converts to and from data coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PlacedLabel", "group_points", "text_box", "place_labels", "CHAR_WIDTH", "GAP"]

CHAR_WIDTH = 0.62
"""Width of a character in units of the font size: an upper bound for the capitals and digits of AUTO's
names in a sans-serif font (a label estimated too narrow could overlap in the browser)."""
GAP = 4.0
"""Pixels between a point and its label, and between two labels."""


@dataclass(frozen=True)
class PlacedLabel:
    """One label: its text, the point it names (pixels), and the box it occupies (left, top, right, bottom).

    The text's baseline is ``bottom - descent`` where descent is a quarter of the font size; its left end is
    ``left``."""

    text: str
    point: tuple[float, float]
    box: tuple[float, float, float, float]

    @property
    def anchor(self) -> tuple[float, float]:
        """Where the text starts: its left end on its baseline."""
        left, top, right, bottom = self.box
        return left, bottom - 0.25 * (bottom - top) / 1.2


def group_points(points: list[tuple[float, float, str]], radius: float) -> list[tuple[float, float, str]]:
    """Merge points closer than ``radius`` pixels (transitively) into one, named by their names joined with
    ", " in order of first appearance, each name once; placed at the first point of the group."""
    groups: list[list[int]] = []
    for k, (x, y, _) in enumerate(points):
        near = [g for g in groups if any(np.hypot(x - points[j][0], y - points[j][1]) < radius for j in g)]
        merged = [k] + [j for g in near for j in g]
        groups = [g for g in groups if g not in near] + [sorted(merged)]
    out = []
    for group in sorted(groups, key=lambda g: g[0]):
        names = list(dict.fromkeys(points[j][2] for j in group))
        out.append((points[group[0]][0], points[group[0]][1], ", ".join(names)))
    return out


def text_box(text: str, font_size: float) -> tuple[float, float]:
    """Estimated width and height (pixels) of one line of ``text``."""
    return CHAR_WIDTH * font_size * len(text), 1.2 * font_size


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] + GAP and b[0] < a[2] + GAP and a[1] < b[3] + GAP and b[1] < a[3] + GAP


def _candidates(x: float, y: float, width: float, height: float, step: float):
    """Boxes around (x, y), nearest first: the four corners, the sides, then further up and down."""
    right, left, centre = x + GAP, x - GAP - width, x - width / 2
    above, below, middle = y - GAP - height, y + GAP, y - height / 2
    for bx, by in ((right, above), (left, above), (right, below), (left, below), (right, middle), (left, middle),
                   (centre, above), (centre, below)):
        yield bx, by
    for k in range(1, 40):
        for bx in (right, left, centre):
            yield bx, above - k * step
            yield bx, below + k * step


def place_labels(points: list[tuple[float, float, str]], width: float, height: float, font_size: float,
                 merge_radius: float | None = None) -> list[PlacedLabel]:
    """Labels for ``points`` (x, y, name in pixels of a ``width`` x ``height`` plot area): near points
    grouped (:func:`group_points`, within ``merge_radius``, default the font size), each box inside the
    area and clear of the others where the area has room (else the free place nearest its point)."""
    radius = font_size if merge_radius is None else merge_radius
    placed: list[PlacedLabel] = []
    for x, y, text in group_points(points, radius):
        w, h = text_box(text, font_size)
        box = _free_box(x, y, w, h, width, height, placed, clamp=False) or \
            _free_box(x, y, w, h, width, height, placed, clamp=True)
        if box is None:  # a crowded area: inside it, at the first place tried
            bx = float(np.clip(x + GAP, 0.0, max(0.0, width - w)))
            by = float(np.clip(y - GAP - h, 0.0, max(0.0, height - h)))
            box = (bx, by, bx + w, by + h)
        placed.append(PlacedLabel(text, (x, y), box))
    return placed


def _free_box(x: float, y: float, w: float, h: float, width: float, height: float, placed: list[PlacedLabel],
              clamp: bool) -> tuple[float, float, float, float] | None:
    """The first candidate box inside the area (pushed inside with ``clamp``) clear of every placed label."""
    for bx, by in _candidates(x, y, w, h, h / 2):
        if clamp:
            bx, by = float(np.clip(bx, 0.0, max(0.0, width - w))), float(np.clip(by, 0.0, max(0.0, height - h)))
        elif not (0.0 <= bx and bx + w <= width and 0.0 <= by and by + h <= height):
            continue
        box = (bx, by, bx + w, by + h)
        if not any(_overlaps(box, other.box) for other in placed):
            return box
    return None
