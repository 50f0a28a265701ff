"""How long a lecturer waits: from typing ``bpwidgets demo`` to the URL printed and to a clickable gallery in
Chromium, then one page of each named dashboard, opened one at a time, to its figure drawn (spikes on the
raster, a trace on a neuron's dashboard), on the page's clock.

    python benchmarks/demo_start.py                       # the gallery, then gamma and hh_neuron
    python benchmarks/demo_start.py --wait 60 --dashboards gamma --pool 0
    python benchmarks/demo_start.py --fresh --wait 0      # a fresh install: empty compile caches, nothing warm

``--wait`` seconds pass between the gallery and the first dashboard (the pools fill meanwhile, as they do
before a class arrives). ``--fresh`` gives the demo empty, temporary compile caches and warm-up records
(``NUMBA_CACHE_DIR``, ``BP_CORE_CACHE_DIR``, ``BPWIDGETS_CACHE_DIR``): the first start after installing, whose
warm-up runs behind the server while the pages are opened. Extra options after ``--`` go to ``bpwidgets demo``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, free_port  # noqa: E402
from tests.browser.pages import PAGE_STATE, READY  # noqa: E402

TIMEOUT_MS = 300_000
GALLERY_TARGET_S = 10.0
PAGE_TARGET_S = 3.0


async def run(args) -> int:
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import async_playwright

    port = free_port()
    command = [sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", f"--port={port}",
               *(f"--pool={size}" for size in args.pool), *args.demo_options]
    env, fresh = dict(os.environ), None
    if args.fresh:
        fresh = tempfile.mkdtemp(prefix="bpwidgets-fresh-")
        env.update(NUMBA_CACHE_DIR=f"{fresh}/numba", BP_CORE_CACHE_DIR=f"{fresh}/bp_core",
                   BPWIDGETS_CACHE_DIR=f"{fresh}/bpwidgets")
        print(f"fresh install: caches under {fresh}", flush=True)
    start = time.monotonic()
    with open(args.log, "w") as log:
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    failures = 0
    try:
        server.stdout.readline()  # printed once the server answers
        url_s = time.monotonic() - start
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = await browser.new_page(viewport={"width": 1366, "height": 768})
            await page.goto(f"http://127.0.0.1:{port}/voila/render/index.ipynb", timeout=TIMEOUT_MS)
            await page.get_by_role("link", name=args.dashboards[0].replace("_", " ")).wait_for(timeout=TIMEOUT_MS)
            gallery_s = time.monotonic() - start
            print(f"bpwidgets demo: URL after {url_s:.1f} s, clickable gallery after {gallery_s:.1f} s", flush=True)
            failures += not gallery_s < GALLERY_TARGET_S
            await asyncio.sleep(args.wait)
            for name in args.dashboards:
                page = await browser.new_page(viewport={"width": 1366, "height": 768})
                await page.goto(f"http://127.0.0.1:{port}/voila/render/{name}.ipynb", timeout=TIMEOUT_MS)
                try:
                    shown = await page.wait_for_function(
                        f"(() => ({READY[name]})(({PAGE_STATE})()) && performance.now())", timeout=TIMEOUT_MS,
                        polling=100)
                except PlaywrightTimeout:
                    print(f"{name:14s} figure not drawn within {TIMEOUT_MS / 1000:.0f} s", flush=True)
                    failures += 1
                    await page.close()
                    continue
                seconds = await shown.json_value() / 1000
                print(f"{name:14s} navigation -> figure drawn {seconds:.1f} s", flush=True)
                failures += not seconds < PAGE_TARGET_S
                await page.close()
            await browser.close()
    finally:
        processes = psutil.Process(server.pid).children(recursive=True)
        server.terminate()
        server.wait(timeout=60)
        psutil.wait_procs(processes, timeout=30)
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
    print("all targets met" if not failures else f"{failures} time(s) over the target", flush=True)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dashboards", type=lambda s: s.split(","), default=["gamma", "hh_neuron"])
    parser.add_argument("--wait", type=float, default=30.0, help="seconds between the gallery and the pages")
    parser.add_argument("--pool", action="append", default=[], help="passed to bpwidgets demo --pool")
    parser.add_argument("--log", default="demo_start.log", help="where the server's log goes")
    parser.add_argument("--fresh", action="store_true",
                        help="empty, temporary compile caches and warm-up records, as after installing")
    parser.add_argument("demo_options", nargs="*", help="more options for bpwidgets demo (after --)")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
