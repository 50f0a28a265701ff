"""Front-end files whose names carry their content's hash, served so that a browser keeps them.

Voila serves the widget libraries' front ends (``voila/labextensions/...``) with ``Cache-Control: no-cache``:
a browser that has them asks again for each of them on every page (about 40 requests per dashboard) and
waits for the answers. Files named by their content's hash (``remoteEntry.<hash>.js``, ``<chunk>.<hash>.js``)
never change under their name, so they are served as immutable for a year; a new version of a library
comes with new names. Files without a hash in their name (``style.js``, ``package.json``) keep Voila's
``no-cache``.

Files that :mod:`bpwidgets.frontend_patches` corrects are served corrected, and ``remoteEntry`` scripts with
the chunks the dashboards load in front of them (:mod:`bpwidgets.combined_scripts`), with that length, under
their own name: that is the content a browser keeps under that name from this server. Text files are sent
gzip-compressed to browsers that accept it (:mod:`bpwidgets.compressed_files`), corrected ones too.
"""

from __future__ import annotations

import re

from jupyter_server.base.handlers import FileFindHandler

from bpwidgets.combined_scripts import ServedContentFiles
from bpwidgets.compressed_files import GzipFiles

__all__ = ["HASHED_NAME", "HashedFileHandler", "PatchedFileHandler"]

HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.(js|css|woff2?|ttf|eot|svg|png|wasm)$")
"""A file name with a hexadecimal content hash of 8 digits or more before its extension."""

IMMUTABLE = "public, max-age=31536000, immutable"


class PatchedFileHandler(ServedContentFiles, FileFindHandler):
    """Voila's handler of front-end extension files, with the files :mod:`bpwidgets.frontend_patches` corrects
    sent corrected and the widget libraries' ``remoteEntry`` scripts with their chunks in front of them
    (:mod:`bpwidgets.combined_scripts`)."""


class HashedFileHandler(GzipFiles, PatchedFileHandler):
    """Voila's handler of front-end extension files, with files named by their content's hash kept a year,
    corrected files sent corrected and text sent compressed."""

    def set_headers(self) -> None:
        super().set_headers()
        if HASHED_NAME.search(self.request.path):
            self.set_header("Cache-Control", IMMUTABLE)
