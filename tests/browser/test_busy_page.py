"""A raster on a page whose main thread is busy as the widget is created: anywidget (0.11) gives up a model
that has not imported and bound its module within two seconds of its creation, and the raster never draws.
Served by ``bpwidgets`` (:mod:`bpwidgets.frontend_patches`), the raster draws.

The page's CPU is slowed through the DevTools protocol, and one long task (2.5 s) occupies the main thread
as the raster's module is about to be imported: a page among many on a few cores gets such tasks from the
widgets created before and beside it. Throttling alone did not reproduce it (at 20x the raster drew): it
slows the whole page evenly, while the two seconds are wall-clock time and hold little more than the module's
import and bind.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from .conftest import free_port, wait_for_http, write_notebook
from .pages import PAGE_STATE

LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
RASTER = ["import numpy as np\n"
          "from bpwidgets.raster_canvas import RasterCanvas\n"
          "raster = RasterCanvas(n_neurons=40, t_end=100.0)\n"
          "raster.append(np.linspace(1.0, 99.0, 400), np.arange(400) % 40)\n"
          "raster"]
CPU_SLOWDOWN = 4
# the long task, started where anywidget turns the raster's module (its source names the canvas's class) into
# a URL to import
BUSY_AT_IMPORT = """(() => {
  const ours = new WeakSet();
  const NativeBlob = window.Blob;
  window.Blob = class extends NativeBlob {
    constructor(parts, options) {
      super(parts, options);
      if ((parts || []).some(part => typeof part === 'string' && part.includes('bp-raster-canvas'))) ours.add(this);
    }
  };
  const create = URL.createObjectURL;
  URL.createObjectURL = function (blob) {
    if (ours.has(blob)) {
      const end = performance.now() + 2500;
      while (performance.now() < end) {}
    }
    return create.call(URL, blob);
  };
})();"""
FAILED = ("[anywidget] Failed to initialize model.", "widget model not found")
PACKAGES = ("anywidget", "@jupyter-widgets/jupyterlab-manager")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``python -m bpwidgets.serving`` of a notebook showing one raster of 400 spikes; yields its URL."""
    folder = tmp_path_factory.mktemp("busy_page")
    write_notebook(folder / "raster.ipynb", RASTER)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bpwidgets.serving", str(folder / "raster.ipynb"),
                                f"--port={port}", "--no-browser", "--Voila.ip=127.0.0.1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, timeout=120)
        yield url
    finally:
        descendants = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        process.terminate()
        process.wait(timeout=60)
        _, alive = psutil.wait_procs(descendants, timeout=30)
        assert not alive, [" ".join(p.cmdline())[:100] for p in alive]


def failed(errors: list[str]) -> bool:
    return any(message in error for error in errors for message in FAILED)


def installed_file(package: str):
    """A route handler answering with the file of ``package`` as installed."""
    def answer(route) -> None:
        name = route.request.url.split("?")[0].rsplit("/", 1)[1]
        route.fulfill(path=LABEXTENSIONS / package / "static" / name, content_type="application/javascript")
    return answer


def busy_page_state(browser, url: str, as_installed: bool) -> tuple[int, list[str]]:
    """(spike pixels drawn, console errors) of the page under a slowed CPU and the long task; with
    ``as_installed``, anywidget's and the widget manager's files come from their installation instead of the
    server."""
    context = browser.new_context()
    context.add_init_script(BUSY_AT_IMPORT)
    if as_installed:
        for package in PACKAGES:
            context.route(f"**/labextensions/{package}/static/*.js", installed_file(package))
    try:
        page = context.new_page()
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(url, timeout=180_000)
        deadline = time.monotonic() + 120
        pixels = 0
        while time.monotonic() < deadline:
            pixels = page.evaluate(PAGE_STATE)["pixels"]
            if pixels > 50 or failed(errors):
                break
            page.wait_for_timeout(500)
        if failed(errors):
            page.wait_for_timeout(5000)  # the spikes would arrive by now, had the model survived
            pixels = page.evaluate(PAGE_STATE)["pixels"]
        return pixels, errors
    finally:
        context.close()


def test_the_raster_draws_on_a_busy_page(browser, served):
    pixels, errors = busy_page_state(browser, served, as_installed=False)
    assert not failed(errors), errors
    assert pixels > 50

