"""MathJax only on pages that hold mathematics.

Voila's page loads MathJax 3 the first time anything asks for typesetting, and every widget view asks (a
label, a slider's description): a dashboard without a formula fetched, compiled and ran about 0.9 MB of script
in 16 requests, and typeset its widgets again at each change. A page whose notebook holds no TeX gets instead
a MathJax 2 typesetter whose script does nothing (``static/no_math.js``, sent by :class:`NoMathScriptHandler`):
Voila's page takes JupyterLab's bundled MathJax 3 where the page configuration's ``fullMathjaxUrl`` is null (its
default) and JupyterLab's MathJax 2 plugin, which loads its script from that URL, where it is set.

A notebook holds TeX when a cell's source or a text output has ``$...$``, ``$$``, ``\\(``, ``\\[`` or
``\\begin{``. Text built at run time from another module (a widget's label written elsewhere) is not seen: such
a notebook gets MathJax back with a TeX delimiter anywhere in its cells, a comment will do.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from tornado.web import RequestHandler

__all__ = ["NO_MATH_SCRIPT", "NO_MATH_URL", "NoMathScriptHandler", "has_math", "math_page_config_hook"]

NO_MATH_SCRIPT = Path(__file__).parent / "static" / "no_math.js"
"""The do-nothing typesetter."""
NO_MATH_URL = "/voila/bpwidgets/no_math.js"
"""Where the do-nothing typesetter is served, under the server's base URL."""
TEX = re.compile(r"\$\$|\$[^$\s][^$\n]*\$|\\\(|\\\[|\\begin\{")
TEXT_OUTPUTS = ("text/plain", "text/html", "text/markdown", "text/latex")


def _texts(notebook: dict):
    for cell in notebook.get("cells", []):
        yield _joined(cell.get("source", ""))
        for output in cell.get("outputs", []):
            yield _joined(output.get("text", ""))
            for kind in TEXT_OUTPUTS:
                yield _joined(output.get("data", {}).get(kind, ""))


def _joined(text: str | list[str]) -> str:
    return "".join(text) if isinstance(text, list) else text


@lru_cache(maxsize=256)
def _has_math(path: str, mtime_ns: int, size: int) -> bool:
    try:
        with open(path, encoding="utf-8") as file:
            notebook = json.load(file)
    except (OSError, ValueError):
        return True  # not a notebook this module reads (a script, a broken file): the page keeps MathJax
    return any(TEX.search(text) for text in _texts(notebook))


def has_math(notebook_path: str | os.PathLike) -> bool:
    """Whether the notebook at ``notebook_path`` holds TeX in a cell's source or a text output.

    Parameters
    ----------
    notebook_path
        Path of an ``.ipynb`` file; what cannot be read as one counts as holding TeX.

    Returns
    -------
    bool
        ``True`` where the page needs MathJax.
    """
    try:
        stat = os.stat(notebook_path)
    except OSError:
        return True
    return _has_math(os.fspath(notebook_path), stat.st_mtime_ns, stat.st_size)


def math_page_config_hook(page_config: dict[str, Any], base_url: str, settings: dict[str, Any], *args: Any,
                          notebook_path: str = "", **kwargs: Any) -> dict[str, Any]:
    """A Voila ``page_config_hook``: a page whose notebook holds no TeX gets the do-nothing typesetter.

    Parameters
    ----------
    page_config
        The page configuration Voila made.
    base_url
        The server's base URL.
    settings
        The server's settings; its contents manager's ``root_dir`` is where ``notebook_path`` starts.
    args, kwargs
        Voila's other arguments (log, configuration), not used.
    notebook_path
        The notebook the page shows, relative to the served folder.

    Returns
    -------
    dict
        The page configuration, ``fullMathjaxUrl`` naming the do-nothing typesetter where there is no TeX.
    """
    root = getattr(settings.get("contents_manager"), "root_dir", "")
    if notebook_path and not has_math(os.path.join(root, notebook_path)):
        page_config = {**page_config, "fullMathjaxUrl": url_path_join(base_url, NO_MATH_URL),
                       "mathjaxConfig": "none"}
    return page_config


class NoMathScriptHandler(RequestHandler):
    """Sends the do-nothing typesetter (:data:`NO_MATH_SCRIPT`), kept by the browser for a day."""

    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=UTF-8")
        self.set_header("Cache-Control", "public, max-age=86400")
        self.finish(_script())


@lru_cache(maxsize=1)
def _script() -> bytes:
    return NO_MATH_SCRIPT.read_bytes()
