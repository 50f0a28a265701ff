"""RasterCanvas and the widgets' error lines in JupyterLab 4 itself, light and dark: contrast on rendered pixels."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ARTIFACTS, free_port, open_page, wait_for_http, write_notebook
from .test_themes import CELLS, ink_contrast, luminance

THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}


@pytest.fixture(scope="module", params=list(THEMES))
def lab(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"lab_{request.param}")
    write_notebook(folder / "themes.ipynb", CELLS)
    settings = folder / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "themes.jupyterlab-settings").write_text(json.dumps({"theme": THEMES[request.param]}))
    port = free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(folder / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(folder / ".workspaces")}
    process = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
                                "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
                                "--allow-root", f"--ServerApp.root_dir={folder}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/lab", timeout=120)
        yield request.param, f"{base}/lab/tree/themes.ipynb"
    finally:
        process.terminate()  # the server shuts its kernels down with it
        process.wait(timeout=30)


def test_widgets_are_readable_in_jupyterlab(browser, lab):
    theme, url = lab
    page, _ = open_page(browser, url, viewport=(1200, 900))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function("() => document.body.innerText.includes('| Idle')", timeout=120_000)  # kernel ready
    page.locator(".jp-Cell .jp-InputArea-editor").first.click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_selector("canvas.bp-raster-canvas", timeout=120_000)
    page.wait_for_selector(".bp-error", timeout=60_000)
    page.wait_for_timeout(1000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"jupyterlab_{theme}.png"))
    background = page.evaluate("() => getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor")
    level = luminance(tuple(int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]))
    assert (level < 0.2) == (theme == "dark"), f"the {theme} theme did not apply: background {background}"
    raster = ink_contrast(page.locator("canvas.bp-raster-canvas").screenshot())
    message = ink_contrast(page.locator(".bp-error").screenshot())
    assert raster >= 4.5, f"spikes in JupyterLab {theme}: contrast {raster:.2f}"
    assert message >= 4.5, f"error text in JupyterLab {theme}: contrast {message:.2f}"
    page.close()
