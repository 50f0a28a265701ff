"""``bpwidgets serve PATH`` in Chromium: a lecturer's folder served with a token, a Host allowlist, a kernel
limit and a pre-started kernel; no request of a page leaves the machine; nothing is left running afterwards."""

from __future__ import annotations

import gzip
import http.client
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from bpwidgets.frontend_patches import INIT_DEADLINE_MS
from bpwidgets.static_cache import IMMUTABLE

from .conftest import free_port, wait_for_http, write_notebook
from .pages import PAGE_STATE, READY, kernel_id_in, kernels_of

LESSON = ["import ipywidgets as widgets\n"
          "widgets.VBox([widgets.HTML('<h2>Lesson one</h2>'), widgets.Button(description='check', icon='check')])"]


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    """``bpwidgets serve`` of a folder with one small notebook, on 127.0.0.1 with a token, room for one page and
    one pre-started kernel (the default pool); yields (base URL, token, process) once that kernel has run the
    notebook, and checks that it ends with every process under it."""
    folder = tmp_path_factory.mktemp("lecture")
    write_notebook(folder / "lesson.ipynb", LESSON)
    port = free_port()
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "serve", str(folder), "--no-browser",
                                "--port", str(port), "--token", "--max-kernels", "1", "--closed-page-grace", "2"],
                               stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        deadline = time.monotonic() + 240  # the warm-up executes the notebook before the URL is shown
        line = ""
        while "serving" not in line:
            line = process.stdout.readline()
            assert line or process.poll() is None, "the server ended before it served"
            assert time.monotonic() < deadline, "no URL within 240 s"
        token = re.search(r"token=([\w-]+)", line).group(1)
        base = f"http://127.0.0.1:{port}"
        assert f"{base}/?token={token}" in line
        threading_drain(process)
        while "Pre-started kernel" not in (folder / "serve.log").read_text(errors="replace"):
            assert time.monotonic() < deadline, "the pool's kernel did not run the notebook within 240 s"
            time.sleep(0.5)
        yield base, token, process
    finally:
        descendants = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        process.terminate()
        assert process.wait(timeout=60) == 0
        _, alive = psutil.wait_procs(descendants, timeout=30)
        log.close()
        assert not alive, [" ".join(p.cmdline())[:100] for p in alive]


def threading_drain(process: subprocess.Popen) -> None:
    """Read the rest of ``process``'s stdout on a thread, so that a full pipe never stalls it."""
    import threading

    threading.Thread(target=process.stdout.read, daemon=True).start()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status_of(url: str, host: str | None = None) -> tuple[int, str]:
    """(status, body) of a GET of ``url``, redirects not followed, with ``host`` as the Host header if given."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=120) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


def test_a_page_without_the_token_is_refused(lecture):
    base, token, process = lecture
    pooled = set(kernels_of(process.pid))
    assert len(pooled) == 1  # the pre-started kernel, nobody's page yet
    status, body = status_of(f"{base}/voila/render/lesson.ipynb")
    assert status == 302 and "Lesson one" not in body  # sent to the login page, no kernel started or taken
    status, _ = status_of(f"{base}/voila/render/lesson.ipynb?token=wrong-{token}")
    assert status == 302
    assert set(kernels_of(process.pid)) == pooled


def fetch(url: str, encoding: str) -> tuple[dict, bytes]:
    """(headers, body as sent) of a GET of ``url`` with ``Accept-Encoding: encoding``."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.headers, response.read()


def same_but_xsrf(one: bytes, other: bytes) -> bool:
    """Whether two responses are the same but for their XSRF tokens (tornado's ``2|mask|token|time``), which
    differ from one request to the next."""
    xsrf = re.compile(rb"2\|[0-9a-f]+\|[0-9a-f]+\|[0-9]+")
    return xsrf.sub(b"", one) == xsrf.sub(b"", other)


def test_front_end_files_and_pages_cross_the_network_compressed(lecture):
    base, _, _ = lecture
    labextensions = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "anywidget" / "static"
    corrected = next(path.name for path in sorted(labextensions.glob("*.js"))
                     if "[anywidget] Failed to initialize model." in path.read_text(errors="replace"))
    chunk = f"voila/labextensions/anywidget/static/{corrected}"
    sent = {}
    for path in ("voila/static/voila.js", chunk, "login"):  # Voila's bundle, a widget extension's, a page
        plain_headers, plain = fetch(f"{base}/{path}", "identity")
        headers, body = fetch(f"{base}/{path}", "gzip, deflate")
        assert "Content-Encoding" not in plain_headers, path
        assert headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"], path
        decompressed = gzip.decompress(body)
        assert (same_but_xsrf(decompressed, plain) if path == "login" else decompressed == plain), path
        assert len(body) < len(plain) / 2, path
        sent[path] = plain_headers, headers, plain, body
    for path in ("voila/static/voila.js", chunk):  # files compressed once: their length is known
        assert int(sent[path][1]["Content-Length"]) == len(sent[path][3]), path
    plain_headers, headers, plain, _ = sent[chunk]
    assert f"AbortSignal.timeout({INIT_DEADLINE_MS})".encode() in plain  # sent corrected
    assert headers["Cache-Control"] == plain_headers["Cache-Control"] == IMMUTABLE


def test_a_foreign_host_is_refused_even_with_the_token(lecture):
    base, token, _ = lecture
    port = int(base.rsplit(":", 1)[1])
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.nip.example"):
        status, body = status_of(f"{base}/voila/render/lesson.ipynb?token={token}", host=host)
        assert status == 403 and "host name" in body, host
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # the kernel API too
    connection.request("GET", f"/api/kernels?token={token}", headers={"Host": "rebound.example"})
    assert connection.getresponse().status == 403
    connection.close()


def recording_page(browser):
    """A page that records the URL of every request it makes and every icon-font response (URL, status)."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.requests, page.fonts = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("response", lambda response: "webfonts/" in response.url and page.fonts.append((response.url,
                                                                                            response.status)))
    return page


def assert_all_local(page, base: str) -> None:
    page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=60_000)
    local = (base, base.replace("http://", "ws://"), "data:", "blob:")
    assert page.requests and all(url.startswith(local) for url in page.requests), [
        url for url in page.requests if not url.startswith(local)]
    assert page.fonts and all(status == 200 for _, status in page.fonts), page.fonts  # the icon font, served here


def test_the_page_renders_with_the_token_and_every_request_stays_on_this_machine(lecture, browser):
    base, token, process = lecture
    pooled = set(kernels_of(process.pid))
    page = recording_page(browser)
    page.goto(f"{base}/voila/render/lesson.ipynb?token={token}", timeout=180_000)
    page.get_by_role("button", name="check").wait_for(timeout=180_000)
    kernel_id = kernel_id_in(page.content())
    assert kernel_id in pooled  # the page got the kernel that had already run the notebook
    assert_all_local(page, base)
    icon_font = page.evaluate("() => getComputedStyle(document.querySelector('button i.fa'), '::before')"
                              ".fontFamily")
    assert "Font Awesome" in icon_font
    page.close()
    deadline = time.monotonic() + 60  # the closed page's kernel is freed after its grace
    while kernel_id in kernels_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert kernel_id not in kernels_of(process.pid)


def test_the_kernel_limit_holds_with_a_page_that_says_so(lecture, browser):
    base, token, process = lecture
    page = browser.new_page()
    page.goto(f"{base}/voila/render/lesson.ipynb?token={token}", timeout=180_000)
    page.get_by_role("button", name="check").wait_for(timeout=180_000)
    kernels = set(kernels_of(process.pid))
    status, body = status_of(f"{base}/voila/render/lesson.ipynb?token={token}")  # the second page of one place
    assert status == 503 and "The room is full" in body and "ask the lecturer" in body
    assert set(kernels_of(process.pid)) <= kernels  # the refused page started or took no kernel
    page.close()
    deadline = time.monotonic() + 60
    while status == 503 and time.monotonic() < deadline:  # the place frees once the first page has closed
        time.sleep(1.0)
        status, body = status_of(f"{base}/voila/render/lesson.ipynb?token={token}")
    assert status == 200 and "The room is full" not in body


def test_a_dashboard_of_the_demo_makes_no_request_off_this_machine(browser, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "demo.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", "--no-warm-up",
                                    "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        page = recording_page(browser)
        wait_for_http(f"{base}/voila/tree", timeout=180)
        page.goto(f"{base}/voila/render/hh_neuron.ipynb", timeout=180_000)
        page.wait_for_function(f"(() => ({READY['hh_neuron']})(({PAGE_STATE})()))", timeout=180_000, polling=250)
        assert_all_local(page, base)
        page.close()
    finally:
        descendants = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        process.terminate()
        assert process.wait(timeout=60) == 0
        _, alive = psutil.wait_procs(descendants, timeout=30)
        assert not alive, [" ".join(p.cmdline())[:100] for p in alive]
