"""Projector mode in Chromium at 1366 x 768 (``bpwidgets demo --projector``), light and dark: fonts of 18 px
or more, the figures on the screen without scrolling, labels of special points apart and inside their plot,
text and branches with a contrast of 4.5 or more against the page."""

from __future__ import annotations

import re

import pytest

from bpwidgets.plots.theme import PROJECTOR_FONT

from .conftest import ARTIFACTS, open_page
from .pages import PAGE_STATE, READY
from .test_dashboards import serve_demo
from .test_themes import contrast

VIEWPORT = (1366, 768)

MEASURE = """() => {
  const root = document.querySelector('.bp-dashboard');
  const shown = e => e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) &&
    e.getBoundingClientRect().width > 0;
  const all = (selector, within = root) => Array.from(within.querySelectorAll(selector)).filter(shown);
  const size = e => parseFloat(getComputedStyle(e).fontSize);
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const texts = (selector) => all(selector).filter(e => e.textContent.trim());
  const fonts = {
    'tick labels': texts('.bqplot .axis .tick text').map(size),
    'axis labels': texts('.bqplot text.axislabel').map(size),
    'slider labels': texts('.widget-slider .widget-label, .widget-slider .widget-readout').map(size),
    'info lines': texts('.widget-html-content').map(size),
  };
  const diagrams = all('.bp-bifurcation').map(figure => ({
    plot: box(figure.querySelector('.plotarea_background') || figure.querySelector('svg')),
    // AUTO's names of special points ('H', 'PD, LPC'), as the diagram shows them
    labels: all('text', figure).filter(e => !e.closest('.axis') && /^[A-Z]{1,4}(, [A-Z]{1,4})*$/.test(e.textContent))
      .map(e => ({text: e.textContent, box: box(e), size: parseFloat(getComputedStyle(e).fontSize)})),
    branches: all('path.line', figure).map(e => getComputedStyle(e).stroke),
  }));
  return {
    fonts, diagrams,
    figures: all('.bqplot, canvas.bp-raster-canvas').map(box),
    raster: all('canvas.bp-raster-canvas').map(c => c.dataset.plotArea),
    background: getComputedStyle(document.body).backgroundColor,
    ink: {
      'tick label': texts('.bqplot .axis .tick text').map(e => getComputedStyle(e).fill),
      'axis label': texts('.bqplot text.axislabel').map(e => getComputedStyle(e).fill),
      'info line': texts('.widget-html-content').map(e => getComputedStyle(e).color),
    },
  };
}"""


def rgba(css: str) -> tuple[float, float, float, float]:
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    return (*values[:3], values[3] if len(values) > 3 else 1.0)


def over(colour: str, background: str) -> tuple[float, float, float]:
    """``colour`` as seen on ``background`` (its alpha blended)."""
    *fg, alpha = rgba(colour)
    bg = rgba(background)[:3]
    return tuple(alpha * f + (1 - alpha) * b for f, b in zip(fg, bg))


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module", params=["light", "dark"])
def projector_demo(request, tmp_path_factory):
    log = tmp_path_factory.mktemp(f"projector_{request.param}") / "voila.log"
    for base, _ in serve_demo(log, "--projector", "--theme", request.param):
        yield request.param, base


@pytest.mark.parametrize("name", list(READY))
def test_projector_mode_reads_from_the_back_of_the_room(browser, projector_demo, name):
    theme, base = projector_demo
    page, errors = open_page(browser, f"{base}/voila/render/{name}.ipynb", viewport=VIEWPORT)
    # the dashboard's own readiness (spikes on the raster, or a drawn trace); the time axes have ticks from the
    # start
    page.wait_for_function(f"(() => ({READY[name]})(({PAGE_STATE})()))", timeout=480_000, polling=1000)
    page.wait_for_selector(".bp-projector", timeout=60_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"projector_{name}_{theme}.png"))
    seen = page.evaluate(MEASURE)
    for what, sizes in seen["fonts"].items():
        assert sizes and min(sizes) >= PROJECTOR_FONT, (what, sorted(sizes)[:5])
    for left, top, right, bottom in seen["figures"]:  # every figure on the screen, none below the fold
        assert 0 <= left and right <= VIEWPORT[0] and 0 <= top and bottom <= VIEWPORT[1], (left, top, right, bottom)
    for area in seen["raster"]:
        assert int(area.split(",")[1]) >= 1.3 * PROJECTOR_FONT  # the canvas's labels drawn large, above the spikes
    for diagram in seen["diagrams"]:
        labels = diagram["labels"]
        assert labels, "no special point labelled"
        for k, label in enumerate(labels):
            assert label["size"] >= PROJECTOR_FONT, label
            left, top, right, bottom = label["box"]
            plot = diagram["plot"]
            assert plot[0] <= left and right <= plot[2] and plot[1] <= top and bottom <= plot[3], label
            for other in labels[k + 1:]:
                assert not overlap(label["box"], other["box"]), (label, other)
        for stroke in set(diagram["branches"]):
            assert contrast(over(stroke, seen["background"]), rgba(seen["background"])[:3]) >= 4.5, stroke
    for what, colours in seen["ink"].items():
        for colour in set(colours):
            assert contrast(over(colour, seen["background"]), rgba(seen["background"])[:3]) >= 4.5, (what, colour)
    if name == "hh_neuron":
        toggle_off_and_on(page)
    assert not errors, errors
    page.close()


def toggle_off_and_on(page) -> None:
    """The page's projector button takes the fonts down to the normal size and back."""
    tick = "(() => parseFloat(getComputedStyle(document.querySelector('.bqplot .axis .tick text')).fontSize))"
    page.get_by_role("button", name="projector").click()
    page.wait_for_function(f"() => {tick}() < {PROJECTOR_FONT}", timeout=60_000)
    page.get_by_role("button", name="projector").click()
    page.wait_for_function(f"() => {tick}() >= {PROJECTOR_FONT}", timeout=60_000)
