"""RasterCanvas and the widgets' error lines read in light and dark themes (Voila's lab template, both themes):
contrast measured on the rendered pixels of a screenshot."""

from __future__ import annotations

import io
from collections import Counter

import pytest

from .conftest import ARTIFACTS, open_page, start_voila, write_notebook

CELLS = [
    "import numpy as np\nfrom bpwidgets import ParameterPanel, RasterCanvas\n"
    "canvas = RasterCanvas(n_neurons=20, t_end=100., height=200)\n"
    "rng = np.random.default_rng(0)\n"
    "canvas.append(rng.uniform(0, 100, 800), rng.integers(0, 20, 800))\n"
    "panel = ParameterPanel({'g': 1.0}, ranges={'g': (0., 2.)})\n"
    "panel.set('g', float('nan'))  # a refused value: the panel shows its error line\n"
    "display(canvas, panel.widget)",
]


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple, b: tuple) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_contrast(png: bytes) -> float:
    """Contrast of the strongest ink against the background (the commonest colour) of a screenshot."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = list(image.getdata())
    background = Counter(pixels).most_common(1)[0][0]
    return max(contrast(p, background) for p in set(pixels))


@pytest.fixture(scope="module", params=["light", "dark"])
def themed(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"theme_{request.param}")
    write_notebook(folder / "themes.ipynb", CELLS)
    process, url = start_voila(folder, "themes.ipynb", f"--theme={request.param}")
    try:
        yield request.param, url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_raster_and_error_line_are_readable(browser, themed):
    theme, url = themed
    page, errors = open_page(browser, url, viewport=(900, 700))
    page.wait_for_selector("canvas.bp-raster-canvas", timeout=120_000)
    page.wait_for_selector(".bp-error", timeout=60_000)
    page.wait_for_function("() => document.querySelector('canvas.bp-raster-canvas').width > 0")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"theme_{theme}.png"), full_page=True)
    raster = ink_contrast(page.locator("canvas.bp-raster-canvas").screenshot())
    message = ink_contrast(page.locator(".bp-error").screenshot())
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert raster >= 4.5, f"spikes on {background}: contrast {raster:.2f}"
    assert message >= 4.5, f"error text on {background}: contrast {message:.2f}"
    if theme == "dark":
        assert luminance(tuple(int(c) for c in background[background.index("(") + 1:-1].split(",")[:3])) < 0.2
    assert not errors, errors
    page.close()
