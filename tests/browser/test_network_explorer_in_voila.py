"""The NetworkExplorer served by Voila: it appears, a slider drag changes the raster, the console stays clean."""

from __future__ import annotations

import time

import pytest

from .conftest import ARTIFACTS, open_page, start_voila, write_notebook

NOTEBOOK_CELLS = [
    "import sys\nsys.path.insert(0, {models!r})\nimport bp_core as bp\nimport spec_models\n"
    "from bpwidgets import NetworkExplorer",
    "bp.profile.set(dt=0.04, numerical_method='exponential')\n"
    "net, neu, syn = spec_models.gamma_network(num=40, seed=1)\n"
    "explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=100., params={syn: ['g_max']},\n"
    "                           ranges={'g_max': (0.0, 0.02)}, chunk=20.)\n"
    "explorer",
]

CANVAS_PIXELS = """() => {
  const canvas = document.querySelector('canvas.bp-raster-canvas');
  if (!canvas) return null;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let dark = 0, hash = 0;
  for (let k = 0; k < data.length; k += 4) {
    if (data[k + 3] > 0 && data[k] < 80) { dark += 1; hash = (hash * 31 + k) % 1000000007; }  // spikes only
  }
  return [dark, hash];
}"""


@pytest.fixture
def served(tmp_path):
    from pathlib import Path

    models = str(Path(__file__).resolve().parents[1] / "bp_core" / "simulation")
    cells = [NOTEBOOK_CELLS[0].format(models=models), NOTEBOOK_CELLS[1]]
    write_notebook(tmp_path / "explorer.ipynb", cells)
    process, url = start_voila(tmp_path, "explorer.ipynb")
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_explorer_renders_and_reacts_to_a_slider(browser, served):
    page, errors = open_page(browser, served)
    page.wait_for_selector("canvas.bp-raster-canvas", timeout=120_000)
    page.wait_for_function(f"(() => {{ const p = ({CANVAS_PIXELS})(); return p && p[0] > 50; }})", timeout=60_000)
    time.sleep(1.0)  # let the first pass finish streaming
    before = page.evaluate(CANVAS_PIXELS)
    handle = page.locator(".widget-slider .noUi-handle").first
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 150, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    page.wait_for_function(f"(() => {{ const p = ({CANVAS_PIXELS})(); return p && p[1] !== {before[1]}; }})",
                           timeout=30_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "network_explorer.png"), full_page=True)
    assert page.evaluate(CANVAS_PIXELS)[1] != before[1]
    assert not errors, errors
    assert "Traceback" not in page.content()
    page.close()
