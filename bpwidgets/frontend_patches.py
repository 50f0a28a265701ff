"""Front-end files of widget libraries served with their two-second deadlines raised.

Two parts of a widget page give up after two seconds of wall-clock time, and a page whose main thread is busy
(twenty pages opening at once on a few cores, a slow laptop) passes those two seconds before the work is done:

- anywidget (0.11) gives each widget model two seconds from its creation to import its module and bind it;
  after that the model is rejected for good (``[anywidget] Failed to initialize model.`` in the console), its
  messages are dropped and its views never draw;
- the widget manager (``@jupyter-widgets/jupyterlab-manager`` 5) waits two seconds for a view's model to be
  registered, then shows ``Error displaying widget: model not found``.

The files holding those deadlines are served with them raised to two minutes; nothing else in them changes.

Each correction names the text it replaces exactly. A file that holds the correction's marker but not its text
exactly once (a new release written differently) is served unchanged, with a warning in the server's log, so
that a change upstream never breaks the pages. The corrected text is what the server sends under the file's
name (and its length is the one announced), so a browser keeps the corrected file under that name.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["FrontendPatch", "PATCHES", "patched_content", "unmatched_patches"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrontendPatch:
    """One correction of a labextension's front-end files.

    Parameters
    ----------
    package
        The labextension's directory (``anywidget``, ``@jupyter-widgets/jupyterlab-manager``); only the ``.js``
        files directly under ``<package>/static/`` are read.
    marker
        A text that says a file holds the code to correct; files without it are served as they are.
    pattern
        A regular expression matching the code to correct; it must match exactly once in a marked file.
    replacement
        What replaces the match (``re.sub`` syntax).
    why
        One line for the log.
    """

    package: str
    marker: str
    pattern: str
    replacement: str
    why: str

    def applies_to(self, abspath: str) -> bool:
        folder, _, name = abspath.replace(os.sep, "/").rpartition("/")
        return name.endswith(".js") and folder.endswith(f"/{self.package}/static")

    def apply(self, text: str, name: str) -> str:
        """``text`` corrected, or unchanged (with a warning) where the expected code is not there once."""
        if self.marker not in text:
            return text
        corrected, count = re.subn(self.pattern, self.replacement, text)
        if count != 1:
            log.warning("%s: expected the code to correct (%s) once, found it %d times; serving the file "
                        "unchanged (%s)", name, self.why, count, self.package)
            return text
        log.info("%s: %s", name, self.why)
        return corrected


INIT_DEADLINE_MS = 120_000
"""How long a widget model may take to import and bind its module before anywidget gives it up, and how long
a view waits for its model to be created before the widget manager gives up."""

PATCHES = (
    FrontendPatch(
        package="anywidget",
        marker="[anywidget] Failed to initialize model.",
        pattern=(r'AbortSignal\.timeout\(2000\)(\.addEventListener\(\s*"abort",\s*function\s*\(\)\s*\{\s*'
                 r'resolvers\.reject\(\s*new Error\(\s*"\[anywidget\] Failed to initialize model\."\s*\)\s*\)\s*;?'
                 r'\s*\}\s*\))'),
        replacement=rf"AbortSignal.timeout({INIT_DEADLINE_MS})\1",
        why=f"a widget model's initialization deadline raised from 2 s to {INIT_DEADLINE_MS // 1000} s",
    ),
    # The widget manager (jupyterlab-manager 5) renders a view whose model is not yet registered by polling
    # for it for 2 s of wall-clock time, then shows "Error displaying widget: model not found".
    FrontendPatch(
        package="@jupyter-widgets/jupyterlab-manager",
        marker="widget model not found",
        pattern=(r"(async get_model\((\w+)\)\{let (\w+)=this\._models\[\2\];if\(void 0===\3\)\{"
                 r"let (\w+)=Date\.now\(\);for\(;Date\.now\(\)-\4<)2e3(;\))"),
        replacement=rf"\g<1>{INIT_DEADLINE_MS}\g<5>",
        why=f"a view's wait for its model raised from 2 s to {INIT_DEADLINE_MS // 1000} s",
    ),
)


@lru_cache(maxsize=64)
def _corrected(abspath: str, mtime_ns: int, size: int) -> bytes | None:
    # keyed by the file's modification time and size, so that a reinstalled library is read again
    patches = [patch for patch in PATCHES if patch.applies_to(abspath)]
    if not patches:
        return None
    with open(abspath, "rb") as file:
        original = file.read()
    text = original.decode("utf-8")
    for patch in patches:
        text = patch.apply(text, os.path.basename(abspath))
    content = text.encode("utf-8")
    return None if content == original else content


def patched_content(abspath: str) -> bytes | None:
    """The corrected content of the front-end file at ``abspath``, or ``None`` where it is served as it is.

    Parameters
    ----------
    abspath
        Absolute path of a file a labextension handler serves.

    Returns
    -------
    bytes or None
        The whole corrected file; ``None`` when no correction applies or its code was not found.
    """
    if not abspath.endswith(".js"):
        return None
    try:
        stat = os.stat(abspath)
    except OSError:
        return None
    return _corrected(abspath, stat.st_mtime_ns, stat.st_size)


def unmatched_patches(roots: Iterable[str]) -> list[str]:
    """Warn about each correction whose package is installed under ``roots`` but none of whose files holds its
    marker (a release that rewrote the code around the deadline: it is served as it is).

    Parameters
    ----------
    roots
        The directories the labextension handler serves from, in its search order.

    Returns
    -------
    list of str
        One line per such correction, also logged as a warning.
    """
    lines = []
    for patch in PATCHES:
        static = next((Path(root) / patch.package / "static" for root in roots
                       if (Path(root) / patch.package / "static").is_dir()), None)
        if static is None:
            continue
        if not any(patch.marker in path.read_text(errors="replace") for path in static.glob("*.js")):
            lines.append(f"{patch.package}: no front-end file under {static} holds {patch.marker!r}; it is served "
                         f"unchanged, without this correction: {patch.why}")
            log.warning("%s", lines[-1])
    return lines
