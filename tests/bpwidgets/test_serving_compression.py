"""Front-end files sent gzip-compressed to a browser that accepts it, compressed once and kept: the body
decompresses to the plain response (a corrected file's corrected text included), the cache headers stay, the
Etag tells the encodings apart, and a request without ``Accept-Encoding: gzip`` gets the file as it is."""

from __future__ import annotations

import asyncio
import gzip
import os
import threading
import urllib.error
import urllib.request

import pytest
import tornado.web
from jupyter_server.auth import AllowAllAuthorizer, IdentityProvider

from bpwidgets import compressed_files
from bpwidgets.combined_scripts import CHUNKS, VOILA, served_content
from bpwidgets.compressed_files import MIN_LENGTH, GzipMultiStaticFileHandler
from bpwidgets.frontend_patches import INIT_DEADLINE_MS
from bpwidgets.static_cache import IMMUTABLE, HashedFileHandler

DEADLINE = '''        AbortSignal.timeout(2000).addEventListener("abort", function() {
            resolvers.reject(new Error("[anywidget] Failed to initialize model."));
        });
'''
FILLER = "".join(f"export const value{i} = {i * i};\n" for i in range(400))  # compressible, well over MIN_LENGTH


@pytest.fixture
def files(tmp_path):
    """A labextension folder (an anywidget chunk to correct, a plain chunk, a short file, a font) and a
    Voila static folder, served by a tornado application on its own thread and loop (a browser test's loop may
    be running in this process); yields (base URL, folder, the files' hash). The hash is new for each test:
    FileFindHandler remembers where it found a path for the whole process, whatever folders it searched."""
    tag = os.urandom(4).hex()
    static = tmp_path / "ext" / "anywidget" / "static"
    static.mkdir(parents=True)
    (static / f"528.{tag}.js").write_text(FILLER + DEADLINE + FILLER)
    (static / f"7.{tag}.js").write_text(FILLER)
    (static / "package.json").write_text('{"name": "anywidget"}')
    (static / f"icons.{tag}.woff2").write_bytes(os.urandom(4096))
    (tmp_path / "voila").mkdir()
    (tmp_path / "voila" / "voila.js").write_text(FILLER)
    started, held = threading.Event(), {}

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = tornado.web.Application(
            [(r"/labextensions/(.*)", HashedFileHandler, {"path": [str(tmp_path / "ext")], "no_cache_paths": ["/"]}),
             (r"/static/(.*)", GzipMultiStaticFileHandler, {"paths": [str(tmp_path / "voila")]})],
            identity_provider=IdentityProvider(token=""), authorizer=AllowAllAuthorizer(), cookie_secret=b"test",
            compress_response=True)
        server = app.listen(0, "127.0.0.1")
        held["port"] = next(iter(server._sockets.values())).getsockname()[1]
        held["loop"] = loop
        started.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(30)
    try:
        yield f"http://127.0.0.1:{held['port']}", static, tag
    finally:
        held["loop"].call_soon_threadsafe(held["loop"].stop)
        thread.join(30)


def get(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_a_corrected_chunk_is_sent_compressed_and_corrected_with_its_cache_headers(files):
    base, _, tag = files
    url = f"{base}/labextensions/anywidget/static/528.{tag}.js"
    _, plain_headers, plain = get(url)
    assert "Content-Encoding" not in plain_headers
    assert plain == (FILLER + DEADLINE.replace("2000", str(INIT_DEADLINE_MS)) + FILLER).encode()
    status, headers, body = get(url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain
    assert int(headers["Content-Length"]) == len(body) < len(plain) / 4
    assert headers["Cache-Control"] == IMMUTABLE and "Accept-Encoding" in headers["Vary"]


def test_each_file_is_compressed_once_and_again_when_it_changes(files):
    base, static, tag = files
    url = f"{base}/labextensions/anywidget/static/7.{tag}.js"
    misses = compressed_files._gzipped.cache_info().misses
    bodies = [get(url, **{"Accept-Encoding": "gzip"})[2] for _ in range(3)]
    assert compressed_files._gzipped.cache_info().misses == misses + 1
    assert len(set(bodies)) == 1 and gzip.decompress(bodies[0]) == FILLER.encode()
    (static / f"7.{tag}.js").write_text(FILLER + "// reinstalled\n")
    stat = (static / f"7.{tag}.js").stat()
    os.utime(static / f"7.{tag}.js", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert gzip.decompress(get(url, **{"Accept-Encoding": "gzip"})[2]) == (FILLER + "// reinstalled\n").encode()


def test_a_range_is_taken_from_the_compressed_file(files):
    base, _, tag = files
    url = f"{base}/labextensions/anywidget/static/7.{tag}.js"
    whole = get(url, **{"Accept-Encoding": "gzip"})[2]
    status, headers, part = get(url, **{"Accept-Encoding": "gzip", "Range": "bytes=10-99"})
    assert status == 206 and part == whole[10:100]
    assert headers["Content-Range"] == f"bytes 10-99/{len(whole)}"


def test_voilas_bundles_are_sent_compressed_with_an_etag_of_their_own(files):
    base, _, _ = files
    url = f"{base}/static/voila.js"
    status, headers, body = get(url, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == FILLER.encode()
    _, plain_headers, plain = get(url)
    assert plain == FILLER.encode() and "Content-Encoding" not in plain_headers
    assert headers["Etag"] == plain_headers["Etag"][:-1] + '-gzip"'
    # a browser that kept the compressed file asks with its Etag and is told it still holds; the plain file's
    # Etag does not stand for the compressed one
    assert get(url, **{"Accept-Encoding": "gzip", "If-None-Match": headers["Etag"]})[0] == 304
    assert get(url, **{"Accept-Encoding": "gzip", "If-None-Match": plain_headers["Etag"]})[0] == 200


def test_short_files_and_fonts_are_not_compressed_once(files):
    base, static, tag = files
    misses = compressed_files._gzipped.cache_info().misses
    assert (static / "package.json").stat().st_size < MIN_LENGTH
    _, headers, body = get(f"{base}/labextensions/anywidget/static/icons.{tag}.woff2", **{"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in headers and body == (static / f"icons.{tag}.woff2").read_bytes()
    get(f"{base}/labextensions/anywidget/static/package.json", **{"Accept-Encoding": "gzip"})
    assert compressed_files._gzipped.cache_info().misses == misses


def test_voila_js_and_a_remote_entry_are_sent_with_their_chunks_whole_and_compressed(files, monkeypatch):
    base, static, tag = files
    monkeypatch.setitem(CHUNKS, "anywidget", ("528", "7"))
    monkeypatch.setitem(CHUNKS, VOILA, ("1",))
    (static / f"remoteEntry.{tag}.js").write_text("var _JUPYTERLAB;\n")
    voila = static.parents[2] / "voila"
    (voila / "1.voila.js").write_text(FILLER)
    entry = static / f"remoteEntry.{tag}.js"
    for url, path in ((f"{base}/labextensions/anywidget/static/{entry.name}", entry),
                      (f"{base}/static/voila.js", voila / "voila.js")):
        expected = served_content(str(path))
        assert expected.endswith(path.read_bytes()) and len(expected) > 2 * len(FILLER)
        status, headers, plain = get(url)
        assert status == 200 and plain == expected and int(headers["Content-Length"]) == len(expected)
        _, headers, body = get(url, **{"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == expected
    entry = get(f"{base}/labextensions/anywidget/static/remoteEntry.{tag}.js")[2]
    assert f"AbortSignal.timeout({INIT_DEADLINE_MS})".encode() in entry and b"timeout(2000)" not in entry
