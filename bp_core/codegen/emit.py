"""Writing a finished tree as source, with the line map that leads every generated line back to its origin.

``emit_function`` prints one statement at a time (compound statements header by header), so it
knows which user line each generated line came from. ``LineMap`` collects these for a whole
generated module; errors look their line up there.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bp_core.codegen.tree import origin

__all__ = ["LineOrigin", "LineMap", "Comment", "emit_function"]

_INDENT = "    "


@dataclass(frozen=True)
class LineOrigin:
    """Where a generated line came from.

    Attributes
    ----------
    file : str
        The user's source file.
    line : int
        Line in that file.
    step : str
        The step function.
    owner : str
        The object it ran for, as messages name it.
    function : str
        The generated function.
    """

    file: str
    line: int
    step: str
    owner: str
    function: str

    def where(self) -> str:
        """``'<file>, line <n>'`` for messages."""
        return f"{self.file}, line {self.line}"


class LineMap:
    """Generated line number (1-based, in the module's source) -> ``LineOrigin``."""

    def __init__(self) -> None:
        self._origins: dict[int, LineOrigin] = {}

    def add(self, first_line: int, lines: list[int | None], file: str, step: str, owner: str, function: str
            ) -> None:
        """Record a function whose line ``k`` (0-based) came from user line ``lines[k]``."""
        for k, line in enumerate(lines):
            if line is not None:
                self._origins[first_line + k] = LineOrigin(file, line, step, owner, function)

    def set(self, number: int, where: LineOrigin) -> None:
        """Record that generated line ``number`` came from ``where``."""
        self._origins[number] = where

    def get(self, number: int) -> LineOrigin | None:
        """Origin of generated line ``number``, if it came from user code."""
        return self._origins.get(number)

    def __len__(self) -> int:
        return len(self._origins)


class Comment(ast.stmt):
    """A statement the emitter prints as a one-line comment (``text`` must hold no newline)."""

    _fields = ("text",)

    def __init__(self, text: str = "", **attributes: object) -> None:
        # pickle rebuilds an AST node as ``cls()`` and then sets its fields
        super().__init__(**attributes)
        self.text = text


def emit_function(name: str, args: list[str], doc: str, statements: list[ast.stmt]
                  ) -> tuple[str, list[int | None]]:
    """The source of ``def name(args)`` with ``statements`` as its body, and each line's user line."""
    lines = [f"def {name}({', '.join(args)}):", f'{_INDENT}"""{doc}"""']
    origins: list[int | None] = [None, None]
    _emit(statements or [ast.Pass()], 1, lines, origins)
    return "\n".join(lines) + "\n", origins


def _emit(statements: list[ast.stmt], depth: int, lines: list[str], origins: list[int | None]) -> None:
    pad = _INDENT * depth
    for stmt in statements:
        ast.fix_missing_locations(stmt)
        line = origin(stmt)
        if isinstance(stmt, ast.For):
            _header(f"for {ast.unparse(stmt.target)} in {ast.unparse(stmt.iter)}:", pad, line, lines, origins)
            _emit(stmt.body, depth + 1, lines, origins)
            _else(stmt.orelse, depth, line, lines, origins)
        elif isinstance(stmt, ast.While):
            _header(f"while {ast.unparse(stmt.test)}:", pad, line, lines, origins)
            _emit(stmt.body, depth + 1, lines, origins)
            _else(stmt.orelse, depth, line, lines, origins)
        elif isinstance(stmt, ast.If):
            _header(f"if {ast.unparse(stmt.test)}:", pad, line, lines, origins)
            _emit(stmt.body, depth + 1, lines, origins)
            while len(stmt.orelse) == 1 and isinstance(stmt.orelse[0], ast.If):
                stmt = stmt.orelse[0]
                _header(f"elif {ast.unparse(stmt.test)}:", pad, origin(stmt), lines, origins)
                _emit(stmt.body, depth + 1, lines, origins)
            _else(stmt.orelse, depth, origin(stmt), lines, origins)
        elif isinstance(stmt, Comment):
            _header(f"# {stmt.text}", pad, line, lines, origins)
        else:  # simple statements; other compound ones map all their lines to where they start
            for text in ast.unparse(stmt).split("\n"):
                _header(text, pad, line, lines, origins)


def _header(text: str, pad: str, line: int | None, lines: list[str], origins: list[int | None]) -> None:
    lines.append(pad + text)
    origins.append(line)


def _else(orelse: list[ast.stmt], depth: int, line: int | None, lines: list[str], origins: list[int | None]) -> None:
    if orelse:
        _header("else:", _INDENT * depth, line, lines, origins)
        _emit(orelse, depth + 1, lines, origins)
