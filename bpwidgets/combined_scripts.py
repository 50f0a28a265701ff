"""Scripts served with the chunks they are about to load in front of them: one request where a page made dozens.

Voila's front end (``voila/static/voila.js``) and each widget library's (``remoteEntry.<hash>.js``) are webpack
bundles split into chunks that the page then asks for one by one: a dashboard's page requested 56 chunks of
Voila's and 31 of the widget libraries', each a request for the browser to make, cache and hand to its page.
A chunk only registers its modules (``(self.webpackChunk<name> ||= []).push(...)``), and webpack's runtime,
when it starts, takes the chunks already registered as loaded and never asks for them. So the server sends
these scripts with the chunks the dashboards use written in front of them: the same code, in about 90 fewer
requests, and the browser spends about a quarter less CPU on a page (``benchmarks/page_trace.py``).

Which chunks: those a dashboard page of the installed versions loads (:data:`CHUNKS`). A chunk that is not
installed is left out, and one not listed is fetched by webpack as before, so the page works whatever the
installed versions are; only the saving depends on the list (``tests/browser/test_page_weight.py``
checks that a dashboard page asks for no chunk on its own). Chunks that :mod:`bpwidgets.frontend_patches`
corrects are written corrected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import lru_cache

from tornado.web import StaticFileHandler

from bpwidgets.frontend_patches import patched_content

__all__ = ["CHUNKS", "ServedContentFiles", "chunks_in_front", "served_content"]

VOILA = "voila"
"""The key of :data:`CHUNKS` for Voila's own bundle (``voila/static/voila.js`` and its ``<id>.voila.js``)."""
CHUNKS: dict[str, tuple[str, ...]] = {
    VOILA: ("5764", "8135", "3992", "9582", "8925", "7883", "7556", "6049", "1670", "6573", "3311", "4135", "1621",
            "3916", "3649", "8487", "9684", "4041", "143", "7155", "3144", "1601", "4972", "9890", "5312", "6468",
            "3459", "630", "5688", "2930", "73", "1187", "4173", "7483", "431", "3989", "8766", "9151", "4729",
            "6382", "5044", "7598", "9081", "7770", "3249", "4653", "8862", "9981", "5767", "4222", "8773", "3307",
            "6008", "8017", "457", "9212"),
    "@jupyter-widgets/jupyterlab-manager": ("7", "32", "84", "121", "160", "170", "452", "704", "718", "967"),
    "@voila-dashboards/widgets-manager8": ("496", "883"),
    "anywidget": ("2", "528"),
    "bqplot": ("87", "467", "501", "568", "662", "815", "830", "981"),
    "bqscales": ("122", "241", "394", "695", "765", "779", "801", "830", "884"),
}
"""The chunk ids each bundle's dashboard pages load (Voila 0.5, jupyterlab-manager 5, anywidget 0.11, bqplot
0.6), by labextension directory; Voila's own under :data:`VOILA`."""
REMOTE_ENTRY = re.compile(r"^remoteEntry\.[0-9a-f]{8,}\.js$")
LABEXTENSION_CHUNK = re.compile(r"^(\d+)\.[0-9a-f]{8,}\.js$")


def chunks_in_front(abspath: str) -> list[str]:
    """The chunk files served in front of the script at ``abspath``, in order (none for other files).

    Parameters
    ----------
    abspath
        Absolute path of a front-end file: Voila's ``voila.js``, a labextension's ``remoteEntry.<hash>.js``.

    Returns
    -------
    list of str
        Absolute paths of the installed chunks of :data:`CHUNKS` for that bundle.
    """
    folder, name = os.path.split(abspath)
    if name == "voila.js":
        paths = (os.path.join(folder, f"{chunk}.voila.js") for chunk in CHUNKS[VOILA])
        return [path for path in paths if os.path.isfile(path)]
    if not REMOTE_ENTRY.match(name) or os.path.basename(folder) != "static":
        return []
    package = next((p for p in CHUNKS if p != VOILA
                    and os.path.dirname(folder).replace(os.sep, "/").endswith(f"/{p}")), None)
    if package is None:
        return []
    by_id = {m.group(1): entry for entry in sorted(os.listdir(folder)) if (m := LABEXTENSION_CHUNK.match(entry))}
    return [os.path.join(folder, by_id[chunk]) for chunk in CHUNKS[package] if chunk in by_id]


def _read(abspath: str) -> bytes:
    content = patched_content(abspath)
    if content is None:
        with open(abspath, "rb") as file:
            content = file.read()
    return content


@lru_cache(maxsize=32)
def _combined(abspath: str, key: tuple[tuple[str, int, int], ...]) -> bytes:
    # keyed by every part's modification time and size, so that a reinstalled library is read again
    parts = [_read(path) for path, _, _ in key]
    # a newline and a semicolon between parts: a chunk ending in a comment or an unterminated statement cannot
    # run into the next
    return b"\n;".join(parts)


def _stats(paths: list[str]) -> Iterator[tuple[str, int, int]]:
    for path in paths:
        stat = os.stat(path)
        yield path, stat.st_mtime_ns, stat.st_size


def served_content(abspath: str) -> bytes | None:
    """What the server sends for the front-end file at ``abspath``: the chunks of :func:`chunks_in_front`, then
    the file; corrected where :mod:`bpwidgets.frontend_patches` corrects it; ``None`` where it is sent as it is.

    Parameters
    ----------
    abspath
        Absolute path of a file a front-end handler serves.

    Returns
    -------
    bytes or None
        The whole content to send.
    """
    chunks = chunks_in_front(abspath)
    if not chunks:
        return patched_content(abspath)
    try:
        key = tuple(_stats([*chunks, abspath]))
    except OSError:  # a part removed meanwhile: the file alone, its chunks fetched by the page
        return patched_content(abspath)
    return _combined(abspath, key)


class ServedContentFiles(StaticFileHandler):
    """A mixin for tornado static file handlers: files are sent as :func:`served_content` says, with that
    content's length (and the Etag of that content)."""

    @classmethod
    def get_content(cls, abspath: str, start: int | None = None, end: int | None = None) -> bytes | Iterator[bytes]:
        content = served_content(abspath)
        if content is None:
            return super().get_content(abspath, start, end)
        return content[start:end]

    def get_content_size(self) -> int:
        content = served_content(self.absolute_path)
        return super().get_content_size() if content is None else len(content)
