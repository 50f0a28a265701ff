"""A lecture hall on one machine: one ``bpwidgets demo``, many Chromium pages per dashboard, each student moving
their own slider.

The demo keeps ``--pool`` pre-started kernels of each measured dashboard (default: as many as pages arrive;
``--pool 0`` for kernels started per page); the students arrive once every pool has filled, as a class arrives
after the lecturer started the server. For every dashboard, ``--pages`` pages arrive at once. Reported: the time
from navigation to the figure drawn (spikes on the raster, a trace on a neuron's dashboard) p50/p95 on the
page's clock, pages rendered (a page that never shows its figure is blank), HTTP 5xx answers, kernel deaths,
slider-to-plot latency p50/p95 (from letting go of the slider to the first new data drawn, on the page's own
clock; half the pages move their slider at once, then the other half; the pages that did not move must not
change: cross-talk), memory per kernel (RSS and USS) and its CPU seconds from start to the page shown
(start-up: imports, the notebook, the first pass; less sensitive to the machine's load than the times), the
memory of an idle pre-started kernel, and how long the kernels of closed pages live on, measured while a few
late pages are still loading (those must keep their kernels). Half the pages close as a tab does (the
browser's unload request), half vanish as a crashed tab does (only the dropped connection tells). Last,
``--big`` pages of one dashboard at once, counting kernel deaths.

While the pages arrive, where the machine's CPU goes is counted too: Chromium's seconds per page by process
type (renderer, browser, GPU, network), the server with its kernels, and everything else (on a shared machine,
other people's work, which the pages waited for besides each other).

    python benchmarks/lecture_hall.py                       # 20 pages per dashboard, then 40 of hh_neuron
    python benchmarks/lecture_hall.py --dashboards gamma,hh_neuron --big 0
    python benchmarks/lecture_hall.py --dashboards gamma --pages 10 --big 0 --pool 0
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.page_cost import browser_pid, chromium_cpu, cpu_since  # noqa: E402
from bpwidgets.dashboards import DASHBOARDS  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, free_port, wait_for_http  # noqa: E402
from tests.browser.pages import (DRAWN_WATCH, PAGE_STATE, SLIDER, drawn_probe, kernel_id_in,  # noqa: E402
                                 kernels_of)

RENDER_TIMEOUT_MS = 300_000
POOL_TIMEOUT = 900.0
RENDER_TARGET_S = 15.0
CHANGE_TIMEOUT_MS = 60_000
CLOSED_KERNEL_LIMIT = 30.0
STATE = f"({PAGE_STATE})()"

# Timestamps taken in the page, on the page's clock: when the slider was let go, when a figure first changed
# (the raster cleared or drawn on, an SVG mark redrawn) and when new data was first drawn (spikes on the
# raster, a redrawn line). Polling the page from here would cost the loaded machine more than it measures.
MARKS = """
window.__marks = {};
document.addEventListener('pointerup', () => { window.__marks = {up: performance.now()}; }, true);
const mark = (key) => { const m = window.__marks; if (m.up && !m[key]) m[key] = performance.now(); };
const proto = CanvasRenderingContext2D.prototype, clear = proto.clearRect, fill = proto.fillRect;
proto.clearRect = function (...a) { if (this.canvas.classList.contains('bp-raster-canvas')) mark('changed');
                                    return clear.apply(this, a); };
proto.fillRect = function (...a) { if (this.canvas.classList.contains('bp-raster-canvas')) { mark('changed');
                                   mark('data'); } return fill.apply(this, a); };
new MutationObserver((records) => {
  if (records.some(r => r.target.closest && r.target.closest('svg.svg-figure'))) { mark('changed'); mark('data'); }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['d', 'transform']});
"""


@dataclass
class Student:
    """One page, its kernel, and what was measured on it."""

    page: object
    kernel_id: str = ""
    rendered: bool = False
    render_seconds: float = float("nan")
    latency: float = float("nan")
    first_change: float = float("nan")
    server_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    values = sorted(v for v in values if v == v)
    return values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))] if values else float("nan")


async def arrive(context, base: str, name: str) -> Student:
    """A student opens the dashboard and waits for its figure."""
    page = await context.new_page()
    await page.add_init_script(MARKS)
    await page.add_init_script(DRAWN_WATCH)  # the figure is looked at when drawn on, not at each poll
    student = Student(page)
    page.on("response", lambda r: r.status >= 500 and student.server_errors.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda err: student.page_errors.append(str(err)))
    try:
        await page.goto(f"{base}/voila/render/{name}.ipynb", timeout=RENDER_TIMEOUT_MS)
        # performance.now() counts from the navigation's start, on the page's clock
        shown = await page.wait_for_function(drawn_probe(name), timeout=RENDER_TIMEOUT_MS, polling=500)
        student.rendered = True
        student.render_seconds = await shown.json_value() / 1000
        student.kernel_id = kernel_id_in(await page.content())
    except Exception as err:  # noqa: BLE001 - a page that fails to render is what we count
        student.page_errors.append(f"not rendered: {err}"[:300])
    return student


async def move_slider(student: Student, name: str, pixels: float) -> None:
    """Drag the dashboard's parameter slider; time the first change and the first new data on screen."""
    page = student.page
    handle = page.locator(".widget-slider .noUi-handle").nth(SLIDER[name])
    box = await handle.bounding_box()
    y = box["y"] + box["height"] / 2
    await page.mouse.move(box["x"] + box["width"] / 2, y)
    await page.mouse.down()
    await page.mouse.move(box["x"] + box["width"] / 2 + pixels, y, steps=4)
    await page.mouse.up()
    try:
        await page.wait_for_function("window.__marks.data", timeout=CHANGE_TIMEOUT_MS, polling=200)
        marks = await page.evaluate("window.__marks")
        student.first_change = (marks["changed"] - marks["up"]) / 1000
        student.latency = (marks["data"] - marks["up"]) / 1000
    except Exception as err:  # noqa: BLE001
        student.page_errors.append(f"no change after the slider: {err}"[:300])


async def settled_states(students: list[Student]) -> list[dict]:
    await asyncio.sleep(2.0)  # streaming passes end
    return [await s.page.evaluate(STATE) for s in students]


async def slider_rounds(students: list[Student], name: str) -> int:
    """Half the pages move their sliders at once, then the other half; returns cross-talk incidents."""
    cross_talk = 0
    live = [s for s in students if s.rendered]
    for parity in (0, 1):
        movers = [s for k, s in enumerate(live) if k % 2 == parity]
        others = [s for k, s in enumerate(live) if k % 2 != parity]
        before = await settled_states(others)
        await asyncio.gather(*(move_slider(s, name, 30 + 7 * (k % 10)) for k, s in enumerate(movers)))
        after = await settled_states(others)
        cross_talk += sum(a != b for a, b in zip(before, after))
    return cross_talk


async def close_pages(students: list[Student]) -> None:
    """Half close as a tab closes (unload request sent), half vanish without a word (a crashed tab)."""
    await asyncio.gather(*(s.page.close(run_before_unload=(k % 2 == 0)) for k, s in enumerate(students)))


async def wait_gone(server_pid: int, kernel_ids: set[str], limit: float) -> float:
    """Seconds until none of ``kernel_ids`` runs (inf if some outlive ``limit``)."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if not kernel_ids & set(kernels_of(server_pid)):
            return time.monotonic() - start
        await asyncio.sleep(0.5)
    return float("inf")


def memory_mb(server_pid: int, kernel_ids: list[str]) -> tuple[float, float]:
    """Median RSS and USS (MB) of the given kernels."""
    processes = kernels_of(server_pid)
    rss, uss = [], []
    for kid in kernel_ids:
        try:
            info = processes[kid].memory_full_info()
        except (KeyError, psutil.Error):
            continue
        rss.append(info.rss / 2 ** 20)
        uss.append(info.uss / 2 ** 20)
    return (statistics.median(rss) if rss else float("nan")), (statistics.median(uss) if uss else float("nan"))


def cpu_seconds(server_pid: int, kernel_ids: list[str]) -> float:
    """Median CPU seconds (user + system) the given kernels have used."""
    processes, seconds = kernels_of(server_pid), []
    for kid in kernel_ids:
        try:
            times = processes[kid].cpu_times()
        except (KeyError, psutil.Error):
            continue
        seconds.append(times.user + times.system)
    return statistics.median(seconds) if seconds else float("nan")


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of ``pid`` and each process under it, by process id."""
    seconds = {}
    try:
        processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return seconds
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        seconds[process.pid] = times.user + times.system
    return seconds


def machine_busy() -> float:
    """CPU seconds every process of the machine has used since boot (all cores together)."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)


@dataclass
class CpuWatch:
    """Where the machine's CPU went while the pages arrived: Chromium by process type, the server with its
    kernels, and the rest (other users of the machine, this script), with the wall time they shared."""

    chromium_pid: int
    server_pid: int
    start: float = field(default_factory=time.monotonic)
    busy: float = field(default_factory=machine_busy)
    chromium: dict = field(default_factory=dict)
    server: dict = field(default_factory=dict)

    def __post_init__(self):
        self.chromium = chromium_cpu(self.chromium_pid)
        self.server = tree_cpu(self.server_pid)

    def since(self) -> dict:
        chromium = cpu_since(self.chromium, chromium_cpu(self.chromium_pid))
        # a kernel started meanwhile counts from zero; one that ended meanwhile is lost to the count
        server = sum(s - self.server.get(pid, 0.0) for pid, s in tree_cpu(self.server_pid).items())
        busy = machine_busy() - self.busy
        return {"wall_s": time.monotonic() - self.start, "chromium_s": sum(chromium.values()),
                "chromium_by_process": chromium, "server_s": server,
                "other_s": busy - sum(chromium.values()) - server, "cores": psutil.cpu_count()}


def wait_for_pools(log: Path, server_pid: int, sizes: dict[str, int]) -> dict:
    """Wait until each dashboard's pool holds its pre-started kernels (the server logs each one that has run its
    notebook); returns the pools' idle kernels' median RSS, USS (MB) and CPU seconds, and the wait."""
    start = time.monotonic()
    while True:
        text = log.read_text(errors="replace")
        ran = {name: len(re.findall(rf"Pre-started kernel \S+ has run {name}\.ipynb", text)) for name in sizes}
        if all(ran[name] >= size for name, size in sizes.items()):
            break
        if time.monotonic() - start > POOL_TIMEOUT:
            raise TimeoutError(f"the pools did not fill within {POOL_TIMEOUT:.0f} s: {ran} of {sizes}")
        time.sleep(2.0)
    kernel_ids = list(kernels_of(server_pid))
    rss, uss = memory_mb(server_pid, kernel_ids)
    return {"rss_mb": rss, "uss_mb": uss, "cpu_s": cpu_seconds(server_pid, kernel_ids), "kernels": len(kernel_ids),
            "fill_s": time.monotonic() - start}


def deaths_in(log: Path, start: int) -> int:
    text = log.read_text(errors="replace")[start:]
    return len(re.findall(r"(?i)kernel \S+ died|KernelRestarter: restarting|restart failed", text))


async def new_contexts(browser, count: int) -> list:
    """A browser context per student: cookies and sessions of their own, as on separate machines."""
    return [await browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(count)]


async def leave(server_pid: int, students: list[Student]) -> float:
    """Close the students' pages; seconds until their kernels are gone (inf past the limit)."""
    await close_pages(students)
    return await wait_gone(server_pid, {s.kernel_id for s in students if s.rendered}, CLOSED_KERNEL_LIMIT + 30)


def without_kernel(server_pid: int, students: list[Student]) -> int:
    """Students whose page did not render or whose kernel no longer runs."""
    alive = set(kernels_of(server_pid))
    return sum(not s.rendered or s.kernel_id not in alive for s in students)


async def dashboard_case(browser, base: str, server_pid: int, log: Path, name: str, pages: int, late: int) -> dict:
    mark = len(log.read_text(errors="replace"))
    contexts = await new_contexts(browser, pages + late)
    watch = CpuWatch(browser_pid(), server_pid)
    students = await asyncio.gather(*(arrive(contexts[k], base, name) for k in range(pages)))
    burst = watch.since()
    rendered = [s for s in students if s.rendered]
    kernel_cpu = cpu_seconds(server_pid, [s.kernel_id for s in rendered])
    cross_talk = await slider_rounds(students, name)
    rss, uss = memory_mb(server_pid, [s.kernel_id for s in rendered])
    lost_open = without_kernel(server_pid, rendered)
    late_tasks = [asyncio.ensure_future(arrive(contexts[pages + k], base, name)) for k in range(late)]
    await asyncio.sleep(1.0)  # the late pages are loading while the others close
    gone = await leave(server_pid, students)
    late_students = await asyncio.gather(*late_tasks)
    late_lost = without_kernel(server_pid, late_students)
    await leave(server_pid, late_students)
    for context in contexts:
        await context.close()
    latencies = [s.latency for s in rendered]
    return {
        "dashboard": name, "pages": pages, "rendered": len(rendered),
        "render_p50_s": percentile([s.render_seconds for s in rendered], 0.5),
        "render_p95_s": percentile([s.render_seconds for s in rendered], 0.95), "kernel_cpu_s": kernel_cpu,
        "server_5xx": sum(len(s.server_errors) for s in students + late_students),
        "kernel_deaths": deaths_in(log, mark) + lost_open,
        "moved": sum(v == v for v in latencies), "p50_s": percentile(latencies, 0.5),
        "first_change_p95_s": percentile([s.first_change for s in rendered], 0.95),
        "p95_s": percentile(latencies, 0.95), "cross_talk": cross_talk,
        "rss_mb": rss, "uss_mb": uss, "closed_gone_s": gone,
        "late_pages": late, "late_lost": late_lost, "burst": burst,
        "errors": [e for s in students + late_students for e in s.page_errors][:3],
    }


async def big_case(browser, base: str, server_pid: int, log: Path, name: str, pages: int) -> dict:
    mark = len(log.read_text(errors="replace"))
    contexts = await new_contexts(browser, pages)
    students = await asyncio.gather(*(arrive(c, base, name) for c in contexts))
    rendered = [s for s in students if s.rendered]
    await asyncio.gather(*(move_slider(s, name, 30 + 7 * (k % 10)) for k, s in enumerate(rendered)))
    rss, uss = memory_mb(server_pid, [s.kernel_id for s in rendered])
    total = sum(p.memory_info().rss for p in kernels_of(server_pid).values()) / 2 ** 30
    result = {"dashboard": name, "pages": pages, "rendered": len(rendered),
              "kernel_deaths": deaths_in(log, mark) + without_kernel(server_pid, rendered),
              "server_5xx": sum(len(s.server_errors) for s in students),
              "p95_s": percentile([s.latency for s in rendered], 0.95), "rss_mb": rss, "uss_mb": uss,
              "kernels_gb": total}
    await leave(server_pid, students)
    for context in contexts:
        await context.close()
    return result


def print_row(r: dict) -> None:
    print(f"{r['dashboard']:12s} rendered {r['rendered']}/{r['pages']}  5xx {r['server_5xx']}  "
          f"kernel deaths {r['kernel_deaths']}  slider->plot p50 {r['p50_s']:.2f} s p95 {r['p95_s']:.2f} s "
          f"(first change p95 {r['first_change_p95_s']:.2f} s; {r['moved']} moved, cross-talk {r['cross_talk']})  "
          f"navigation->drawn p50 {r['render_p50_s']:.1f} s p95 {r['render_p95_s']:.1f} s  "
          f"kernel CPU {r['kernel_cpu_s']:.1f} s  "
          f"kernel RSS {r['rss_mb']:.0f} MB (USS {r['uss_mb']:.0f})  closed kernels gone after "
          f"{r['closed_gone_s']:.1f} s  late pages lost {r['late_lost']}/{r['late_pages']}", flush=True)
    b = r["burst"]
    print(f"    while they arrived ({b['wall_s']:.0f} s on {b['cores']} cores): Chromium {b['chromium_s']:.1f} s CPU "
          f"({b['chromium_s'] / r['pages']:.2f} s a page: " + ", ".join(
              f"{k} {v / r['pages']:.2f}" for k, v in sorted(b["chromium_by_process"].items(), key=lambda i: -i[1])
              if v >= 0.005 * r["pages"]) +
          f"), the server and its kernels {b['server_s']:.1f} s, everything else on the machine "
          f"{b['other_s']:.1f} s", flush=True)
    for error in r["errors"]:
        print(f"    {error}", flush=True)


async def run(args) -> int:
    from playwright.async_api import async_playwright

    port = free_port()
    log = Path(args.log)
    pool = args.pages if args.pool is None else args.pool
    sizes = {name: pool for name in args.dashboards}
    server = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", f"--port={port}",
                               f"--page={args.page}", *(f"--pool={name}={size}" for name, size in sizes.items())],
                              stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    failures = 0
    try:
        wait_for_http(f"{base}/voila/render/index.ipynb", timeout=120)
        if pool:
            idle = wait_for_pools(log, server.pid, sizes)
            print(f"pools filled in {idle['fill_s']:.0f} s: {idle['kernels']} idle pre-started kernels, each "
                  f"{idle['rss_mb']:.0f} MB RSS ({idle['uss_mb']:.0f} MB USS), {idle['cpu_s']:.1f} s CPU to start",
                  flush=True)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for name in args.dashboards:
                r = await dashboard_case(browser, base, server.pid, log, name, args.pages, args.late)
                print_row(r)
                failures += (r["rendered"] < r["pages"] or r["server_5xx"] or r["kernel_deaths"] or r["cross_talk"]
                             or not r["render_p95_s"] < RENDER_TARGET_S
                             or not r["p95_s"] < 3.0 or not r["closed_gone_s"] < CLOSED_KERNEL_LIMIT
                             or r["late_lost"])
            if args.big:
                r = await big_case(browser, base, server.pid, log, args.big_dashboard, args.big)
                print(f"{r['dashboard']:12s} {r['pages']} pages at once: rendered {r['rendered']}  5xx "
                      f"{r['server_5xx']}  kernel deaths {r['kernel_deaths']}  slider->plot p95 {r['p95_s']:.2f} s"
                      f"  kernel RSS {r['rss_mb']:.0f} MB (USS {r['uss_mb']:.0f}), all kernels "
                      f"{r['kernels_gb']:.1f} GB", flush=True)
                failures += r["rendered"] < r["pages"] or r["kernel_deaths"] > 0 or r["server_5xx"] > 0
            await browser.close()
    finally:
        server.terminate()
        server.wait(timeout=60)
    print("all targets met" if not failures else f"{failures} case(s) missed a target", flush=True)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dashboards", type=lambda s: s.split(","), default=list(DASHBOARDS))
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--pool", type=int, default=None,
                        help="pre-started kernels per measured dashboard (default: --pages; 0: a kernel per page)")
    parser.add_argument("--late", type=int, default=3, help="pages loading while the others close")
    parser.add_argument("--big", type=int, default=40, help="pages at once in the last case (0: skip)")
    parser.add_argument("--big-dashboard", default="hh_neuron")
    parser.add_argument("--log", default="lecture_hall_voila.log", help="where the server's log goes")
    parser.add_argument("--page", choices=("lean", "lab"), default="lean", help="the pages' front end (demo --page)")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
