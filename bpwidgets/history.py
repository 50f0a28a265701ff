"""History: the passes of an explorer, each kept as the network snapshot it started from, to step between."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Moment", "History", "HISTORY_LIMIT"]

HISTORY_LIMIT = 50
"""Moments kept; the oldest go first (each holds a copy of the network's state)."""


@dataclass(frozen=True)
class Moment:
    """One completed pass: the snapshot it started from and the explorer's control values then."""

    snapshot: Any
    values: dict[str, Any] = field(default_factory=dict)


class History:
    """Moments in the order they happened, with a cursor that steps back and forward.

    Recording a moment after stepping back drops the moments ahead of the cursor, as an editor's undo does.
    """

    def __init__(self, limit: int = HISTORY_LIMIT):
        self.limit = int(limit)
        self.moments: list[Moment] = []
        self.cursor = -1

    def record(self, moment: Moment) -> None:
        """Add ``moment`` after the cursor and move onto it."""
        self.moments = self.moments[:self.cursor + 1] + [moment]
        self.moments = self.moments[-self.limit:]
        self.cursor = len(self.moments) - 1

    @property
    def can_back(self) -> bool:
        """A moment lies before the cursor."""
        return self.cursor > 0

    @property
    def can_forward(self) -> bool:
        """A moment lies after the cursor."""
        return self.cursor < len(self.moments) - 1

    def back(self) -> Moment | None:
        """Step to the previous moment and return it (None at the first)."""
        if not self.can_back:
            return None
        self.cursor -= 1
        return self.moments[self.cursor]

    def forward(self) -> Moment | None:
        """Step to the next moment and return it (None at the last)."""
        if not self.can_forward:
            return None
        self.cursor += 1
        return self.moments[self.cursor]

    def describe(self) -> str:
        """Where the cursor is, as 'run 2 of 5'."""
        return f"run {self.cursor + 1} of {len(self.moments)}" if self.moments else "no runs yet"
