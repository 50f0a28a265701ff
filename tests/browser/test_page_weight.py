"""What a dashboard page makes the browser load before its figure is drawn stays small: the kernel's messages
carry lines thinned to what a figure shows, widgets of a tab nobody opened are not sent, and the bundles' chunks
come inside their scripts, not as requests of their own; the demo's lean page loads no JupyterLab application."""

from __future__ import annotations

import re

import pytest

from .conftest import open_page
from .pages import PAGE_STATE, READY
from .test_dashboards import serve_demo


@pytest.fixture(scope="module")
def weight_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("weight") / "voila.log")


def first_pass(browser, base: str, name: str) -> tuple[object, list, list[bytes]]:
    """Open ``name`` and wait for its figure; returns the page, its errors and the kernel frames received so far."""
    frames: list[bytes] = []

    def on_socket(ws):
        ws.on("framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes)
                                                             else payload.encode()))

    page, errors = open_page(browser, "about:blank", viewport=(1366, 768))
    page.on("websocket", on_socket)
    page.goto(f"{base}/voila/render/{name}.ipynb", timeout=120_000)
    page.wait_for_function(f"(() => ({READY[name]})(({PAGE_STATE})()))", timeout=180_000, polling=250)
    return page, errors, list(frames)


def test_the_hh_neuron_traces_arrive_thinned(browser, weight_server):
    base, _ = weight_server
    page, errors, frames = first_pass(browser, base, "hh_neuron")
    received = sum(len(f) for f in frames)
    # four traces of 10,000 samples as sent before thinning made 750 KiB; thinned they fit in a third of it
    assert received < 400 * 1024, f"{received / 1024:.0f} KiB before the trace was drawn"
    points = page.evaluate(f"({PAGE_STATE})()")["linePoints"]
    assert 1000 <= points <= 2000  # thinned, yet finer than the figure's pixels
    assert not errors, errors
    page.close()


def test_the_gamma_sweep_widgets_are_sent_when_its_tab_opens(browser, weight_server):
    base, _ = weight_server
    page, errors, frames = first_pass(browser, base, "gamma")
    models = sum(len(re.findall(rb'"model_name":', f)) for f in frames)
    # the page with the sweep tab filled held 224 widget models; the sweep's own are 27 of them
    assert 0 < models < 205, models
    assert page.locator(".bp-sweep-cell").count() == 0
    page.get_by_role("tab", name="sweep").click()
    page.wait_for_function("() => document.querySelectorAll('.bp-sweep-cell').length === 100", timeout=60_000)
    assert page.get_by_role("button", name="Run sweep").is_visible()
    assert not errors, errors
    page.close()


CHUNK_REQUEST = re.compile(r"/voila/static/\d+\.voila\.js|/voila/labextensions/.+/static/\d+\.[0-9a-f]{8,}\.js")
"""A request for one chunk of Voila's bundle or of a widget library's."""


@pytest.mark.parametrize("name", ["gamma", "ei_balance", "hh_neuron", "fhn_lecture", "hh_bifurcation"])
def test_a_dashboard_page_asks_for_no_chunk_of_a_bundle_on_its_own(browser, weight_server, name):
    # the chunks come written in front of voila.js and the remoteEntry scripts (bpwidgets.combined_scripts):
    # each request is work for the browser, and a page made about 90 of them besides these scripts; a chunk
    # asked for here is missing from combined_scripts.CHUNKS for the installed versions
    base, _ = weight_server
    page, errors = open_page(browser, "about:blank", viewport=(1366, 768))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{base}/voila/render/{name}.ipynb", timeout=120_000)
    page.wait_for_function(f"(() => ({READY[name]})(({PAGE_STATE})()))", timeout=180_000, polling=250)
    page.wait_for_timeout(2000)  # chunks a late widget asks for
    assert [url for url in requests if CHUNK_REQUEST.search(url)] == []
    # the demo's lean page: its own script, no JupyterLab application (Voila's voila.js and its chunks), and the
    # widget libraries' scripts (bqplot, bqscales, anywidget) but not the widget managers' of JupyterLab and Voila
    assert sum("/bpwidgets-lean/static/page.js" in url for url in requests) == 1
    assert not [url for url in requests if "/voila/static/" in url and url.endswith(".js")]
    entries = [url for url in requests if "/remoteEntry." in url]
    assert len(entries) == 3 and not [url for url in entries if "manager" in url], entries
    assert not errors, errors
    if name == "gamma":
        # Voila's log forwarding replaced the console's functions with ones posting each message to the top
        # window, which for a served page is the page itself
        assert page.evaluate("() => [console.warn, console.error, console.info, console.debug]"
                             ".every(f => /\\[native code\\]/.test(String(f)))")
    page.close()


def test_hashed_front_end_files_are_kept_and_the_others_revalidated(weight_server):
    import urllib.request
    from pathlib import Path

    from voila.utils import get_voila_labextensions_path

    base, _ = weight_server
    folder = next(Path(p) / "bqplot" / "static" for p in get_voila_labextensions_path()
                  if (Path(p) / "bqplot" / "static").is_dir())
    entry = next(folder.glob("remoteEntry.*.js")).name

    def cache_control(name: str) -> str:
        with urllib.request.urlopen(f"{base}/voila/labextensions/bqplot/static/{name}", timeout=30) as response:
            assert response.status == 200
            return response.headers.get("Cache-Control", "")

    assert "immutable" in cache_control(entry) and "max-age=31536000" in cache_control(entry)
    assert cache_control("style.js") == "no-cache"  # no hash in its name: asked again each time


def test_a_loading_page_and_a_page_at_rest_run_no_animation(browser, weight_server):
    # an animation makes the browser draw frames for as long as it runs: Voila's turning spinner drew 40-60 a
    # second while a page loaded, most of a page's drawing work when twenty pages share a machine
    base, _ = weight_server
    page, errors = open_page(browser, "about:blank", viewport=(1366, 768))
    # without its script (the lean page's, or Voila's) the page stays on its loading view
    for script in ("**/bpwidgets-lean/static/page.js*", "**/voila/static/voila.js*"):
        page.route(script, lambda route: route.abort())
    page.goto(f"{base}/voila/render/fhn_lecture.ipynb", timeout=120_000)
    assert page.locator("#loading .spinner").is_visible()
    assert page.evaluate("() => document.getAnimations().map(a => a.animationName)") == []
    page.close()
    page, errors, _ = first_pass(browser, base, "hh_neuron")
    page.wait_for_timeout(3000)  # the first pass ends
    assert page.evaluate("() => document.getAnimations().filter(a => a.playState === 'running').length") == 0
    page.close()
