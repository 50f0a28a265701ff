"""Latency of the interactive loop and drawing speed of RasterCanvas.

1. Kernel side: parameter change -> completed re-run, for COBA-4000 (1 s, dt 0.1) and the quickstart
   gamma network (100 HH, 500 ms, dt 0.04). Measured twice: a direct ``net.run`` after the change,
   and a LiveRunner pass on a running event loop (time to the first streamed chunk and to the end
   of the pass); medians of 5, with ``compile_count`` checked unchanged across the changes. The
   browser adds one widget round trip (~50 ms here) to each.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import models  # noqa: E402

from bpwidgets import LiveRunner  # noqa: E402
from bpwidgets.bundle import STATIC_MODULE  # noqa: E402

CASES = {
    # case: (builder, duration ms, chunk ms, parameter change for repetition k)
    "COBA-4000, 1 s": (models.build_coba, 1000., 100.,
                       lambda net, k: net.objects[1].pars.__setitem__('w', 0.5 + 0.05 * k)),
    "gamma 100 HH, 500 ms": (models.build_gamma, 500., 25.,
                             lambda net, k: net.objects[1].pars.__setitem__('g_max', (0.08 + 0.01 * k) / 100)),
}


def direct_latency(case: str, repeats: int = 5) -> tuple[list[float], int]:
    """Seconds from a parameter change to a completed ``net.run``; and compilations during the changes."""
    build, duration, _, change = CASES[case]
    net, _, reset, inputs = build()
    net.run(duration, inputs=inputs)  # compiles or loads the kernel
    compiled = net.compile_count
    times = []
    for k in range(repeats):
        reset()
        start = time.perf_counter()
        change(net, k)
        net.run(duration, inputs=inputs)
        times.append(time.perf_counter() - start)
    return times, net.compile_count - compiled


async def runner_latency(case: str, repeats: int = 5) -> tuple[list[float], list[float]]:
    """LiveRunner: seconds from a change to the first streamed chunk and to the end of the pass."""
    build, duration, chunk, change = CASES[case]
    net, _, _, inputs = build()
    runner = LiveRunner(net, inputs=list(inputs), duration=duration, chunk=chunk)
    marks: dict[str, float] = {}
    runner.subscribe(lambda frame: marks.setdefault(frame.kind, time.perf_counter()))
    firsts, totals = [], []
    for k in range(repeats + 1):
        marks.clear()
        start = time.perf_counter()
        change(net, k)
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
    for case in CASES:
        times, compiles = direct_latency(case)
        firsts, totals = asyncio.run(runner_latency(case))
        print(f"{case}: parameter change -> completed net.run {1000 * statistics.median(times):.0f} ms "
              f"(compilations during the changes: {compiles}); LiveRunner: first chunk "
              f"{1000 * statistics.median(firsts):.0f} ms, pass complete {1000 * statistics.median(totals):.0f} ms "
              f"(medians of {len(times)}, kernel side)")
    one, worst, drawn = browser_draw()
    print(f"RasterCanvas in Chromium: 100,000 spikes drawn in {one:.1f} ms; 1,000,000 spikes in 100 chunks, "
          f"slowest chunk {worst:.1f} ms ({drawn} spikes on the canvas)")


if __name__ == "__main__":
    main()
