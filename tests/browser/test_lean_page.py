"""A lecturer's notebook on the lean page (``bpwidgets serve --page lean``): ipywidgets' controls, a bqplot figure and
an anywidget come to life from the installed libraries, and a widget of a library that is not installed shows
the widget manager's error in place of its view while the rest of the page works."""

from __future__ import annotations

from .conftest import open_page, write_notebook

SERVE_OPTIONS = ("--page", "lean", "--token")  # the page's own kernel connection authenticated by the cookie
TOKEN = None


def write_lesson(folder):
    write_notebook(folder / "lesson.ipynb", [
        "import ipywidgets as w, bqplot.pyplot as plt, anywidget, traitlets\n"
        "class Counter(anywidget.AnyWidget):\n"
        "    _esm = ('export default { render({ model, el }) { el.className = \"counter\"; '\n"
        "            'el.textContent = `count ${model.get(\"count\")}`; '\n"
        "            'model.on(\"change:count\", () => { el.textContent = `count ${model.get(\"count\")}`; }); } }')\n"
        "    count = traitlets.Int(0).tag(sync=True)\n"
        "class Missing(w.DOMWidget):\n"
        "    _view_module = traitlets.Unicode('no-such-library').tag(sync=True)\n"
        "    _model_module = traitlets.Unicode('no-such-library').tag(sync=True)\n"
        "    _view_name = traitlets.Unicode('MissingView').tag(sync=True)\n"
        "    _model_name = traitlets.Unicode('MissingModel').tag(sync=True)\n"
        "slider = w.IntSlider(3, description='n')\n"
        "counter = Counter()\n"
        "slider.observe(lambda change: setattr(counter, 'count', change['new'] * 10), 'value')\n"
        "figure = plt.figure(); plt.plot([0, 1, 2], [0, 1, 4])\n"
        "w.VBox([slider, counter, figure])",
        "Missing()",
        "print('printed text')",
    ])


def test_the_lean_page_runs_a_lecturers_widgets(browser, served):
    page, errors = open_page(browser, f"{served}/voila/render/lesson.ipynb?token={TOKEN}", viewport=(1366, 900))
    page.wait_for_function("() => document.querySelector('svg.svg-figure path.line') !== null"
                           " && document.querySelector('.counter') !== null", timeout=120_000, polling=250)
    assert page.locator(".counter").inner_text() == "count 0"
    assert "printed text" in page.locator("#rendered_cells").inner_text()
    # the widget manager's error widget stands in its place, and the console says which library is missing
    assert page.locator(".jupyter-widgets-error-widget").count() == 1
    assert [e for e in errors if "no-such-library@2.0.0 is not installed beside the server" in e]
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")  # the slider's change reaches the kernel, whose answer reaches the counter
    page.wait_for_function("() => document.querySelector('.counter').textContent === 'count 40'", timeout=60_000)
    requests = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert not [url for url in requests if "/voila/static/voila.js" in url]
    assert not [e for e in errors if "no-such-library" not in e], errors
    page.close()


def test_the_lean_page_needs_the_token(browser, served):
    # a page without the token's cookie is sent to the login page: no kernel of the lesson reaches it
    page, _ = open_page(browser, f"{served}/voila/render/lesson.ipynb", viewport=(1366, 900))
    assert "/login" in page.url and page.locator(".counter").count() == 0
    page.context.close()
