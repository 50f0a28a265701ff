"""Browser tests: Voila on localhost, driven by Playwright in Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from bpwidgets.serving import UNUSED_EXTENSIONS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                  # Chromium's own address-bar popup: headless, every tab still loads it as a web page of its
                  # own in a renderer of its own, with animations the browser draws while the tab loads (about
                  # 0.6 s of CPU per tab, measured as the page's cost when twenty tabs share two cores)
                  "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,"
                  "PreloadTopChromeWebUI"]
ARTIFACTS = Path(os.environ.get("BP_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def start_voila(notebook_dir: Path, target: str, *options: str) -> tuple[subprocess.Popen, str]:
    """Serve one notebook with Voila (plain Voila, as a user runs it); returns the process and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "voila", str(notebook_dir / target), f"--port={port}", "--no-browser",
         "--Voila.ip=127.0.0.1", "--show_tracebacks=False",
         # extensions for editing notebooks (jupytext's, Notebook 7's) fail in Voila's page
         f"--VoilaConfiguration.extension_denylist={json.dumps(UNUSED_EXTENSIONS)}", *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=notebook_dir)
    url = f"http://127.0.0.1:{port}/"
    wait_for_http(url)
    return process, url


@pytest.fixture(scope="module")
def served(request, tmp_path_factory):
    """``bpwidgets serve`` (no warm-up, no pool, and the module's ``SERVE_OPTIONS``) of a folder the test module
    fills with its ``write_lesson(folder)``; yields the server's URL (and sets the module's ``TOKEN`` where the
    options ask for one) and ends the server and its kernels with the module."""
    folder = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    request.module.write_lesson(folder)
    port = free_port()
    with (folder / "serve.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "serve", str(folder), "--no-browser",
                                    "--no-warm-up", "--pool", "0", "--port", str(port),
                                    *getattr(request.module, "SERVE_OPTIONS", ())],
                                   stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        deadline = time.monotonic() + 240
        line = ""
        while "serving" not in line:
            line = process.stdout.readline()
            assert line or process.poll() is None, "the server ended before it served"
            assert time.monotonic() < deadline, "no URL within 240 s"
        token = re.search(r"token=([\w-]+)", line)  # with --token among the options: the module's TOKEN
        request.module.TOKEN = token.group(1) if token else None
        yield re.search(r"(http://127\.0\.0\.1:\d+)", line).group(1)
    finally:
        descendants = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        process.terminate()
        assert process.wait(timeout=60) == 0
        psutil.wait_procs(descendants, timeout=30)


def write_notebook(path: Path, cells: list[str]) -> None:
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)


def open_page(browser, url: str, viewport=(1200, 1400)):
    """A page whose console errors are collected; requests leaving localhost get an empty answer.

    This machine has no network: Voila's template asks a CDN for its icon font, which a
    user's machine would load. Everything served by the app itself stays checked.
    """
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.route(lambda url: not url.startswith(("http://127.0.0.1", "http://localhost", "ws://127.0.0.1")),
               lambda route: route.fulfill(status=200, body="", content_type="text/css"))
    page.goto(url, timeout=120_000)
    return page, errors


def save_downloads(page, button, tmp_path: Path, count: int = 1, timeout: float = 60.0) -> list[Path]:
    """Click ``button`` (a locator) and save the ``count`` files it makes in ``tmp_path``; returns their paths."""
    got = []

    def listener(download):
        got.append(download)

    page.on("download", listener)
    button.click()
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    page.remove_listener("download", listener)
    paths = []
    for download in got[:count]:
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        paths.append(path)
    assert len(paths) == count, f"{len(paths)} of {count} files arrived"
    return paths
