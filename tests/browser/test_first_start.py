"""The first start after installing, in Chromium: the gallery is clickable while the dashboards are still being
prepared and says which; a dashboard opened meanwhile waits for its warm-up, then draws its figure.

The warm-up's board (:mod:`bpwidgets.warm_board`) is the test's: it says what is still compiling, so the page
sees a warm-up that lasts as long as the test needs, on any machine and whatever the caches hold.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

from bpwidgets.dashboards import DASHBOARD_DIR, DASHBOARDS
from bpwidgets.warm_board import BOARD_ENV, WarmBoard

from .conftest import free_port, open_page, wait_for_http
from .pages import PAGE_STATE, READY

STATUS = "text=Being prepared on this first start"


def test_the_gallery_answers_during_the_warm_up_and_a_page_opened_then_gets_its_figure(browser, tmp_path):
    board = WarmBoard(tmp_path / "board")
    board.announce(DASHBOARD_DIR / f"{name}.ipynb" for name in DASHBOARDS)
    board.set(DASHBOARD_DIR / "gamma.ipynb", "warming")
    port = free_port()
    with (tmp_path / "demo.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", "--no-warm-up",
                                    "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, BOARD_ENV: str(board.path)})
    base = f"http://127.0.0.1:{port}/voila/render"
    try:
        wait_for_http(f"{base}/index.ipynb", timeout=240)
        gallery, errors = open_page(browser, f"{base}/index.ipynb")
        gallery.get_by_role("link", name="hh neuron").wait_for(timeout=120_000)
        status = gallery.locator(STATUS)
        status.wait_for(timeout=120_000)
        assert "gamma (compiling now)" in status.inner_text() and "hh neuron" in status.inner_text()

        page, page_errors = open_page(browser, "about:blank", viewport=(1366, 768))
        page.evaluate("url => { window.location.href = url; }", f"{base}/hh_neuron.ipynb")  # no wait for it
        time.sleep(3)
        assert page.url == "about:blank"  # the server holds the page back: its kernel waits for the warm-up
        for name in DASHBOARDS:
            board.set(DASHBOARD_DIR / f"{name}.ipynb", "warm")
        page.wait_for_url(f"{base}/hh_neuron.ipynb", timeout=300_000)
        page.wait_for_function(f"({READY['hh_neuron']})(({PAGE_STATE})())", timeout=300_000, polling=200)
        status.wait_for(state="detached", timeout=60_000)  # the gallery follows the board: nothing pending
        assert not errors and not page_errors, errors + page_errors
    finally:
        descendants = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        process.terminate()
        assert process.wait(timeout=60) == 0
        _, alive = psutil.wait_procs(descendants, timeout=30)
        assert not alive, [" ".join(p.cmdline())[:100] for p in alive]
