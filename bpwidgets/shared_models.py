"""One style or layout model for the widgets of a page that have the same one.

Every ipywidgets control comes with a style model and a layout model of its own, and a browser creates each
model the page holds before it draws: the gamma dashboard's 199 models were 70 layouts and 35 styles beside 94
widgets. :func:`share_models` gives widgets whose style models hold the same values one of them, and so for the
layouts of controls (buttons, labels, HTML, text, sliders, progress bars), and closes the others, so that a page
opened afterwards asks for, receives and builds only the models left.

Layouts of containers, figures and text areas are left alone: code sets their fields after the page is built
(a figure's size, a figure hidden in reveal mode, the code box shown), which on a shared model would move every
widget sharing it. A style or a control's layout must not be changed in place afterwards for one widget only
(assign a new one: ``widget.layout = widgets.Layout(...)``).
"""

from __future__ import annotations

from collections.abc import Iterator

import ipywidgets as widgets

__all__ = ["SHARED_LAYOUTS_OF", "share_models"]

SHARED_LAYOUTS_OF = (widgets.Button, widgets.ToggleButton, widgets.HTML, widgets.HTMLMath, widgets.Label,
                     widgets.Text, widgets.FloatText, widgets.BoundedFloatText, widgets.IntText, widgets.Dropdown,
                     widgets.FloatSlider, widgets.IntSlider, widgets.FloatProgress, widgets.Checkbox)
"""Controls whose layouts are shared (subclasses included)."""


def _widgets(root: widgets.Widget) -> Iterator[widgets.Widget]:
    """``root`` and every widget it refers to through its synced traits (children, figure marks, ...), once."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        yield widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            if isinstance(value, widgets.Widget):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(item for item in value if isinstance(item, widgets.Widget))


def _key(model: widgets.Widget) -> tuple:
    state = model.get_state()
    return type(model), tuple(sorted((name, repr(value)) for name, value in state.items()))


def share_models(root: widgets.Widget) -> int:
    """Give the widgets under ``root`` one style model per distinct style, and the controls of
    :data:`SHARED_LAYOUTS_OF` one layout model per distinct layout; close the models no longer used.

    Parameters
    ----------
    root
        The page's outermost widget.

    Returns
    -------
    int
        How many models were closed.
    """
    chosen: dict[tuple, widgets.Widget] = {}
    replaced: dict[int, widgets.Widget] = {}
    for widget in list(_widgets(root)):
        for name in ("style", "layout"):
            if name == "layout" and not isinstance(widget, SHARED_LAYOUTS_OF):
                continue
            model = getattr(widget, name, None)
            if not isinstance(model, widgets.Widget) or not widget.trait_metadata(name, "sync"):
                continue
            shared = chosen.setdefault(_key(model), model)
            if shared is not model:
                setattr(widget, name, shared)
                replaced[id(model)] = model
    kept = {id(model) for model in _widgets(root)}
    closed = 0
    for model in replaced.values():
        if id(model) not in kept:  # still someone's (a widget outside root, or not visited): left open
            model.close()
            closed += 1
    return closed
