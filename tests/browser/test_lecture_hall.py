"""The demo server in a lecture: a closed tab frees its kernel soon, a page still loading keeps its own, and the
Hodgkin-Huxley dashboard counts the spikes its trace shows."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import free_port, open_page, wait_for_http
from .pages import PAGE_STATE, READY, kernel_id_in, kernels_of

GRACE = 20.0  # seconds a kernel outlives its page's last connection


@pytest.fixture(scope="module")
def lecture_server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("lecture") / "voila.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", "--no-warm-up",
                                    "--port", str(port), "--closed-page-grace", str(GRACE)],
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/voila/render/index.ipynb", timeout=120)
    yield base, process, log
    process.terminate()
    process.wait(timeout=30)
    assert "'_xsrf' argument missing" not in log.read_text(), "a page's unload shutdown was refused"


def rendered_page(browser, url: str):
    """A page in a context of its own that outlives it, without request interception: Chromium drops the
    unload request of an intercepted page, and of a page whose context closes with it."""
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(url, timeout=120_000)
    page.wait_for_function(f"(() => ({READY['hh_neuron']})(({PAGE_STATE})()))", timeout=120_000, polling=250)
    return page


def seconds_until_gone(pid: int, kernel_id: str, limit: float) -> float:
    start = time.monotonic()
    while kernel_id in kernels_of(pid):
        if time.monotonic() - start > limit:
            return float("inf")
        time.sleep(0.25)
    return time.monotonic() - start


def test_closed_tabs_free_their_kernels_and_loading_pages_keep_theirs(browser, lecture_server):
    base, process, log = lecture_server
    url = f"{base}/voila/render/hh_neuron.ipynb"
    # a page whose scripts have not connected yet: Voila has run its notebook, no browser holds its kernel
    with urllib.request.urlopen(url, timeout=120) as response:
        loading_kernel = kernel_id_in(response.read().decode())
    closed, crashed, open_ = (rendered_page(browser, url) for _ in range(3))
    ids = {name: kernel_id_in(page.content()) for name, page in
           (("closed", closed), ("crashed", crashed), ("open", open_))}
    assert set(ids.values()) | {loading_kernel} <= set(kernels_of(process.pid))

    closed.close(run_before_unload=True)  # a tab closed by its user: the page asks for the shutdown
    assert seconds_until_gone(process.pid, ids["closed"], limit=GRACE / 2) < GRACE / 2, log.read_text()[-3000:]

    crashed.close()  # a tab that vanishes without a word: only the dropped connection tells
    assert seconds_until_gone(process.pid, ids["crashed"], limit=GRACE + 15) < GRACE + 15

    alive = kernels_of(process.pid)
    assert ids["open"] in alive, "an open page lost its kernel"
    assert loading_kernel in alive, "a page that had not connected yet lost its kernel"
    assert open_.evaluate(PAGE_STATE)["svgLength"] > 5000
    for page in (closed, crashed, open_):
        page.context.close()


def test_hh_dashboard_in_the_page_counts_the_spikes_of_its_trace(browser, lecture_server):
    from scipy.signal import find_peaks

    from bpwidgets.dashboards import hh_neuron

    base, _, _ = lecture_server
    page, errors = open_page(browser, f"{base}/voila/render/hh_neuron.ipynb", viewport=(1366, 900))
    page.wait_for_function(f"(() => ({READY['hh_neuron']})(({PAGE_STATE})()))", timeout=120_000, polling=250)
    summary = page.locator(".widget-html-content", has_text="steady rate").first
    before = summary.inner_text()
    amplitude = page.locator(".widget-text input").first
    amplitude.fill("28.4")
    amplitude.press("Enter")
    page.wait_for_function("before => Array.from(document.querySelectorAll('.widget-html-content'))"
                           ".some(e => e.innerText.includes('steady rate') && e.innerText !== before)", arg=before,
                           timeout=60_000)
    shown = summary.inner_text()
    V = hh_neuron.simulate("step", 28.4).mon.V[:, 0]
    peaks, _ = find_peaks(V, prominence=20.0)
    assert len(peaks) > 10
    assert shown.startswith(f"{len(peaks)} spikes"), shown
    assert not errors, errors
    page.close()

