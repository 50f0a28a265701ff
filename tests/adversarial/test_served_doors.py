"""``bpwidgets serve DIR --ip ADDRESS`` (LAN mode): what a device on the room's network gets without the token.

Pages, the folder's files and a kernel's WebSocket are refused without the token's cookie; the WebSocket is
refused to a page of another origin even with the cookie (a site a student visits must not drive their kernel);
a foreign ``Host`` is refused. Voila's own front-end files (its bundles, the template's styles, the widget
extensions) are public by design: they are files of installed packages, the same for every user, and hold
nothing of the lecturer's; a path that climbs out of them gets 403/404, never a file and never a server error.
"""

import asyncio
import ipaddress
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from bpwidgets.lan import lan_address
from tests.browser.conftest import free_port, write_notebook

LESSON = ["secret = 'the answer is 42'\nprint(secret)"]
KERNEL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _room_address() -> tuple[str, list[str]]:
    """An address of this machine other than loopback (where students' devices reach it) and no extra option; on a
    machine with loopback alone, 127.0.0.1 with ``--token``, which puts the same doors on localhost."""
    address = lan_address()
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return "127.0.0.1", ["--token"]
    return address, []


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=120) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """``bpwidgets serve`` of one notebook on this machine's network address, no pool and no warm-up; yields
    (base URL, token); every process under it ends with the fixture."""
    address, extra = _room_address()
    folder = tmp_path_factory.mktemp("room")
    write_notebook(folder / "lesson.ipynb", LESSON)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "serve", str(folder), "--ip", address,
                                "--port", str(port), "--no-browser", "--no-warm-up", "--pool", "0",
                                "--closed-page-grace", "600", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        deadline, line = time.monotonic() + 120, ""
        while "token=" not in line or "serving" not in line:
            line = process.stdout.readline()
            assert line or process.poll() is None, "the server ended before it served"
            assert time.monotonic() < deadline, "no URL within 120 s"
        token = re.search(r"token=([\w-]+)", line).group(1)
        import threading

        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield f"http://{address}:{port}", token
    finally:
        descendants = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        process.terminate()
        assert process.wait(timeout=60) == 0
        _, alive = psutil.wait_procs(descendants, timeout=30)
        assert not alive


@pytest.fixture(scope="module")
def page(room):
    """A page opened with the token: (its kernel's id, the cookie the token gave)."""
    base, token = room
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(f"{base}/voila/render/lesson.ipynb?token={token}", timeout=180) as response:
        body = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie")
    kernel_id = KERNEL_ID.search(body).group(0)
    cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
    return kernel_id, cookie


def _websocket(base: str, kernel_id: str, headers: dict) -> str:
    """'open', or the HTTP status the kernel's WebSocket was refused with."""
    url = base.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"

    async def connect():
        try:
            connection = await websocket_connect(HTTPRequest(url, headers=headers, connect_timeout=60,
                                                             request_timeout=60))
        except HTTPClientError as err:
            return str(err.code)
        connection.close()
        return "open"

    return asyncio.run(connect())


def test_the_kernels_websocket_needs_the_cookie_and_this_servers_origin(room, page):
    base, _ = room
    kernel_id, cookie = page
    assert _websocket(base, kernel_id, {"Cookie": cookie}) == "open"  # the probe can succeed
    assert _websocket(base, kernel_id, {"Cookie": cookie, "Origin": base}) == "open"
    assert _websocket(base, kernel_id, {}) == "403"
    assert _websocket(base, kernel_id, {"Origin": base}) == "403"
    assert _websocket(base, kernel_id, {"Cookie": cookie, "Origin": "http://evil.example"}) == "403"
    host = base.split("//")[1]
    assert _websocket(base, kernel_id, {"Cookie": cookie, "Host": f"evil.example:{host.split(':')[1]}"}) == "403"


@pytest.mark.parametrize("path", ["/", "/voila/render/lesson.ipynb", "/voila/tree", "/voila/files/lesson.ipynb",
                                  "/api/kernels", "/api/sessions", "/api/contents", "/api/kernelspecs",
                                  "/voila/api/shutdown/00000000-0000-0000-0000-000000000000"])
def test_pages_files_and_apis_are_refused_without_the_token(room, path):
    base, _ = room
    status, body = _get(base + path)
    assert status in (302, 403, 404), (path, status)
    assert "the answer is 42" not in body and "lesson.ipynb\"" not in body


def test_with_the_cookie_the_rest_api_is_still_not_served(room, page):
    base, _ = room
    _, cookie = page
    for path in ("/api/kernels", "/api/sessions", "/api/contents/lesson.ipynb"):
        status, body = _get(base + path, {"Cookie": cookie})
        assert status == 404 and "the answer is 42" not in body, path


@pytest.mark.parametrize("path", ["/voila/static/voila.js", "/voila/templates/lab/static/index.css",
                                  "/voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json"])
def test_front_end_files_are_public_and_a_foreign_host_gets_none(room, path):
    base, _ = room
    status, _ = _get(base + path)
    assert status == 200  # installed packages' files: the same for everyone, nothing of the lecturer's
    assert _get(base + path, {"Host": "evil.example"})[0] == 403


@pytest.mark.parametrize("path", ["/voila/templates/../../../../etc/passwd", "/voila/templates/lab/nostatic",
                                  "/voila/templates/lab/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
                                  "/voila/static/..%2f..%2f..%2fetc%2fpasswd",
                                  "/voila/labextensions/..%2f..%2f..%2f..%2fetc%2fpasswd"])
def test_a_path_climbing_out_of_the_front_end_files_gets_no_file_and_no_server_error(room, path):
    base, _ = room
    status, body = _raw_get(base, path)
    assert status in (403, 404), (path, status)
    assert "root:" not in body


def _raw_get(base: str, path: str) -> tuple[int, str]:
    """GET ``path`` exactly as written (urllib would resolve the dots)."""
    import http.client

    host, port = base.split("//")[1].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()
