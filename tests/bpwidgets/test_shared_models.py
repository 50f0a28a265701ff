"""share_models: one style or control layout model per distinct value; containers' and figures' layouts kept."""

from __future__ import annotations

import bqplot
import ipywidgets as widgets
from ipywidgets.widgets.widget import _instances

from bpwidgets.dashboards import gamma
from bpwidgets.shared_models import share_models


def test_equal_styles_and_control_layouts_become_one_model_and_the_others_are_closed():
    buttons = [widgets.Button(description=f"b{k}", layout=widgets.Layout(width="84px")) for k in range(3)]
    wide = widgets.Button(description="wide", layout=widgets.Layout(width="200px"))
    labels = [widgets.HTML(f"<b>{k}</b>") for k in range(2)]
    boxes = [widgets.HBox([buttons[0], wide]), widgets.HBox([buttons[1], buttons[2], *labels])]
    figure = bqplot.Figure(layout=widgets.Layout(width="84px"))  # same value as the buttons', but a figure's
    root = widgets.VBox([*boxes, figure])
    before = [model for b in [*buttons, wide, *labels] for model in (b.style, b.layout)]
    ids = {id(model): model.model_id for model in before}
    closed = share_models(root)
    assert buttons[0].style is buttons[1].style is buttons[2].style is wide.style
    assert buttons[0].layout is buttons[1].layout is buttons[2].layout
    assert wide.layout is not buttons[0].layout and wide.layout.width == "200px"
    assert labels[0].style is labels[1].style and labels[0].layout is labels[1].layout
    assert boxes[0].layout is not boxes[1].layout  # containers keep theirs
    assert figure.layout is not buttons[0].layout and figure.layout.width == "84px"
    # closed: two button layouts, three button styles, one label style and one label layout
    assert closed == 7
    kept = {id(model) for b in [*buttons, wide, *labels] for model in (b.style, b.layout)}
    gone = [model for model in before if id(model) not in kept]
    assert len(gone) == closed and all(model.comm is None for model in gone)
    assert not {ids[id(model)] for model in gone} & set(_instances)
    assert all(model.comm is not None for model in before if id(model) in kept)
    assert share_models(root) == 0


def test_a_model_still_held_by_a_widget_outside_the_root_stays_open():
    outside = widgets.Button(description="outside")
    inside = widgets.Button(description="inside", style=outside.style)
    first = widgets.Button(description="first")
    share_models(widgets.VBox([first, inside]))
    assert inside.style is first.style
    assert outside.style.comm is not None  # still the outside button's


def test_the_gamma_dashboard_loads_a_third_fewer_models():
    before = len(_instances)
    page = gamma.dashboard(projector=False)
    models = len(_instances) - before
    assert share_models(page.widget) == 0  # already shared when the dashboard was made
    # every style model left is distinct
    styles = {}
    stack, seen = [page.widget], set()
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        for name in widget.keys:
            value = getattr(widget, name)
            stack.extend(v for v in (value if isinstance(value, (list, tuple)) else [value])
                         if isinstance(v, widgets.Widget))
        style = getattr(widget, "style", None)
        if isinstance(style, widgets.Style):
            styles.setdefault((type(style), repr(sorted(style.get_state().items()))), set()).add(id(style))
    assert all(len(ids) == 1 for ids in styles.values())
    assert models <= 140  # 199 models before sharing
    page.explorer.runner.close()
