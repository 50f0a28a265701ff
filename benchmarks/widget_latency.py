"""Latency of the interactive loop and drawing speed of RasterCanvas.

1. Kernel side: the quickstart gamma network (100 HH, 500 ms, dt 0.04) in a LiveRunner on a running
   event loop; after a parameter change, the time until the first streamed chunk and until the pass
   is complete (medians of 5). The browser adds one widget round trip (~50 ms here) to each.
2. Browser side: RasterCanvas's front-end module in headless Debian Chromium: one chunk of 100,000
   spikes, and 1,000,000 spikes appended as 100 chunks (the slowest chunk is the worst frame).

    python benchmarks/widget_latency.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

import bp_core as bp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "bp_core" / "simulation"))

import spec_models  # noqa: E402

from bpwidgets import LiveRunner  # noqa: E402
from bpwidgets.bundle import STATIC_MODULE  # noqa: E402


async def kernel_latency(repeats: int = 5) -> tuple[list[float], list[float]]:
    bp.profile.set(dt=0.04, numerical_method='exponential')
    net, neu, syn = spec_models.gamma_network(num=100, seed=1)
    runner = LiveRunner(net, inputs=[(neu, 'ST.input', 1.2)], duration=500., chunk=25.)
    marks: dict[str, float] = {}
    runner.subscribe(lambda frame: marks.setdefault(frame.kind, time.perf_counter()))
    firsts, totals = [], []
    for k in range(repeats + 1):
        marks.clear()
        syn.pars['g_max'] = (0.08 + 0.01 * k) / 100
        start = time.perf_counter()
        runner.restart()
        while "done" not in marks:
            await asyncio.sleep(0.001)
        if k:  # the first pass includes loading the kernel
            firsts.append(marks["chunk"] - start)
            totals.append(marks["done"] - start)
    runner.close()
    return firsts, totals


DRAW = """async (source) => {
  const module = await import('data:text/javascript;base64,' + btoa(source));
  const state = {t_start: 0, t_end: 1000, n_neurons: 1000, width: 800, height: 400, color: '#222',
                 marker_size: 1, drawn: 0};
  const handlers = {};
  const model = {get: (k) => state[k], set: (k, v) => { state[k] = v; }, save_changes: () => {},
                 on: (name, f) => { handlers[name] = f; }, off: () => {}, send: () => {}};
  const el = document.createElement('div');
  document.body.appendChild(el);
  module.default.render({model, el});
  const chunk = (n, t0) => {
    const times = new Float32Array(n), idx = new Int32Array(n);
    for (let k = 0; k < n; k++) { times[k] = t0 + Math.random() * 10; idx[k] = Math.floor(Math.random() * 1000); }
    return [new DataView(times.buffer), new DataView(idx.buffer)];
  };
  let start = performance.now();
  handlers['msg:custom']({type: 'append'}, chunk(100000, 0));
  const one = performance.now() - start;
  handlers['msg:custom']({type: 'clear'}, []);
  let worst = 0;
  for (let c = 0; c < 100; c++) {
    const buffers = chunk(10000, c * 10);
    start = performance.now();
    handlers['msg:custom']({type: 'append'}, buffers);
    worst = Math.max(worst, performance.now() - start);
  }
  return [one, worst, state.drawn];
}"""


def browser_draw() -> tuple[float, float, int]:
    from playwright.sync_api import sync_playwright

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser.new_page()
        page.set_content("<html><body></body></html>")
        result = page.evaluate(DRAW, STATIC_MODULE.read_text())
        browser.close()
    return result[0], result[1], result[2]


def main() -> None:
    firsts, totals = asyncio.run(kernel_latency())
    print(f"gamma network 100 HH, 500 ms: parameter change -> first chunk {1000 * statistics.median(firsts):.0f} ms, "
          f"-> pass complete {1000 * statistics.median(totals):.0f} ms (medians of {len(firsts)}, kernel side)")
    one, worst, drawn = browser_draw()
    print(f"RasterCanvas in Chromium: 100,000 spikes drawn in {one:.1f} ms; 1,000,000 spikes in 100 chunks, "
          f"slowest chunk {worst:.1f} ms ({drawn} spikes on the canvas)")


if __name__ == "__main__":
    main()
