"""A served page loads only the JupyterLab extensions it uses: jupyterlab_pygments is left out, and code in a
Markdown cell is still coloured (its colours are in the page, inline, from nbconvert's template)."""

from __future__ import annotations

import nbformat

MARKDOWN = "The step, in code:\n\n```python\ndef step(V, dt):\n    return V + dt * (-V)\n```\n"
WIDGET = "import ipywidgets as widgets\nwidgets.Button(description='check')"


def write_lesson(folder) -> None:
    """The served folder (see the ``served`` fixture): a notebook with highlighted code in Markdown and a widget."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(MARKDOWN), nbformat.v4.new_code_cell(WIDGET)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "lesson.ipynb")


def test_pygments_extension_is_not_loaded_and_code_is_still_coloured(served, browser):
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{served}/voila/render/lesson.ipynb", timeout=180_000)
    page.get_by_role("button", name="check").wait_for(timeout=180_000)  # the widget extensions ran
    page.wait_for_load_state("networkidle")
    colours = page.evaluate("""() => {
      const keyword = document.querySelector('.highlight .k');
      const name = document.querySelector('.highlight .nf');
      const theme = getComputedStyle(document.body).getPropertyValue('--jp-mirror-editor-keyword-color').trim();
      const probe = document.createElement('span');
      probe.style.color = theme;
      document.body.appendChild(probe);
      return {keyword: keyword && getComputedStyle(keyword).color, name: name && getComputedStyle(name).color,
              theme: getComputedStyle(probe).color};
    }""")
    page.close()
    assert not errors, errors
    assert [url for url in requests if "/voila/labextensions/@jupyter-widgets/" in url]  # extensions do load
    assert not [url for url in requests if "jupyterlab_pygments" in url]
    # 'def' in the theme's keyword colour, 'step' (a function name) in another one
    assert colours["keyword"] == colours["theme"], colours
    assert colours["name"] and colours["name"] != colours["keyword"], colours
