"""The dashboards served by ``bpwidgets demo``, in Chromium: load, react to a slider, stay clean; ten sessions at
once; idle kernels culled; the server's security properties."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bpwidgets.serving import voila_command

from .conftest import ARTIFACTS, free_port, open_page, save_downloads, wait_for_http, write_notebook
from .pages import PAGE_STATE, READY, SLIDER, kernel_id_in, kernels_of


def serve_demo(log: Path, *options: str):
    """``bpwidgets demo`` on a free port, its log in ``log`` (a pipe nobody reads would fill and stall it);
    yields (base URL, process) and stops it."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", "--no-warm-up",
                                    "--port", str(port),
                                    *options], stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/voila/render/index.ipynb", timeout=120)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("demo") / "voila.log", "--cull-idle-timeout", "6")


def wait_ready(page, name: str, timeout: float = 120_000):
    page.wait_for_function(f"(() => ({READY[name]})(({PAGE_STATE})()))", timeout=timeout)


def drag_first_slider(page, pixels: float = 120, index: int = 0):
    handle = page.locator(".widget-slider .noUi-handle").nth(index)
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + pixels, box["y"] + box["height"] / 2, steps=4)
    page.mouse.up()


@pytest.mark.parametrize("name", ["gamma", "ei_balance", "fhn_lecture", "hh_neuron", "hh_bifurcation"])
def test_dashboard_loads_reacts_and_stays_clean(browser, demo_server, name):
    base, _ = demo_server
    start = time.monotonic()
    page, errors = open_page(browser, f"{base}/voila/render/{name}.ipynb")
    wait_ready(page, name)
    load_seconds = time.monotonic() - start
    time.sleep(1.5)  # let a streaming first pass finish
    before = page.evaluate(PAGE_STATE)
    drag_first_slider(page, pixels=60, index=SLIDER[name])
    page.wait_for_function(f"(() => {{ const s = ({PAGE_STATE})(); return (s.hash !== {before['hash']} || "
                           f"s.svgHash !== {before['svgHash']}) && ({READY[name]})(s); }})", timeout=60_000)
    time.sleep(1.0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard_{name}.png"), full_page=True)
    (ARTIFACTS / f"dashboard_{name}_load_seconds.txt").write_text(f"{load_seconds:.2f}\n")
    content = page.content()
    assert not errors, errors
    assert "Traceback" not in content and "def app" not in content  # no code, no tracebacks
    page.close()


def test_ten_sessions_respond_each_to_its_own_slider_and_closed_kernels_are_culled(browser, demo_server):
    base, process = demo_server
    name = "hh_neuron"
    # the first session fills the on-disk compile cache; ten cold compiles at once on a 2-core machine that
    # also runs the other test worker can take minutes (arrival all at once is the lecture-hall benchmark's)
    pages = [open_page(browser, f"{base}/voila/render/{name}.ipynb")]
    wait_ready(pages[0][0], name, timeout=180_000)
    for _ in range(9):
        pages.append(open_page(browser, f"{base}/voila/render/{name}.ipynb"))
    for page, _ in pages:
        wait_ready(page, name, timeout=180_000)
    time.sleep(1.0)
    states = [page.evaluate(PAGE_STATE) for page, _ in pages]
    latencies = []
    for k, (page, _) in enumerate(pages):
        start = time.monotonic()
        drag_first_slider(page, pixels=40 + 8 * k)
        page.wait_for_function(f"(() => ({PAGE_STATE})().svgHash !== {states[k]['svgHash']})", timeout=60_000, polling=250)
        latencies.append(time.monotonic() - start)
        for j, (other, _) in enumerate(pages):
            if j > k:
                assert other.evaluate(PAGE_STATE)["svgHash"] == states[j]["svgHash"], "a slider moved another page"
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    # speed is the lecture-hall benchmark's to judge; here each page must change, and only its own
    (ARTIFACTS / "ten_sessions_p95_seconds.txt").write_text(f"{p95:.2f} (max {latencies[-1]:.2f})\n")
    for page, errors in pages:
        assert not errors, errors
    # the pages' own kernels, not a count: the pool refills with pre-started kernels while pages close
    taken = {kernel_id_in(page.content()) for page, _ in pages}
    assert len(taken) == 10 and taken <= set(kernels_of(process.pid))
    for page, _ in pages:
        page.close()
    deadline = time.monotonic() + 60
    while taken & set(kernels_of(process.pid)) and time.monotonic() < deadline:
        time.sleep(1.0)
    assert not taken & set(kernels_of(process.pid)), "kernels of closed pages were not culled"


def test_static_file_read_is_refused(demo_server):
    base, _ = demo_server
    for path in ("/static/etc/passwd", "/voila/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
                 "/voila/files/..%2f..%2f..%2fetc%2fpasswd", "/static/..%2f..%2f..%2f..%2fetc%2fpasswd"):
        try:
            with urllib.request.urlopen(base + path, timeout=10) as response:
                body = response.read().decode(errors="replace")
                assert "root:" not in body, path
        except urllib.error.HTTPError as err:
            assert err.code in (403, 404), (path, err.code)


MAIN_FIGURES = {"gamma": "canvas.bp-raster-canvas", "ei_balance": "canvas.bp-raster-canvas",
                "fhn_lecture": ".bqplot", "hh_neuron": ".bqplot", "hh_bifurcation": ".bqplot"}
"""The figure each dashboard is about (for the FitzHugh-Nagumo lecture, the plane and the diagram both)."""


@pytest.mark.parametrize("name", list(MAIN_FIGURES))
def test_the_main_figure_fits_a_projector_screen_beside_the_controls(browser, demo_server, name):
    base, _ = demo_server
    page, errors = open_page(browser, f"{base}/voila/render/{name}.ipynb", viewport=(1366, 768))
    wait_ready(page, name)
    figures = page.locator(MAIN_FIGURES[name])
    boxes = [figures.nth(k).bounding_box() for k in range(2 if name == "fhn_lecture" else 1)]
    slider = page.locator(".widget-slider").nth(SLIDER[name]).bounding_box()
    page.screenshot(path=str(ARTIFACTS / f"dashboard_{name}_1366x768.png"))
    for box in boxes:
        assert box["y"] + box["height"] <= 768 and box["x"] + box["width"] <= 1366, box  # no scrolling
    if name in ("gamma", "ei_balance", "fhn_lecture"):
        assert slider["x"] + slider["width"] <= boxes[0]["x"]  # the controls beside the figure, not above it
    assert not errors, errors
    page.close()


def test_a_preset_click_changes_the_hh_traces(browser, demo_server):
    base, _ = demo_server
    page, errors = open_page(browser, f"{base}/voila/render/hh_neuron.ipynb", viewport=(1366, 900))
    wait_ready(page, "hh_neuron")
    page.get_by_role("button", name="rest").click()
    time.sleep(2.0)
    before = page.evaluate(PAGE_STATE)
    page.get_by_role("button", name="repetitive firing").click()
    page.wait_for_function(f"(() => ({PAGE_STATE})().svgHash !== {before['svgHash']})()", timeout=60_000, polling=250)
    time.sleep(1.0)
    page.screenshot(path=str(ARTIFACTS / "dashboard_hh_neuron_preset.png"), full_page=True)
    assert "20" in page.locator(".widget-text input").first.input_value()  # the amplitude box took the preset
    assert not errors, errors
    page.close()


def test_execute_request_over_the_kernel_websocket_is_not_executed(browser, demo_server, tmp_path):
    import websocket

    base, _ = demo_server
    page, _ = open_page(browser, f"{base}/voila/render/hh_neuron.ipynb")
    wait_ready(page, "hh_neuron")
    kernel_id = kernel_id_in(page.content())
    marker = tmp_path / "executed.txt"
    ws = websocket.create_connection(f"ws{base[4:]}/api/kernels/{kernel_id}/channels", timeout=10)
    message = {"header": {"msg_id": "attack-1", "msg_type": "execute_request", "username": "x", "session": "s",
                          "version": "5.3", "date": ""},
               "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
               "content": {"code": f"open({str(marker)!r}, 'w').write('ran')", "silent": False,
                           "store_history": False, "user_expressions": {}, "allow_stdin": False}}
    ws.send(json.dumps(message))
    time.sleep(3.0)
    ws.close()
    page.close()
    assert not marker.exists()


def test_no_traceback_in_the_page_when_a_model_raises(browser, tmp_path):
    write_notebook(tmp_path / "broken.ipynb", [
        "import bp_core as bp\n"
        "bp.NeuGroup(bp.models.get_LIF(), 1, monitors=['nonexistent'])"])
    port = free_port()
    process = subprocess.Popen(voila_command(port, False, 60, tmp_path / "broken.ipynb"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ})
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", timeout=120)
        page, _ = open_page(browser, f"http://127.0.0.1:{port}/")
        page.wait_for_timeout(4000)
        content = page.content()
        assert "Traceback" not in content
        assert "File \"" not in content and "site-packages" not in content
        page.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


CANVAS_URL = "() => document.querySelector('canvas.bp-raster-canvas').toDataURL()"
PASS_DONE = "() => document.body.innerText.includes('done 100%')"
PASS_TIMEOUT = 180_000  # a first pass in a fresh kernel on a loaded machine: loading numba and the kernel


def _downloads(page, button: str, count: int, tmp_path) -> list:
    """Click the export button called ``button`` and save the ``count`` files it makes."""
    return save_downloads(page, page.get_by_role("button", name=button, exact=True), tmp_path, count)


def open_gamma(browser, demo_server):
    """The gamma dashboard, its first pass ended: (page, console errors)."""
    base, _ = demo_server
    page, errors = open_page(browser, f"{base}/voila/render/gamma.ipynb", viewport=(1366, 900))
    wait_ready(page, "gamma")
    page.wait_for_function(PASS_DONE, timeout=PASS_TIMEOUT)
    return page, errors


def test_gamma_exports_valid_png_svg_csv_and_code(browser, demo_server, tmp_path):
    import numpy as np
    from PIL import Image

    page, errors = open_gamma(browser, demo_server)
    pngs = _downloads(page, "PNG", 3, tmp_path)
    assert sorted(p.name for p in pngs) == ["raster.png", "rate.png", "traces.png"]
    for path in pngs:
        image = np.asarray(Image.open(path).convert("L"))  # a PNG that decodes, with something drawn on it
        assert image.shape[0] > 100 and image.shape[1] > 300 and image.std() > 1.0, path.name
    svgs = _downloads(page, "SVG", 2, tmp_path)
    assert all(p.read_text().lstrip().startswith("<svg") or "<svg" in p.read_text()[:400] for p in svgs)
    (csv,) = _downloads(page, "CSV", 1, tmp_path)
    table = np.loadtxt(csv, delimiter=",", skiprows=1, ndmin=2)
    assert csv.read_text().startswith("neuron,time_ms\n") and table.shape[0] > 100
    assert 0 <= table[:, 0].min() and table[:, 0].max() < 100 and 0 <= table[:, 1].min() and table[:, 1].max() <= 300
    (code,) = _downloads(page, "code", 1, tmp_path)
    compile(code.read_text(), "run.py", "exec")
    assert "bp.models.gamma_network(100)" in code.read_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard_gamma_export.png"))
    assert not errors, errors
    page.close()


def test_gamma_rewind_restores_the_earlier_raster_exactly(browser, demo_server):
    page, errors = open_gamma(browser, demo_server)
    first = page.evaluate(CANVAS_URL)
    page.get_by_role("button", name="strong synchrony").click()
    page.wait_for_function(f"() => ({CANVAS_URL})() !== {json.dumps(first)} && ({PASS_DONE})()", timeout=60_000)
    page.wait_for_function("() => document.body.innerText.includes('run 2 of 2')", timeout=60_000)
    page.get_by_role("button", name="◀ back").click()
    page.wait_for_function(f"() => ({CANVAS_URL})() === {json.dumps(first)}", timeout=60_000)
    assert "run 1 of 2" in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "dashboard_gamma_rewind.png"))
    assert not errors, errors
    page.close()


def test_gamma_sweep_fills_the_heatmap_and_a_cell_replays_in_the_explorer(browser, demo_server):
    page, errors = open_gamma(browser, demo_server)
    page.get_by_role("tab", name="sweep").click()
    page.get_by_role("button", name="Run sweep").click()
    page.wait_for_function("() => /[1-9][0-9]* of 100 points/.test(document.body.innerText)", timeout=120_000)
    page.screenshot(path=str(ARTIFACTS / "dashboard_gamma_sweep_filling.png"))
    page.wait_for_function("() => document.body.innerText.includes('100 of 100 points')", timeout=300_000)
    page.screenshot(path=str(ARTIFACTS / "dashboard_gamma_sweep.png"))
    colours = page.evaluate("() => Array.from(document.querySelectorAll('.bp-sweep-cell'))"
                            ".map(c => getComputedStyle(c).backgroundColor)")
    assert len(colours) == 100 and len(set(colours)) > 10  # every cell coloured, by its value
    before = page.evaluate(CANVAS_URL)
    page.locator(".bp-sweep-cell").nth(5).click()  # top row: the strongest coupling
    page.wait_for_function(f"() => ({CANVAS_URL})() !== {json.dumps(before)}", timeout=60_000)
    assert page.locator("canvas.bp-raster-canvas").is_visible()  # back on the network tab
    page.screenshot(path=str(ARTIFACTS / "dashboard_gamma_sweep_replay.png"))
    assert not errors, errors
    page.close()


PLANE_PATHS = """() => { const svg = document.querySelectorAll('svg.svg-figure')[0];
  return Array.from(svg.querySelectorAll('path')).map(p => p.getAttribute('d') || '').join('|').length; }"""


def test_every_point_of_the_fhn_phase_plane_takes_a_click(browser, demo_server):
    base, _ = demo_server
    page, errors = open_page(browser, f"{base}/voila/render/fhn_lecture.ipynb", viewport=(1366, 1100))
    wait_ready(page, "fhn_lecture")
    time.sleep(1.0)
    figure = page.locator("svg.svg-figure").first.bounding_box()
    left, top = figure["x"] + 55, figure["y"] + 20  # the plane inside the figure's margins
    width, height = figure["width"] - 55 - 15, figure["height"] - 20 - 45
    missed = []
    # a grid of points over the whole plane, many of them on field segments, nullclines and trajectories
    for fx in (0.03, 0.16, 0.3, 0.43, 0.57, 0.7, 0.84, 0.97):
        for fy in (0.03, 0.18, 0.33, 0.5, 0.67, 0.82, 0.97):
            before = page.evaluate(PLANE_PATHS)
            page.mouse.click(left + fx * width, top + fy * height)
            try:
                page.wait_for_function(f"() => ({PLANE_PATHS})() !== {before}", timeout=15_000)
            except Exception:  # noqa: BLE001 - counted
                missed.append((fx, fy))
    page.screenshot(path=str(ARTIFACTS / "dashboard_fhn_clicks.png"))
    assert not missed, f"{len(missed)} of 56 clicks launched nothing: {missed}"
    assert "ModelUseError" not in page.inner_text("body")  # not even at the frame's edges
    assert not errors, errors
    page.close()


@pytest.fixture(scope="module")
def dark_demo_server(tmp_path_factory):
    for base, _ in serve_demo(tmp_path_factory.mktemp("demo_dark") / "voila.log", "--theme", "dark"):
        yield base


@pytest.mark.parametrize("name", list(MAIN_FIGURES))
def test_every_dashboard_reads_in_the_dark_theme(browser, dark_demo_server, name):
    from .test_frontends import AXIS_TEXT, rgb
    from .test_themes import contrast, ink_contrast, luminance

    page, errors = open_page(browser, f"{dark_demo_server}/voila/render/{name}.ipynb", viewport=(1366, 900))
    page.wait_for_selector(MAIN_FIGURES[name], timeout=120_000)
    page.wait_for_function("() => document.querySelectorAll('.bqplot .axis text').length > 10", timeout=120_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / f"dashboard_{name}_dark.png"))
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert luminance(rgb(background)) < 0.2, f"the dark theme did not apply: {background}"
    worst = min(contrast(rgb(fill, bg), rgb(bg)) for fill, bg in page.evaluate(AXIS_TEXT))
    assert worst >= 4.5, f"axis text of {name} on the dark page: contrast {worst:.2f}"
    title = page.locator("h2").first
    assert ink_contrast(title.screenshot()) >= 4.5
    if "canvas" in MAIN_FIGURES[name]:
        page.wait_for_function("() => document.body.innerText.includes('done 100%')", timeout=PASS_TIMEOUT)
        assert ink_contrast(page.locator(MAIN_FIGURES[name]).screenshot()) >= 4.5
    assert not errors, errors
    page.close()


def test_the_hh_bifurcation_diagram_exports_its_branches_and_a_png(browser, demo_server, tmp_path):
    from PIL import Image

    base, _ = demo_server
    page, errors = open_page(browser, f"{base}/voila/render/hh_bifurcation.ipynb", viewport=(1366, 900))
    wait_ready(page, "hh_bifurcation")
    (csv,) = _downloads(page, "CSV", 1, tmp_path)
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("curve,kind,I_ext,V,") and len(lines) > 100
    assert any(line.endswith(",H") for line in lines) and any(line.endswith(",LPC") for line in lines)
    (png,) = _downloads(page, "PNG", 1, tmp_path)
    assert png.name == "bifurcation.png" and Image.open(png).size[0] > 300
    assert not errors, errors
    page.close()
