"""Front-end files sent gzip-compressed to browsers that accept it, each file compressed once.

A dashboard's page loads about 6 MiB of JavaScript, CSS and JSON (Voila's and JupyterLab's bundles, the widget
libraries' front ends); compressed, it is about a third of that, which matters when twenty devices load their
pages over one room's Wi-Fi. Tornado's ``compress_response`` setting compresses every response again for every
request; the files here never change while the server runs, so each is compressed once, at the highest level,
and kept (keyed by its modification time and size, so that a reinstalled library is read again). Responses the
server makes itself (the page, the API) are left to ``compress_response``.

The compressed bytes are the response's representation: ``Content-Length``, byte ranges and the ``Etag``
(which gets a ``-gzip`` suffix, so that a cache never takes one encoding for the other) are those of the
compressed file. Files are compressed as they are served (:mod:`bpwidgets.combined_scripts`): corrected, and
with the chunks written in front of them.
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache
from http.client import responses

from tornado.web import GZipContentEncoding, HTTPError, StaticFileHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

from bpwidgets.combined_scripts import ServedContentFiles, served_content

__all__ = ["GzipFiles", "GzipMultiStaticFileHandler", "GzipTemplateStaticFileHandler", "gzipped_file"]

MIN_LENGTH = GZipContentEncoding.MIN_LENGTH
"""Files shorter than this (bytes) are sent as they are: the gzip header and a round trip's worth of bytes
would outweigh what compression saves."""
GZIP_LEVEL = 9
"""Compressed once per file, so the slowest and smallest level (tornado uses 6 for each response)."""


def compressible(content_type: str) -> bool:
    """Whether a response of ``content_type`` is worth compressing (text, scripts, JSON, SVG; not fonts or
    images, which are compressed already)."""
    media_type = content_type.split(";")[0].strip()
    return media_type.startswith("text/") or media_type in GZipContentEncoding.CONTENT_TYPES


@lru_cache(maxsize=1024)
def _gzipped(abspath: str, mtime_ns: int, size: int) -> bytes:
    content = served_content(abspath)
    if content is None:
        with open(abspath, "rb") as file:
            content = file.read()
    # mtime=0: the same file gives the same bytes after a restart, as its Etag promises
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


def gzipped_file(abspath: str, mtime_ns: int, size: int) -> bytes:
    """The gzip-compressed content the server sends for the front-end file at ``abspath``
    (:func:`bpwidgets.combined_scripts.served_content`), compressed on first use and kept.

    Parameters
    ----------
    abspath
        Absolute path of the file.
    mtime_ns, size
        The file's modification time and size, the cache's key besides the path: a changed file is read again.

    Returns
    -------
    bytes
        A complete gzip stream.
    """
    return _gzipped(abspath, mtime_ns, size)


class GzipFiles(StaticFileHandler):
    """A mixin for tornado static file handlers: the file is sent gzip-compressed (compressed once) when the
    request accepts gzip and the file is text of at least :data:`MIN_LENGTH` bytes; otherwise as it is."""

    def set_headers(self) -> None:
        super().set_headers()
        body = self._compressed_body()
        if body is None:
            return
        self.set_header("Content-Encoding", "gzip")
        if GZipContentEncoding not in self.application.transforms:  # which adds it otherwise
            self.set_header("Vary", "Accept-Encoding")
        etag = self._headers.get("Etag")
        if etag:
            self.set_header("Etag", f'{etag[:-1]}-gzip"' if etag.endswith('"') else f"{etag}-gzip")
        # get_content is a classmethod (its class-level use computes the file's version hash); this request's
        # body is the compressed file, so this instance's lookups find it first
        self.get_content = lambda abspath, start=None, end=None: body[start:end]
        self._gzip_size = len(body)

    def get_content_size(self) -> int:
        size = getattr(self, "_gzip_size", None)
        return super().get_content_size() if size is None else size

    def _compressed_body(self) -> bytes | None:
        if "gzip" not in self.request.headers.get("Accept-Encoding", ""):
            return None
        if not compressible(str(self._headers.get("Content-Type", ""))):
            return None
        if super().get_content_size() < MIN_LENGTH:
            return None
        stat = self._stat()
        return gzipped_file(self.absolute_path, stat.st_mtime_ns, stat.st_size)


class GzipMultiStaticFileHandler(GzipFiles, ServedContentFiles, MultiStaticFileHandler):
    """Voila's handler of ``voila/static/`` (its bundles), with files sent compressed, ``voila.js`` with the
    chunks its pages load in front of it (:mod:`bpwidgets.combined_scripts`)."""


class GzipTemplateStaticFileHandler(GzipFiles, TemplateStaticFileHandler):
    """Voila's handler of ``voila/templates/<name>/static/``, with files sent compressed.

    A path not of that form is a 404: Voila's handler asserts its form, so anyone on the network could make a
    500 and a traceback in the lecturer's log. Errors are answered in plain text: Jupyter's error page needs a
    ``static_path`` setting that Voila's application lacks, so rendering it failed into a 500 too."""

    def parse_url_path(self, path: str) -> str:
        parts = os.path.normpath(path).split(os.path.sep, 2)  # the form Voila's get_absolute_path asserts
        if len(parts) != 3 or parts[1] != "static" or parts[0] in (os.curdir, os.pardir):
            raise HTTPError(404)
        return super().parse_url_path(path)

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code}: {responses.get(status_code, 'Error')}")
