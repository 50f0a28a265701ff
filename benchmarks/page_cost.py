"""What one dashboard page costs the browser: Chromium's CPU seconds from navigation to the figure drawn, the
page's requests and bytes by kind, and the kernel's WebSocket traffic (messages and bytes up to the figure).

One page at a time, on a ``bpwidgets demo`` with one pre-started kernel per dashboard, so the figures depend little
on the machine's load: CPU seconds are counted, not waited for.

- ``chromium_cpu_s``: CPU seconds of every Chromium process (browser, renderer, GPU, network) from just before
  navigation to the figure drawn, measured with psutil;
- ``task_s``, ``script_s``, ``layout_s``, ``style_s``: the page's main thread, from the DevTools protocol's
  ``Performance.getMetrics`` (TaskDuration, ScriptDuration, LayoutDuration, RecalcStyleDuration);
- requests and their encoded bytes by kind (Voila's and JupyterLab's bundles, widget extensions, styles, fonts,
  the page itself);
- WebSocket frames received (kernel messages: widget models, their state and the first pass's data) and bytes.

With ``--profile``, the JavaScript CPU profile's self time by script (which bundle the time goes to). Bytes are
those on the wire (compressed where the server compresses); ``--accept-encoding identity`` asks for every response
uncompressed, for the bytes a server that does not compress would send.

    python benchmarks/page_cost.py                          # each dashboard, 3 pages each
    python benchmarks/page_cost.py --dashboards gamma --repeat 5 --profile
    python benchmarks/page_cost.py --dashboards gamma --accept-encoding identity
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpwidgets.dashboards import DASHBOARDS  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, free_port, wait_for_http  # noqa: E402
from tests.browser.pages import DRAWN_WATCH, drawn_probe  # noqa: E402

TIMEOUT_MS = 300_000
POOL_TIMEOUT = 900.0
KINDS = (  # first match wins: what a request is, from its URL
    ("page", r"/voila/render/"),
    ("voila bundle", r"/voila/static/.*\.js"),
    ("font", r"\.(woff2?|ttf|eot|otf)(\?|$)"),
    ("style", r"\.css(\?|$)"),
    ("widgets ext", r"/voila/labextensions/@jupyter-widgets/"),
    ("bqplot ext", r"/voila/labextensions/bqplot"),
    ("other ext", r"/voila/labextensions/"),
    ("api", r"/api/"),
)


def kind_of(url: str) -> str:
    return next((kind for kind, pattern in KINDS if re.search(pattern, url)), "other")


def chromium_cpu(browser_pid: int) -> collections.Counter:
    """CPU seconds of the Chromium process tree by process type (browser, renderer, gpu-process, utility...)."""
    seconds = collections.Counter()
    try:
        root = psutil.Process(browser_pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return seconds
    for process in processes:
        try:
            t = process.cpu_times()
            kind = re.search(r"--type=(\S+)", " ".join(process.cmdline()))
        except psutil.Error:
            continue
        seconds[kind.group(1) if kind else "browser"] += t.user + t.system
    return seconds


def cpu_since(before: collections.Counter, after: collections.Counter) -> dict[str, float]:
    return {kind: after[kind] - before.get(kind, 0.0) for kind in after}


def browser_pid() -> int:
    """The Chromium browser process this script launched (the newest /usr/bin/chromium child of this process)."""
    own = []
    for process in psutil.Process().children(recursive=True):
        try:  # a short-lived child (of the server, of Chromium) may end while it is looked at
            if process.name().startswith("chrom") and "--type=" not in " ".join(process.cmdline()):
                own.append((process.create_time(), process.pid))
        except psutil.Error:
            continue
    return max(own)[1]


async def one_page(browser, pid: int, base: str, name: str, profile: bool, settle: float,
                   accept_encoding: str | None = None) -> dict:
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    context = await browser.new_context(viewport={"width": 1366, "height": 768}, extra_http_headers=headers)
    page = await context.new_page()
    await page.add_init_script(DRAWN_WATCH)  # the figure is looked at when drawn on, not at each poll
    cdp = await context.new_cdp_session(page)
    await cdp.send("Performance.enable")
    await cdp.send("Network.enable")
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    urls, sizes, cached = {}, collections.Counter(), collections.Counter()
    counts = collections.Counter()
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.requestServedFromCache", lambda e: cached.update([kind_of(urls.get(e["requestId"], ""))]))

    def finished(event):
        kind = kind_of(urls.get(event["requestId"], ""))
        sizes[kind] += event["encodedDataLength"]
        counts[kind] += 1

    cdp.on("Network.loadingFinished", finished)
    extensions = set()  # what the kernel's WebSockets agreed on (permessage-deflate: their frames compressed)
    cdp.on("Network.webSocketHandshakeResponseReceived", lambda e: extensions.add(
        {k.lower(): v for k, v in e["response"]["headers"].items()}.get("sec-websocket-extensions", "none")))
    frames = {"in": 0, "in_bytes": 0, "out": 0}

    def on_socket(ws):
        def received(payload):
            frames["in"] += 1
            frames["in_bytes"] += len(payload)

        ws.on("framereceived", received)
        ws.on("framesent", lambda payload: frames.__setitem__("out", frames["out"] + 1))

    page.on("websocket", on_socket)
    if profile:
        await cdp.send("Profiler.enable")
        await cdp.send("Profiler.setSamplingInterval", {"interval": 500})
        await cdp.send("Profiler.start")
    cpu0 = chromium_cpu(pid)
    await page.goto(f"{base}/voila/render/{name}.ipynb", timeout=TIMEOUT_MS)
    shown = await page.wait_for_function(drawn_probe(name), timeout=TIMEOUT_MS, polling=100)
    drawn_s = await shown.json_value() / 1000
    cpu = cpu_since(cpu0, chromium_cpu(pid))
    metrics = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
    scripts = {}
    if profile:
        scripts = self_time_by_script((await cdp.send("Profiler.stop"))["profile"])
    frames_at_drawn = dict(frames)
    await page.wait_for_timeout(settle * 1000)  # the pass streams to its end
    settled = cpu_since(cpu0, chromium_cpu(pid))
    frames_settled = dict(frames)
    await context.close()
    return {"drawn_s": drawn_s, "chromium_cpu_s": sum(cpu.values()), "cpu_by_process": cpu,
            "settled_cpu_s": sum(settled.values()), "settled_by_process": settled, "frames_settled": frames_settled,
            "task_s": metrics["TaskDuration"],
            "script_s": metrics["ScriptDuration"], "layout_s": metrics["LayoutDuration"],
            "style_s": metrics["RecalcStyleDuration"], "nodes": metrics["Nodes"],
            "requests": sum(counts.values()), "bytes": sum(sizes.values()), "by_kind": dict(sizes),
            "count_by_kind": dict(counts), "cached": sum(cached.values()), "frames": frames_at_drawn,
            "scripts": scripts, "ws_extensions": sorted(extensions)}


def self_time_by_script(profile: dict) -> dict[str, float]:
    """Seconds of self time per script URL (the bundle's file name) in a V8 CPU profile."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    deltas = collections.Counter()
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"]):
        frame = nodes[node_id]["callFrame"]
        url = frame.get("url") or f"({frame.get('functionName') or 'native'})"
        deltas[url.rsplit("/", 1)[-1].split("?")[0] or url] += delta / 1e6
    return dict(deltas.most_common(12))


def wait_for_pools(log: Path, names: list[str]) -> None:
    start = time.monotonic()
    while not all(re.search(rf"Pre-started kernel \S+ has run {n}\.ipynb", log.read_text(errors="replace"))
                  for n in names):
        if time.monotonic() - start > POOL_TIMEOUT:
            raise TimeoutError("the pools did not fill")
        time.sleep(1.0)


def report(name: str, runs: list[dict], args_settle: float) -> None:
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    print(f"{name:14s} drawn {med('drawn_s'):.2f} s  Chromium CPU {med('chromium_cpu_s'):.2f} s  main thread: task "
          f"{med('task_s'):.2f} s script {med('script_s'):.2f} s layout {med('layout_s'):.2f} s style "
          f"{med('style_s'):.2f} s  nodes {med('nodes'):.0f}  requests {med('requests'):.0f} "
          f"({statistics.median(r['cached'] for r in runs):.0f} from cache) {med('bytes') / 2 ** 20:.2f} MiB  "
          f"ws frames in {statistics.median(r['frames']['in'] for r in runs):.0f} "
          f"({statistics.median(r['frames']['in_bytes'] for r in runs) / 2 ** 10:.0f} KiB) out "
          f"{statistics.median(r['frames']['out'] for r in runs):.0f}", flush=True)
    last = runs[-1]
    print(f"    settled after {args_settle} s: Chromium CPU {med('settled_cpu_s'):.2f} s, ws frames in "
          f"{last['frames_settled']['in']} ({last['frames_settled']['in_bytes'] / 2 ** 10:.0f} KiB); by process at "
          "drawn / settled: " + ", ".join(f"{k} {last['cpu_by_process'].get(k, 0):.2f}/{v:.2f}"
                                          for k, v in last["settled_by_process"].items()))
    print("    bytes by kind (KiB): " + ", ".join(f"{k} {v / 1024:.0f} ({last['count_by_kind'][k]})"
                                                 for k, v in sorted(last["by_kind"].items(), key=lambda i: -i[1])))
    print(f"    WebSocket extensions: {', '.join(last['ws_extensions']) or 'no WebSocket'}")
    if last["scripts"]:
        print("    JS self time (s): " + ", ".join(f"{k} {v:.2f}" for k, v in last["scripts"].items()))


async def run(args) -> None:
    from playwright.async_api import async_playwright

    port = free_port()
    log = Path(args.log)
    server = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", f"--port={port}",
                               "--pool=0", *(f"--pool={n}={args.repeat + 1}" for n in args.dashboards),
                               *args.demo_options], stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/voila/render/index.ipynb", timeout=300)
        wait_for_pools(log, args.dashboards)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            pid = browser_pid()
            for name in args.dashboards:
                runs = []
                for _ in range(args.repeat):
                    runs.append(await one_page(browser, pid, base, name, args.profile, args.settle,
                                               args.accept_encoding))
                    await asyncio.sleep(args.pause)  # the pool hands out its next kernel
                report(name, runs, args.settle)
            await browser.close()
    finally:
        processes = psutil.Process(server.pid).children(recursive=True)
        server.terminate()
        server.wait(timeout=60)
        psutil.wait_procs(processes, timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dashboards", type=lambda s: s.split(","), default=list(DASHBOARDS))
    parser.add_argument("--repeat", type=int, default=3, help="pages per dashboard, one after the other")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between pages")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds after the figure is drawn to count the rest of the pass too")
    parser.add_argument("--profile", action="store_true", help="also the JavaScript self time by script")
    parser.add_argument("--accept-encoding", default=None,
                        help="the browser's Accept-Encoding header instead of its own (identity: uncompressed)")
    parser.add_argument("--log", default="page_cost_voila.log", help="where the server's log goes")
    parser.add_argument("demo_options", nargs="*", help="more options for bpwidgets demo (after --)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
