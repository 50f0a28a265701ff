"""MathJax in Chromium: a served page whose notebook holds a formula typesets it; a page without one never loads
MathJax (it gets the do-nothing typesetter of :mod:`bpwidgets.page_math`)."""

from __future__ import annotations

from bpwidgets.page_math import NO_MATH_URL

from .conftest import write_notebook

LESSON = ["import ipywidgets as widgets\nwidgets.Button(description='check')"]
FORMULA = ["import ipywidgets as widgets\n"
           "widgets.HTMLMath(r'The membrane: $C \\frac{dV}{dt} = -g_L (V - E_L)$')"]


def write_lesson(folder) -> None:
    """The served folder (see the ``served`` fixture): a notebook with a formula and one without."""
    write_notebook(folder / "lesson.ipynb", LESSON)
    write_notebook(folder / "formula.ipynb", FORMULA)


def visit(browser, url: str, ready: str) -> tuple[list[str], int, list[str]]:
    """(requests, number of typeset formulas, console errors) of the page at ``url`` once ``ready`` shows."""
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(url, timeout=180_000)
    page.locator(ready).first.wait_for(timeout=180_000)
    page.wait_for_load_state("networkidle")
    typeset = page.evaluate("() => document.querySelectorAll('mjx-container').length")
    page.close()
    return requests, typeset, errors


def test_mathjax_is_loaded_only_by_the_page_with_a_formula(served, browser):
    lesson, lesson_typeset, lesson_errors = visit(browser, f"{served}/voila/render/lesson.ipynb", "button")
    formula, formula_typeset, formula_errors = visit(browser, f"{served}/voila/render/formula.ipynb",
                                                     "mjx-container")
    assert not lesson_errors and not formula_errors, (lesson_errors, formula_errors)
    assert (lesson_typeset, formula_typeset) == (0, 1)
    assert [url for url in lesson if NO_MATH_URL in url]  # the do-nothing typesetter, in MathJax's place
    assert not [url for url in formula if NO_MATH_URL in url]
    assert len(formula) >= len(lesson) + 10  # MathJax's own chunks
