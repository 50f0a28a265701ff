"""Warming up for a lecture: each served notebook is executed once, in its own kernel, behind the server.

The first open of a dashboard compiles its simulation kernels (up to a minute and a half for the
Hodgkin-Huxley neuron on a slow machine); numba's on-disk cache then serves every later kernel. Executing
the notebook the way Voila does, and waiting for the passes its live runners started, fills that cache.

The warm-up's kernels also record the first pass of every live runner that shares it (a dashboard's; see
:mod:`bpwidgets.first_pass`), so that the server's kernels stream that pass instead of simulating it.

A notebook is warmed once per content and installed version: a marker in :func:`marker_dir` records it, so a
second ``bpwidgets demo`` warms nothing. The command starts the server first and this warm-up behind it; the
warm-up reports on the board (:mod:`bpwidgets.warm_board`) named by its environment, where the server's
pre-started kernels wait for their notebook's warm-up and a page waiting for a notebook moves it to the front.

Run as ``python -m bpwidgets.warmup NOTEBOOK...``; progress goes to stderr.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Iterable

from bpwidgets.first_pass import FORMAT as FIRST_PASS_FORMAT
from bpwidgets.first_pass import RECORD_ENV, cache_root
from bpwidgets.warm_board import WarmBoard

__all__ = ["FINISH_PASSES", "NICENESS", "cold_notebooks", "marker_dir", "notebooks_in", "warm", "warm_all", "main"]

CELL_TIMEOUT = 600
KERNEL_STARTUP_TIMEOUT = 300
PASS_TIMEOUT = 300
NICENESS = 5
"""Added to the warm-up's niceness: pages being opened (and the gallery) go first where they compete for a core."""
FINISH_PASSES = f"""\
import asyncio as _asyncio
import gc as _gc
import time as _time
from bpwidgets.runner import LiveRunner as _LiveRunner
# the cells returned while live runners compute on their threads: their first pass is what compiles. The
# cell awaits, so that the kernel's event loop takes the runners' frames (they wait for it between chunks)
_deadline = _time.monotonic() + {PASS_TIMEOUT}
for _runner in [_o for _o in _gc.get_objects() if isinstance(_o, _LiveRunner)]:
    while not _runner.wait(0) and _time.monotonic() < _deadline:
        await _asyncio.sleep(0.2)
"""
"""The cell run after a notebook's own: it waits for the passes of every :class:`~bpwidgets.runner.LiveRunner`."""


def marker_dir() -> Path:
    """Where warm notebooks are recorded: ``BPWIDGETS_CACHE_DIR``, else ``~/.cache/bpwidgets``, ``/warm``."""
    return cache_root() / "warm"


def notebooks_in(path: Path) -> list[Path]:
    """The notebooks served from ``path`` (one notebook, or a folder's, checkpoints left out), sorted."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _marker(notebook: Path) -> Path:
    # with the layout of recorded first passes: a notebook warmed before they were recorded is warmed once more
    versions = [metadata.version("bpwidgets"), sys.executable, os.environ.get("BP_CORE_CACHE_DIR", ""),
                f"first passes {FIRST_PASS_FORMAT}"]
    digest = hashlib.sha256(notebook.read_bytes() + "\0".join(versions).encode()).hexdigest()[:32]
    return marker_dir() / digest


def cold_notebooks(notebooks: Iterable[Path]) -> list[Path]:
    """Those of ``notebooks`` not yet warmed with this content and this installation."""
    return [notebook for notebook in notebooks if not _marker(notebook).exists()]


def warm(notebook: Path) -> float:
    """Execute ``notebook`` in a new kernel (in its folder), finish its live passes (recording the shared first
    passes), record it warm; returns the seconds taken. A failing cell raises nbclient's error and leaves the
    notebook cold."""
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    start = time.monotonic()
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(FINISH_PASSES))
    with tempfile.TemporaryDirectory(prefix="bpwidgets-") as sockets:
        # Unix sockets as the server's kernels use; an absolute path, as the kernel runs in the notebook's folder
        config = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "kernel")}})
        NotebookClient(nb, timeout=CELL_TIMEOUT, startup_timeout=KERNEL_STARTUP_TIMEOUT, config=config,
                       kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
                       resources={"metadata": {"path": str(notebook.parent)}}).execute(
            env={**os.environ, RECORD_ENV: "1"})
    marker = _marker(notebook)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{notebook}\n")
    return time.monotonic() - start


def _interrupt(signum: int, frame) -> None:
    # SIGTERM as an exception: nbclient then shuts the kernel it started down instead of leaving it behind
    raise KeyboardInterrupt


def warm_all(notebooks: Iterable[Path], board: WarmBoard | None = None) -> int:
    """Warm each of ``notebooks``, reporting on stderr and on ``board`` (a notebook a page waits for first);
    returns 1 if any failed (none stops the others), 130 when interrupted. The board is ended in any case."""
    remaining, failed = list(notebooks), 0
    try:
        while remaining:
            notebook = board.next_of(remaining) if board is not None else remaining[0]
            remaining.remove(notebook)
            print(f"warming up {notebook.name} (compiling its models once)...", file=sys.stderr, flush=True)
            if board is not None:
                board.set(notebook, "warming")
            try:
                seconds = warm(notebook)
            except KeyboardInterrupt:
                return 130
            except Exception as err:  # noqa: BLE001 - reported; the notebook is served anyway and shows its error
                failed = 1
                print(f"  {notebook.name}: warm-up failed ({type(err).__name__}: {str(err).strip()[:300]}); its "
                      "first page will show the error", file=sys.stderr, flush=True)
                if board is not None:
                    board.set(notebook, "failed")
            else:
                print(f"  {notebook.name}: warm in {seconds:.1f} s", file=sys.stderr, flush=True)
                if board is not None:
                    board.set(notebook, "warm")
    finally:
        if board is not None:
            board.end()
    return failed


def main(argv: list[str] | None = None) -> int:
    """Warm the notebooks named in ``argv`` (see :func:`warm_all`) on the board of the environment, if any, at a
    lower priority; SIGTERM interrupts as SIGINT does."""
    signal.signal(signal.SIGTERM, _interrupt)
    os.nice(NICENESS)
    return warm_all([Path(name) for name in (argv if argv is not None else sys.argv[1:])],
                    WarmBoard.from_environment())


if __name__ == "__main__":
    sys.exit(main())
