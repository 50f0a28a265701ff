"""Every tutorial and dashboard notebook runs top to bottom (nbclient), without an error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks" / "tutorials").glob("*.ipynb")) + \
    sorted((ROOT / "bpwidgets" / "dashboards").glob("*.ipynb"))


def test_every_tutorial_chapter_has_a_notebook():
    names = {p.stem for p in NOTEBOOKS}
    for chapter in ("quickstart", "build_neurons", "build_synapses", "build_network", "dynamics_analysis",
                    "differential_equations", "numerical_integrators", "debugging", "repeat_mode", "tips_on_jit",
                    "connect_module", "inputs_module"):
        assert any(name.endswith(chapter) for name in names), chapter
    assert {"gamma", "ei_balance", "fhn_lecture", "hh_neuron", "index"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    images = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
              if "image/png" in o.get("data", {})]
    if path.parent.name == "tutorials":
        assert images, f"{path.name} shows no figure"


TUTORIAL_SOURCES = sorted((ROOT / "notebooks" / "tutorials").glob("*.py"))


def test_each_tutorial_notebook_is_current_with_its_source():
    import jupytext

    assert {p.stem for p in TUTORIAL_SOURCES} == {p.stem for p in NOTEBOOKS if p.parent.name == "tutorials"}
    for source in TUTORIAL_SOURCES:
        written = jupytext.read(source)
        notebook = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
        assert [(c.cell_type, c.source) for c in written.cells] == \
            [(c.cell_type, c.source) for c in notebook.cells], \
            f"{source.name} and its notebook differ: run `jupytext --sync notebooks/tutorials/*.py`"
