"""The notebook code cells of the BrainPy 0.3 documentation, grouped by the page a reader runs them on.

The documentation's text dump marks each notebook cell with its execution count (``[12]:``) on a line of
its own, followed by a blank line and the code; what follows the code (printed output, images, prose) is
not Python. A cell is therefore the longest run of blank-line separated paragraphs after its marker that
parses as Python. Cells of one page share one namespace, in the order the page shows them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path


#: Page titles of the documentation, in the order of its table of contents, plus the two example pages
#: at its end. A page runs from its title line to the next page's title.
PAGE_TITLES = (
    "BrainPy Quickstart",
    "Build Neurons",
    "Build Synapses",
    "Build Network",
    "Dynamics Analysis",
    "Differential Equations",
    "Numerical Integrators",
    "Debugging",
    "Repeat Mode of Network",
    "Tips on JIT Programming",
    "How BrainPy Works",
    "Usage of connect module",
    "Usage of inputs module",
    "brainpy.profile package",
    "HH model in ANNarchy",
    "Gap junction model between LIF neurons",
)

_MARKER = re.compile(r"^\[\s*(\d*)\]:\s*$")
_HEADING = re.compile(r"^[A-Za-z_][\w.]*$")


@dataclass
class Cell:
    """One code cell: its execution count, first line in the text (1-based) and source."""

    count: str
    line: int
    source: str
    #: The value the page shows under the cell (its trailing expression's repr), if any.
    output: str | None = None


@dataclass
class Page:
    """One documentation page and its code cells."""

    title: str
    line: int
    cells: list[Cell] = field(default_factory=list)


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def _cell_source(lines: list[str], start: int) -> str:
    """The longest run of paragraphs from ``start`` (0-based) that parses, up to the next marker."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for text in lines[start:]:
        if _MARKER.match(text):
            break
        if text.strip():
            current.append(text)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    taken: list[str] = []
    for paragraph in paragraphs:
        if taken and len(paragraph) == 1 and _HEADING.match(paragraph[0]):
            break  # a section title such as "brainpy.SynType" parses as a name
        candidate = "\n".join(taken + ([""] if taken else []) + paragraph)
        if not _parses(candidate):
            break
        taken = candidate.split("\n")
    return "\n".join(taken)


def _ends_in_expression(source: str) -> bool:
    body = ast.parse(source).body
    return bool(body) and isinstance(body[-1], ast.Expr)


def _title_lines(lines: list[str]) -> list[tuple[str, int]]:
    """Where each page title stands as a line of its own, after the table of contents."""
    found: list[tuple[str, int]] = []
    after = 80  # the table of contents lists the titles before the first page
    for title in PAGE_TITLES:
        for i in range(after, len(lines)):
            if lines[i].strip() == title:
                found.append((title, i))
                after = i + 1
                break
    return found


def read_pages(path: Path) -> list[Page]:
    """Every page with at least one code cell, each with its cells in order; sources use ``brainpy``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    titles = _title_lines(lines)
    bounds = [(t, i, titles[k + 1][1] if k + 1 < len(titles) else len(lines)) for k, (t, i) in enumerate(titles)]
    pages: list[Page] = []
    for title, first, end in bounds:
        page = Page(title, first + 1)
        for i in range(first, end):
            m = _MARKER.match(lines[i])
            if m:
                source = _cell_source(lines, i + 1)
                if not source.strip():
                    continue
                last = page.cells[-1] if page.cells else None
                if last is not None and last.count == m.group(1) and _ends_in_expression(last.source):
                    last.output = source  # the shown value of the cell above, under the same count
                else:
                    page.cells.append(Cell(m.group(1), i + 1, source))
        if page.cells:
            pages.append(page)
    return pages


def as_bp_core(source: str) -> str:
    """The cell with only the import changed, as the product's contract states."""
    return re.sub(r"^(\s*)import brainpy as bp\b", r"\1import bp_core as bp", source, flags=re.M)


def write_cells(spec: Path, out: Path) -> None:
    """Store every page's cells as JSON, so the tests run without the documentation text."""
    import json

    pages = [
        {"title": p.title, "line": p.line,
         "cells": [{"count": c.count, "line": c.line, "source": c.source, "output": c.output} for c in p.cells]}
        for p in read_pages(spec)
    ]
    out.write_text(json.dumps(pages, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    write_cells(Path(sys.argv[1]), Path(__file__).with_name("cells.json"))
