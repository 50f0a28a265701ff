"""anywidget's and the widget manager's front-end files served with their 2-second deadlines raised: found
once in the installed files, served corrected (with the corrected length, whole or in ranges), and served
unchanged with a warning when the expected code is not there."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
import tornado.web
from jupyter_server.auth import AllowAllAuthorizer, IdentityProvider

from bpwidgets.frontend_patches import INIT_DEADLINE_MS, patched_content, unmatched_patches
from bpwidgets.static_cache import IMMUTABLE, HashedFileHandler

LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
ANYWIDGET_STATIC = LABEXTENSIONS / "anywidget" / "static"
MANAGER_STATIC = LABEXTENSIONS / "@jupyter-widgets" / "jupyterlab-manager" / "static"
GET_MODEL = ("async get_model(e){let t=this._models[e];if(void 0===t){let o=Date.now();for(;Date.now()-o<2e3;)"
             "{if(void 0!==(t=this._models[e]))return t;await new Promise(e=>setTimeout(e,100))}"
             "throw Error(\"widget model not found\")}return t}")
DEADLINE = '''        AbortSignal.timeout(2000).addEventListener("abort", function() {
            resolvers.reject(new Error("[anywidget] Failed to initialize model."));
        });
'''


def installed_chunks(static: Path = ANYWIDGET_STATIC,
                     marker: str = "[anywidget] Failed to initialize model.") -> list[Path]:
    return sorted(path for path in static.glob("*.js") if marker in path.read_text(errors="replace"))


def a_chunk(folder: Path, body: str, name: str = "528.0123abcd.js", package: str = "anywidget") -> Path:
    static = folder / package / "static"
    static.mkdir(parents=True, exist_ok=True)
    path = static / name
    path.write_text(body)
    return path


def test_the_installed_anywidget_has_its_deadline_raised_in_every_file_that_holds_it():
    chunks = installed_chunks()
    assert chunks, f"no anywidget file with the model deadline under {ANYWIDGET_STATIC}"
    for path in chunks:
        original = path.read_text()
        corrected = patched_content(str(path)).decode()
        assert "AbortSignal.timeout(2000)" in original and "AbortSignal.timeout(2000)" not in corrected
        assert corrected.count(f"AbortSignal.timeout({INIT_DEADLINE_MS})") == 1
        # the only change is the number
        assert corrected == original.replace("AbortSignal.timeout(2000)", f"AbortSignal.timeout({INIT_DEADLINE_MS})")
        assert "AbortSignal.timeout(3000)" in corrected  # invoke's own timeout is left alone


def test_the_installed_widget_manager_waits_for_a_views_model_as_long():
    chunks = installed_chunks(MANAGER_STATIC, "widget model not found")
    assert chunks, f"no widget manager file with get_model's wait under {MANAGER_STATIC}"
    for path in chunks:
        original = path.read_text()
        corrected = patched_content(str(path)).decode()
        start = original.index("async get_model(")
        loop = original.index("<2e3;)", start)
        assert corrected == original[:loop] + f"<{INIT_DEADLINE_MS};)" + original[loop + len("<2e3;)"):]


def test_a_changed_widget_manager_is_served_unchanged_with_a_warning(tmp_path, caplog):
    manager = "@jupyter-widgets/jupyterlab-manager"
    assert patched_content(str(a_chunk(tmp_path, GET_MODEL, "32.0123abcd.js", manager))).count(
        f"<{INIT_DEADLINE_MS};)".encode()) == 1
    changed = a_chunk(tmp_path / "new", GET_MODEL.replace("<2e3", "<5e3"), "32.4567abcd.js", manager)
    with caplog.at_level(logging.WARNING, logger="bpwidgets.frontend_patches"):
        assert patched_content(str(changed)) is None
    assert any("32.4567abcd.js" in record.getMessage() for record in caplog.records)


def test_files_without_the_marker_and_other_packages_are_served_as_they_are(tmp_path):
    assert patched_content(str(a_chunk(tmp_path, "console.log('no deadline here');\n"))) is None
    other = tmp_path / "other" / "static"
    other.mkdir(parents=True)
    (other / "x.0123abcd.js").write_text(DEADLINE)
    assert patched_content(str(other / "x.0123abcd.js")) is None
    assert patched_content(str(a_chunk(tmp_path, DEADLINE))) is not None


@pytest.mark.parametrize("body", [
    DEADLINE.replace("2000", "5000"),  # a new deadline upstream
    DEADLINE.replace("resolvers.reject", "deferred.reject"),  # the code rewritten
    DEADLINE + DEADLINE,  # found twice: which one is meant is unknown
], ids=["new-deadline", "rewritten", "twice"])
def test_a_changed_anywidget_is_served_unchanged_with_a_warning(tmp_path, caplog, body):
    path = a_chunk(tmp_path, body)
    with caplog.at_level(logging.WARNING, logger="bpwidgets.frontend_patches"):
        assert patched_content(str(path)) is None
    assert any("serving the file unchanged" in record.getMessage() and path.name in record.getMessage()
               for record in caplog.records)


def test_a_release_without_the_marker_is_named_at_start(tmp_path, caplog):
    assert unmatched_patches([str(LABEXTENSIONS)]) == []
    a_chunk(tmp_path, "// a rewritten runtime\n")
    with caplog.at_level(logging.WARNING, logger="bpwidgets.frontend_patches"):
        lines = unmatched_patches([str(tmp_path / "absent"), str(tmp_path)])
    assert len(lines) == 1 and lines[0].startswith("anywidget:")
    assert any(line in record.getMessage() for record in caplog.records for line in lines)


def test_the_handler_sends_the_corrected_file_whole_and_in_ranges(tmp_path):
    # the server runs on its own thread and loop: a browser test's loop may be running in this process
    import asyncio
    import threading
    import urllib.request

    body = "// head\n" + DEADLINE + "// tail\n"
    a_chunk(tmp_path, body)
    (tmp_path / "anywidget" / "static" / "2.0123abcd.js").write_text("// untouched\n")
    started, stop = threading.Event(), {}

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/labextensions/(.*)", HashedFileHandler,
                                        {"path": [str(tmp_path)], "no_cache_paths": ["/"]})],
                                      identity_provider=IdentityProvider(token=""),
                                      authorizer=AllowAllAuthorizer(), cookie_secret=b"test")
        server = app.listen(0, "127.0.0.1")
        stop["port"] = next(iter(server._sockets.values())).getsockname()[1]
        stop["loop"], stop["server"] = loop, server
        started.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(30)
    base = f"http://127.0.0.1:{stop['port']}/labextensions/anywidget/static/"
    try:
        expected = body.replace("timeout(2000)", f"timeout({INIT_DEADLINE_MS})").encode()
        with urllib.request.urlopen(base + "528.0123abcd.js", timeout=30) as response:
            assert response.read() == expected
            assert int(response.headers["Content-Length"]) == len(expected)
            assert response.headers["Cache-Control"] == IMMUTABLE
        request = urllib.request.Request(base + "528.0123abcd.js", headers={"Range": "bytes=8-40"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 206 and response.read() == expected[8:41]
            assert response.headers["Content-Range"] == f"bytes 8-40/{len(expected)}"
        with urllib.request.urlopen(base + "2.0123abcd.js", timeout=30) as response:
            assert response.read() == b"// untouched\n"
    finally:
        stop["loop"].call_soon_threadsafe(stop["loop"].stop)
        thread.join(30)
