"""The warm-up board: what the background warm-up (:mod:`bpwidgets.warmup`) is doing, shared with the server and
its kernels through a folder.

``bpwidgets serve`` and ``demo`` start the server first and warm the cold notebooks behind it, so the URL answers
at once on a fresh install too. The board tells the server's pre-started kernels of a notebook to wait for its
warm-up (they would otherwise compile the same models beside it), lets a page that asks for a notebook still
queued have its kernel run it at once (the warm-up then takes it last, with its models compiled), and lets the
gallery show which pages are still being prepared.

Each notebook has one small file holding its state, written whole (a new file renamed over the old one), so a
reader never sees half a write. The folder is named by the environment variable :data:`BOARD_ENV`, which the
server's kernels inherit.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

__all__ = ["BOARD_ENV", "PENDING", "WarmBoard"]

BOARD_ENV = "BPWIDGETS_WARM_BOARD"
"""The environment variable naming the board's folder."""
PENDING = ("queued", "warming")
"""States of a notebook whose warm-up has not ended."""
STATES = (*PENDING, "warm", "failed", "skipped")


class WarmBoard:
    """The board in folder ``path`` (made if missing).

    Parameters
    ----------
    path : str or Path
        The folder shared by the warm-up process, the server and the kernels.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_environment(cls) -> "WarmBoard | None":
        """The board :data:`BOARD_ENV` names, or None where no warm-up runs."""
        path = os.environ.get(BOARD_ENV)
        return cls(path) if path and Path(path).is_dir() else None

    @staticmethod
    def _key(notebook: str | os.PathLike) -> str:
        return hashlib.sha256(str(Path(notebook).resolve()).encode()).hexdigest()[:24]

    def _write(self, name: str, content: str) -> None:
        partial = self.path / f".{name}.{os.getpid()}"
        partial.write_text(content)
        os.replace(partial, self.path / name)

    def announce(self, notebooks: Iterable[str | os.PathLike]) -> None:
        """Record ``notebooks`` as queued for warm-up (before the server starts, so it sees them at once)."""
        for notebook in notebooks:
            self.set(notebook, "queued")

    def set(self, notebook: str | os.PathLike, state: str) -> None:
        """Record ``state`` (one of :data:`STATES`) for ``notebook``."""
        if state not in STATES:
            raise ValueError(f"WarmBoard.set: state must be one of {', '.join(STATES)}, got {state!r}")
        self._write(f"{self._key(notebook)}.state",
                    json.dumps({"notebook": str(Path(notebook).resolve()), "state": state}))

    def states(self) -> dict[str, str]:
        """Every notebook on the board (resolved path) and its state."""
        found = {}
        for file in self.path.glob("*.state"):
            try:
                entry = json.loads(file.read_text())
            except (OSError, ValueError):  # removed meanwhile
                continue
            found[entry["notebook"]] = entry["state"]
        return found

    def state(self, notebook: str | os.PathLike) -> str | None:
        """The state of ``notebook``, or None if it is not on the board."""
        try:
            return json.loads((self.path / f"{self._key(notebook)}.state").read_text())["state"]
        except (OSError, ValueError):
            return None

    def pending(self, notebook: str | os.PathLike) -> bool:
        """Whether ``notebook``'s warm-up is queued or running (and the warm-up has not ended)."""
        return self.state(notebook) in PENDING and not self.ended

    def want(self, notebook: str | os.PathLike) -> None:
        """A page waits for ``notebook``: if its warm-up has not started, the page's own kernel compiles it now
        (:meth:`taken_by_page`) and the warm-up takes it last."""
        self._write(f"{self._key(notebook)}.wanted", str(Path(notebook).resolve()))

    def wanted(self, notebook: str | os.PathLike) -> bool:
        """Whether a page has asked for ``notebook``."""
        return (self.path / f"{self._key(notebook)}.wanted").exists()

    def taken_by_page(self, notebook: str | os.PathLike) -> bool:
        """Whether a page asked for ``notebook`` before its warm-up started: the server's kernel runs it at once
        instead of waiting for the warm-ups queued before it (one running may take as long again)."""
        return self.state(notebook) == "queued" and self.wanted(notebook) and not self.ended

    def next_of(self, remaining: list[Path]) -> Path:
        """Which of ``remaining`` to warm next: the first no page has asked for (a page's kernel compiles the
        others), else the first."""
        for notebook in remaining:
            if not self.wanted(notebook):
                return notebook
        return remaining[0]

    def end(self) -> None:
        """The warm-up has ended (finished, failed or stopped): nothing is pending any more."""
        for notebook, state in self.states().items():
            if state in PENDING:
                self.set(notebook, "skipped")
        self._write("ended", "")

    @property
    def ended(self) -> bool:
        """Whether :meth:`end` was called."""
        return (self.path / "ended").exists()
