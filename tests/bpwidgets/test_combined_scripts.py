"""Voila's ``voila.js`` and the widget libraries' ``remoteEntry`` scripts served with the chunks their pages load
written in front of them: in the listed order, corrected where a correction applies, without the chunks that
are not installed, the same whole or compressed, and with the length announced; other files as they are."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from bpwidgets.combined_scripts import CHUNKS, VOILA, chunks_in_front, served_content
from bpwidgets.compressed_files import gzipped_file
from bpwidgets.frontend_patches import INIT_DEADLINE_MS

DEADLINE = '''        AbortSignal.timeout(2000).addEventListener("abort", function() {
            resolvers.reject(new Error("[anywidget] Failed to initialize model."));
        });
'''


def chunk(folder: Path, name: str, body: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body if body is not None else f'(self.webpackChunk=self.webpackChunk||[]).push([["{name}"]]);')
    return path


@pytest.fixture
def voila_static(tmp_path, monkeypatch):
    """A Voila static folder with three chunks, two of them listed (in the opposite order of their names)."""
    monkeypatch.setitem(CHUNKS, VOILA, ("9212", "5764", "404"))
    static = tmp_path / "voila" / "static"
    for name in ("5764.voila.js", "9212.voila.js", "1111.voila.js"):
        chunk(static, name)
    return chunk(static, "voila.js", "var runtime = 1;")


def test_voila_js_follows_the_listed_chunks_in_their_order(voila_static):
    static = voila_static.parent
    assert chunks_in_front(str(voila_static)) == [str(static / "9212.voila.js"), str(static / "5764.voila.js")]
    parts = served_content(str(voila_static)).split(b"\n;")
    assert parts == [(static / "9212.voila.js").read_bytes(), (static / "5764.voila.js").read_bytes(),
                     b"var runtime = 1;"]


def test_a_remote_entry_follows_its_package_chunks_corrected(tmp_path, monkeypatch):
    monkeypatch.setitem(CHUNKS, "anywidget", ("528", "2"))
    static = tmp_path / "labextensions" / "anywidget" / "static"
    patched = chunk(static, "528.0123abcd.js", f"before();\n{DEADLINE}after();\n")
    plain = chunk(static, "2.0123abcd.js")
    chunk(static, "99.0123abcd.js")  # not listed: left for the page to fetch if it needs it
    entry = chunk(static, "remoteEntry.0123abcd.js", "var _JUPYTERLAB;")
    content = served_content(str(entry)).decode()
    first, second, last = content.split("\n;")
    assert f"AbortSignal.timeout({INIT_DEADLINE_MS})" in first and "timeout(2000)" not in first
    assert second == plain.read_text() and last == "var _JUPYTERLAB;"
    assert "99.0123abcd" not in content
    assert served_content(str(patched)).decode() == first  # the chunk served alone, corrected the same


def test_other_files_and_other_packages_are_sent_as_they_are(tmp_path, voila_static):
    other = tmp_path / "labextensions" / "plotlywidget" / "static"
    chunk(other, "1.0123abcd.js")
    assert served_content(str(chunk(other, "remoteEntry.0123abcd.js"))) is None
    assert served_content(str(voila_static.parent / "5764.voila.js")) is None
    assert served_content(str(chunk(tmp_path / "labextensions" / "bqplot" / "static", "style.js"))) is None


def test_a_voila_js_without_its_chunks_is_sent_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setitem(CHUNKS, VOILA, ("9212",))
    lone = chunk(tmp_path / "lone", "voila.js", "var runtime = 1;")
    assert chunks_in_front(str(lone)) == [] and served_content(str(lone)) is None


def test_a_reinstalled_chunk_is_read_again(voila_static):
    first = served_content(str(voila_static))
    part = voila_static.parent / "5764.voila.js"
    part.write_text("changed();")
    os.utime(part, ns=(part.stat().st_atime_ns, part.stat().st_mtime_ns + 10**9))
    assert served_content(str(voila_static)) == first.replace(b'(self.webpackChunk=self.webpackChunk||[]).push'
                                                              b'([["5764.voila.js"]]);', b"changed();")


def test_compressed_is_the_combined_content(voila_static):
    stat = voila_static.stat()
    assert gzip.decompress(gzipped_file(str(voila_static), stat.st_mtime_ns, stat.st_size)) == \
        served_content(str(voila_static))


def test_the_listed_chunks_are_those_of_the_installed_versions():
    # a chunk that is gone only loses its request's saving, but a list of chunks that are not installed means
    # the versions changed and the list should be made again (tests/browser/test_page_weight.py says which)
    from jupyter_core.paths import jupyter_path
    from voila.utils import get_voila_labextensions_path

    entry = next(Path(p) / "voila.js" for p in jupyter_path("voila", "templates", "base", "static")
                 if (Path(p) / "voila.js").is_file())
    assert len(chunks_in_front(str(entry))) == len(CHUNKS[VOILA])
    for package in (p for p in CHUNKS if p != VOILA):
        static = next(Path(p) / package / "static" for p in get_voila_labextensions_path()
                      if (Path(p) / package / "static").is_dir())
        entry = next(static.glob("remoteEntry.*.js"))
        assert len(chunks_in_front(str(entry))) == len(CHUNKS[package]), package
