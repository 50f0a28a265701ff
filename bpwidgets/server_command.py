"""The command line that starts a lecture's server (:mod:`bpwidgets.serving`), and the names both sides share.

Kept apart from :mod:`bpwidgets.serving`, which imports Voila: the ``bpwidgets`` command builds this command
line without importing Voila itself, so that its URL is printed sooner.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["PAGES", "PASSWORD_VARIABLE", "TOKEN_VARIABLE", "WILDCARD_ADDRESSES", "pool_sizes", "pooled_kernels",
           "voila_command"]

TOKEN_VARIABLE = "BPWIDGETS_TOKEN"
PASSWORD_VARIABLE = "BPWIDGETS_HASHED_PASSWORD"
WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")
"""Addresses that bind every network interface of the machine."""
PAGES = {"lean": "bpwidgets-lean", "lab": "bpwidgets"}
"""The front ends a page can have, by the Voila template that gives it: ``lean``, a widget manager over the page's
kernel with the installed widget libraries (ipywidgets' controls and every library registered as a JupyterLab
widget extension, such as bqplot and anywidget), about a fifth less work for the browser; ``lab``, Voila's own
front end, a JupyterLab application that also renders what JupyterLab renders (formulas, other extensions)."""


def voila_command(port: int, open_browser: bool, cull_idle_timeout: int, directory: Path | str,
                  closed_page_grace: float = 10.0, theme: str = "light", *, ip: str = "127.0.0.1",
                  allow_hosts: Sequence[str] = (), max_kernels: int = 0, max_kernels_per_client: int = 0,
                  pool: Sequence[str] = ("1",), page: str = "lab") -> list[str]:
    """The command line serving ``directory`` (a folder or one notebook; code hidden, no tracebacks, closed and idle
    kernels freed) in the ``theme`` ('light' or 'dark') of Voila's lab template, on ``ip``, answering to the
    host names of ``ip`` and ``allow_hosts``, with at most ``max_kernels`` kernels in all and
    ``max_kernels_per_client`` per client address (0: no limit), keeping the pre-started kernels ``pool`` asks for
    ('N' for every notebook, 'NAME=N' for one; :func:`bpwidgets.kernel_pool.pool_sizes`), with the front end
    ``page`` (a key of :data:`PAGES`)."""
    if theme not in ("light", "dark"):
        raise ValueError(f"theme must be 'light' or 'dark', got {theme!r}")
    if page not in PAGES:
        raise ValueError(f"page must be one of {', '.join(PAGES)}, got {page!r}")
    if max_kernels < 0 or max_kernels_per_client < 0:
        raise ValueError(f"kernel limits must be 0 (no limit) or positive, got {max_kernels}, {max_kernels_per_client}")
    pool_sizes(pool)  # refuses a bad size here, not in the server's log
    command = [sys.executable, "-m", "bpwidgets.serving", str(directory), f"--port={port}",
               f"--Voila.ip={ip}", "--show_tracebacks=False", "--strip_sources=True",
               f"--ClosedPageKernelManager.closed_page_grace={closed_page_grace}",
               f"--ClosedPageKernelManager.max_kernels={max_kernels}",
               f"--ClosedPageKernelManager.max_kernels_per_client={max_kernels_per_client}",
               f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
               f"--MappingKernelManager.cull_interval={max(1, min(60, cull_idle_timeout // 2))}",
               "--MappingKernelManager.cull_connected=False", f"--theme={theme}",
               f"--VoilaConfiguration.template={PAGES[page]}"]
    command += [f"--DemoVoila.allow_hosts={host}" for host in allow_hosts]
    command += [f"--KernelPool.pool={size}" for size in pool]
    if not open_browser:
        command.append("--no-browser")
    return command


def pool_sizes(values: Iterable[str]) -> tuple[int, dict[str, int]]:
    """The pool sizes the ``--pool`` options ask for: ``N`` for every notebook, ``NAME=N`` for one (``NAME`` with
    or without ``.ipynb``). Returns (default, {notebook: size}); ValueError names the bad value."""
    default, sizes = 1, {}
    for value in values:
        name, _, count = value.rpartition("=")
        try:
            size = int(count)
        except ValueError:
            size = -1
        if size < 0 or (name == "" and "=" in value):
            raise ValueError(f"--pool {value}: give a number of kernels (0 or more), as N for every notebook or "
                             "NAME=N for one, e.g. --pool 2 or --pool gamma=20")
        if name:
            sizes[name if name.endswith(".ipynb") else f"{name}.ipynb"] = size
        else:
            default = size
    return default, sizes


def pooled_kernels(values: Iterable[str], notebooks: Iterable[str]) -> int:
    """How many kernels the ``--pool`` options keep pre-started for ``notebooks`` (names as served, e.g.
    ``gamma.ipynb``): they hold memory whether or not a page has taken them."""
    default, sizes = pool_sizes(values)
    return sum(sizes.get(name, default) for name in notebooks)
