"""A page that takes a pre-started kernel in the middle of its first pass (Voila hands the kernel over once its
notebook has run; the pass goes on on the runner's thread) shows every spike of the pass and keeps the pass it
was given: the E/I network's sliders echoed JE and JI (1/sqrt(20)) with their last digits changed as their
views were drawn, and each echo started the pass again, clearing the raster the page had just drawn."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest

from .conftest import ARTIFACTS, free_port, wait_for_http, write_notebook

NOTEBOOK = ["import ipywidgets as widgets\n"
            "from bpwidgets.dashboards.ei_balance import explorer\n"
            "network = explorer(400, 0.1, duration=2000.)\n"
            "# what the kernel did, for the test: passes asked for, passes done, spikes held, status\n"
            "facts = widgets.Label(layout=widgets.Layout(width='400px'))\n"
            "facts.add_class('kernel-facts')\n"
            "show = lambda frame: setattr(facts, 'value', f'{network.runner._requested} "
            "{network.runner.completed_passes} {network.raster.spike_count} {network.runner.status}')\n"
            "network.runner.subscribe(show)\n"
            "widgets.VBox([facts, network.widget])"]
FACTS = """() => {
  const facts = document.querySelector('.kernel-facts');
  const canvas = document.querySelector('canvas.bp-raster-canvas');
  return [facts ? facts.innerText : '', canvas ? Number(canvas.dataset.drawn || -1) : -1];
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``python -m bpwidgets.serving`` of the notebook with one pre-started kernel; yields (URL, server log)."""
    folder = tmp_path_factory.mktemp("prestarted")
    write_notebook(folder / "ei.ipynb", NOTEBOOK)
    port, log = free_port(), folder / "server.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "bpwidgets.serving", str(folder / "ei.ipynb"),
                                    f"--port={port}", "--no-browser", "--Voila.ip=127.0.0.1"],
                                   stdout=subprocess.DEVNULL, stderr=stderr, cwd=folder)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, timeout=120)
        yield url, log
    finally:
        descendants = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        process.terminate()
        process.wait(timeout=60)
        psutil.wait_procs(descendants, timeout=30)


def test_a_page_taking_a_kernel_mid_pass_draws_the_whole_pass_once(browser, served):
    url, log = served
    deadline = time.monotonic() + 240
    while "has run" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "has run" in log.read_text(), log.read_text()[-2000:]
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(url, timeout=180_000)  # at once: the kernel's pass of 2 s of network time is still running
        facts, drawn, seen = "", -1, []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            facts, drawn = page.evaluate(FACTS)
            seen.append((facts, drawn))
            if facts.endswith("done") and drawn == int(facts.split()[2]):
                page.wait_for_timeout(3000)  # an echo from the page would restart the pass by now
                facts, drawn = page.evaluate(FACTS)
                break
            page.wait_for_timeout(250)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "prestarted_ei_mid_pass.png"))
        requested, completed, spikes, status = facts.split()
        assert status == "done" and (requested, completed) == ("1", "1"), seen[-20:]
        assert drawn == int(spikes) > 1000, seen[-20:]
    finally:
        page.close()
