"""Which pages get MathJax: notebooks with TeX in a cell or a text output, and no others."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from bpwidgets.dashboards import DASHBOARDS
from bpwidgets.page_math import NO_MATH_SCRIPT, NO_MATH_URL, has_math, math_page_config_hook

DASHBOARD_DIR = Path(__file__).resolve().parents[2] / "bpwidgets" / "dashboards"


def notebook(path: Path, markdown: str = "", code: str = "x = 1", output: str | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code)
    if output is not None:
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": output})]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), cell]
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("markdown, code, output", [
    ("The membrane: $C \\dot V = -g (V - E)$.", "x = 1", None),
    ("$$\\tau \\dot x = -x$$", "x = 1", None),
    ("inline \\(x^2\\) form", "x = 1", None),
    ("", "widgets.Label(r'\\[ \\alpha_m(V) \\]')", None),
    ("", "x = 1", "<p>\\begin{align} a &= b \\end{align}</p>"),
    ("", "widgets.HTMLMath('rate $r$')", None),
])
def test_tex_in_a_cell_or_an_output_keeps_mathjax(tmp_path, markdown, code, output):
    assert has_math(notebook(tmp_path / "math.ipynb", markdown, code, output))


@pytest.mark.parametrize("markdown, code", [
    ("A network of 100 neurons.", "import bpwidgets"),
    ("It costs $5.", "price = '$'"),  # one dollar sign, or one and a space: not TeX
])
def test_no_tex_no_mathjax(tmp_path, markdown, code):
    assert not has_math(notebook(tmp_path / "plain.ipynb", markdown, code))


def test_a_file_that_is_not_a_readable_notebook_keeps_mathjax(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert has_math(tmp_path / "broken.ipynb")
    assert has_math(tmp_path / "missing.ipynb")


def test_an_edited_notebook_is_read_again(tmp_path):
    path = notebook(tmp_path / "lesson.ipynb", "no formula yet")
    assert not has_math(path)
    notebook(path, "now one: $E = m c^2$ and more text")
    assert has_math(path)


def test_the_dashboards_get_the_do_nothing_typesetter():
    assert NO_MATH_SCRIPT.is_file() and "Queue" in NO_MATH_SCRIPT.read_text()
    settings = {"contents_manager": SimpleNamespace(root_dir=str(DASHBOARD_DIR))}
    for name in ["index", *DASHBOARDS]:
        config = math_page_config_hook({"fullMathjaxUrl": None, "mathjaxConfig": None, "baseUrl": "/"}, "/base/",
                                       settings, None, None, notebook_path=f"{name}.ipynb")
        assert config["fullMathjaxUrl"] == "/base" + NO_MATH_URL and config["mathjaxConfig"] == "none", name
        assert config["baseUrl"] == "/"


def test_a_page_with_tex_keeps_voilas_configuration(tmp_path):
    (tmp_path / "sub").mkdir()
    notebook(tmp_path / "sub" / "math.ipynb", "$x$ and $y$")
    given = {"fullMathjaxUrl": None, "mathjaxConfig": None}
    settings = {"contents_manager": SimpleNamespace(root_dir=str(tmp_path))}
    assert math_page_config_hook(given, "/", settings, None, None, notebook_path="sub/math.ipynb") == given
