"""Where one dashboard page's Chromium CPU goes, from the DevTools protocol's tracing: script compiled and run per
bundle, style, layout and paint, the kernel's WebSocket messages handled, the widget models created; and the same
page served in several ways, one page of each in turn, so that a loaded machine's drift falls on all of them.

Each variant is a server of its own (``python -m bpwidgets.serving`` on the dashboards, as ``bpwidgets demo`` starts
it, with pre-started kernels): ``LABEL=ROOT`` serves the code of the source tree at ``ROOT`` (another checkout: the
previous code beside the new), ``LABEL=ROOT@TEMPLATE`` with another Voila template (``lab``, ``classic``).

- ``cpu``: CPU seconds of every Chromium process from just before navigation to the figure drawn (psutil), measured
  on a page loaded without tracing;
- ``main``: the page's main thread, from a traced page: top-level tasks, split by what each task started with
  (parsing the HTML, running a script, a WebSocket message, a timer, an animation frame, style and layout, paint,
  garbage collection), and the time compiling and evaluating each script, by file;
- ``models``: JavaScript sampled in the traced page inside the widget manager's model and view creation.

    python benchmarks/page_trace.py --dashboards gamma,hh_neuron --variant new=. --variant classic=.@classic
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.page_cost import browser_pid, chromium_cpu, cpu_since  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, free_port, wait_for_http  # noqa: E402
from tests.browser.pages import DRAWN_WATCH, drawn_probe  # noqa: E402

TIMEOUT_MS = 300_000
POOL_TIMEOUT = 1200.0
CATEGORIES = ",".join(["devtools.timeline", "v8.execute", "disabled-by-default-devtools.timeline",
                       "disabled-by-default-v8.compile", "toplevel", "v8"])
MODEL_FUNCTIONS = re.compile(r"^(_make_model|new_model|_handleCommOpen|handle_comm_open|create_view|_create_view|"
                             r"set_state|_deserialize_state|_loadFromKernel|display_view)$")
"""Widget manager functions (jupyter-widgets base and lab manager) whose inclusive time is model and view making."""
PHASES = {  # trace events by what the main thread does in them (outermost only: a compile inside a compile once)
    "compile JS": ("v8.compile", "v8.compileModule", "V8.CompileCode", "V8.ParseFunction", "V8.CompileStreamedScript",
                   "V8.PreParse", "V8.CompileLazy", "v8.parseOnBackground"),
    "GC": ("MinorGC", "MajorGC", "V8.GCScavenger", "V8.GC_SCAVENGER", "V8.GCCompactor", "BlinkGC.AtomicPhase",
           "V8.GCIncrementalMarking", "V8.GCFinalizeMC"),
    "style and layout": ("UpdateLayoutTree", "Layout", "ParseAuthorStyleSheet", "RecalculateStyles"),
    "paint": ("Paint", "PrePaint", "Layerize", "CompositeLayers", "Commit", "UpdateLayer", "PaintImage"),
    "HTML parse (self)": (),
}
PHASE_OF = {name: phase for phase, names in PHASES.items() for name in names}


def short(url: str) -> str:
    return (url.rsplit("/", 1)[-1].split("?")[0] or url)[:48] if url else "(page)"


def task_kind(event: dict) -> str:
    """What a top-level task's first labelled descendant says it is."""
    name, data = event["name"], event.get("args", {}).get("data", {}) or {}
    if name == "EventDispatch":
        return f"event {data.get('type', '?')}"
    if name in ("EvaluateScript", "v8.compile", "v8.compileModule", "v8.evaluateModule"):
        return "script load"
    if name == "FunctionCall":
        return f"call {short(data.get('url', ''))}"
    if name in ("TimerFire", "FireAnimationFrame", "FireIdleCallback", "RunMicrotasks", "ParseHTML",
                "ParseAuthorStyleSheet", "UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Layerize",
                "MinorGC", "MajorGC", "V8.GC_SCAVENGER", "XHRReadyStateChange", "ResourceReceivedData",
                "ResourceReceiveResponse", "ResourceFinish", "HitTest", "ScheduleStyleRecalculation"):
        return {"V8.GC_SCAVENGER": "MinorGC"}.get(name, name)
    return ""


def analyse(events: list[dict]) -> dict:
    """Main-thread time of the page's renderer: by task kind, by event (self time), per script file."""
    threads = {(e["pid"], e["tid"]) for e in events
               if e.get("ph") == "M" and e["name"] == "thread_name" and e["args"]["name"] == "CrRendererMain"}
    # the page's renderer: the main thread that ran the most (the about:blank and other renderers do little)
    busy = collections.Counter()
    for e in events:
        if (e["pid"], e["tid"]) in threads and e.get("ph") == "X" and e["name"] == "RunTask":
            busy[(e["pid"], e["tid"])] += e.get("dur", 0)
    if not busy:
        return {}
    main = busy.most_common(1)[0][0]
    spans = sorted((e for e in events if (e["pid"], e["tid"]) == main and e.get("ph") == "X" and "dur" in e),
                   key=lambda e: (e["ts"], -e["dur"]))
    by_kind, self_time, by_script = collections.Counter(), collections.Counter(), collections.Counter()
    phases = collections.Counter()
    stack: list[list] = []  # [event, its end, its children's time]
    for e in [*spans, None]:
        while stack and (e is None or stack[-1][1] <= e["ts"]):
            done = stack.pop()
            self_time[done[0]["name"]] += done[0]["dur"] - done[2]
            if done[0]["name"] == "ParseHTML":
                phases["HTML parse (self)"] += done[0]["dur"] - done[2]
        if e is None:
            break
        if stack:
            stack[-1][2] += e["dur"]
        phase = PHASE_OF.get(e["name"])
        if phase and not any(PHASE_OF.get(s[0]["name"]) == phase for s in stack):
            phases[phase] += e["dur"]
        stack.append([e, e["ts"] + e["dur"], 0])
        if e["name"] in ("v8.compile", "v8.compileModule", "EvaluateScript", "v8.evaluateModule"):
            data = e.get("args", {}).get("data", {}) or {}
            what = "compile" if "ompile" in e["name"] else "run (with compile)"
            by_script[(short(data.get("url", "")), what)] += e["dur"]
    tops, end = [], -1
    for e in spans:
        if e["ts"] >= end:
            tops.append(e)
            end = e["ts"] + e["dur"]
    for top, kind in zip(tops, _kinds_of(spans, tops)):
        by_kind[kind or "other"] += top["dur"]
    task = sum(t["dur"] for t in tops)
    phases["the rest (running JS, events, IPC)"] = task - sum(phases.values())
    return {"task_s": task / 1e6, "phases": {k: v / 1e6 for k, v in phases.items()},
            "by_kind": {k: v / 1e6 for k, v in by_kind.items()},
            "self": {k: v / 1e6 for k, v in self_time.items()},
            "by_script": {f"{u} {w}": v / 1e6 for (u, w), v in by_script.items()}}


def _kinds_of(spans: list[dict], tops: list[dict]) -> list[str]:
    """Each top-level task's kind: that of the first event inside it that names one."""
    kinds, k = [], 0
    for top in tops:
        end, kind = top["ts"] + top["dur"], task_kind(top) if top["name"] != "RunTask" else ""
        while k < len(spans) and spans[k]["ts"] < end:
            if not kind and spans[k] is not top:
                kind = task_kind(spans[k])
            k += 1
        kinds.append(kind)
    return kinds


def model_time(profile: dict) -> float:
    """Seconds of sampled JavaScript with a widget manager's model or view making function on its stack."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    inside: dict[int, bool] = {}

    def within(node_id: int) -> bool:
        chain = []
        while node_id is not None and node_id not in inside:
            chain.append(node_id)
            if MODEL_FUNCTIONS.match(nodes[node_id]["callFrame"].get("functionName", "")):
                break
            node_id = parent.get(node_id)
        answer = inside.get(node_id, False) if node_id in inside else node_id is not None
        for n in chain:
            inside[n] = answer
        return answer

    return sum(delta for node_id, delta in zip(profile["samples"], profile["timeDeltas"]) if within(node_id)) / 1e6


async def page_once(browser, pid: int, url: str, name: str, trace: bool, dump: str | None = None) -> dict:
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    await page.add_init_script(DRAWN_WATCH)  # the figure is looked at when drawn on, not at each poll
    cdp = await context.new_cdp_session(page)
    events: list[dict] = []
    complete = asyncio.Event()
    if trace:
        await cdp.send("Profiler.enable")
        await cdp.send("Profiler.setSamplingInterval", {"interval": 500})
        await cdp.send("Profiler.start")
        cdp.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
        cdp.on("Tracing.tracingComplete", lambda e: complete.set())
        await cdp.send("Tracing.start", {"traceConfig": {"includedCategories": CATEGORIES.split(",")},
                                         "transferMode": "ReportEvents"})
    cpu0 = chromium_cpu(pid)
    start = time.monotonic()
    await page.goto(url, timeout=TIMEOUT_MS)
    await page.wait_for_function(drawn_probe(name), timeout=TIMEOUT_MS, polling=100)
    drawn = time.monotonic() - start
    cpu = cpu_since(cpu0, chromium_cpu(pid))
    models = await page.evaluate("() => document.querySelectorAll('.jupyter-widgets, .widget-box').length")
    result = {"drawn_s": drawn, "cpu_s": sum(cpu.values()), "cpu_by_process": cpu, "widget_nodes": models}
    if trace:
        profile = (await cdp.send("Profiler.stop"))["profile"]
        await cdp.send("Tracing.end")
        await asyncio.wait_for(complete.wait(), 120)
        result.update(analyse(events), models_s=model_time(profile))
        if dump:
            Path(dump).mkdir(parents=True, exist_ok=True)
            stem = Path(dump) / f"{name}-{time.strftime('%H%M%S')}"
            stem.with_suffix(".cpuprofile").write_text(json.dumps(profile))
            stem.with_suffix(".trace.json").write_text(json.dumps({"traceEvents": events}))
    await context.close()
    return result


def start_server(label: str, spec: str, dashboards: list[str], pages: int, log: Path) -> tuple[subprocess.Popen, str]:
    root, _, template = spec.partition("@")
    root = Path(root).resolve()
    sys.path.insert(0, str(root))
    from bpwidgets.server_command import voila_command  # noqa: E402

    port = free_port()
    command = voila_command(port, False, 3600, root / "bpwidgets" / "dashboards",
                            pool=["0", *(f"{n}={pages}" for n in dashboards)])
    if template:  # in place of the page the command line chose
        command = [arg for arg in command if not arg.startswith("--VoilaConfiguration.template=")]
        command.append(f"--VoilaConfiguration.template={template}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    server = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=root, env=env)
    return server, f"http://127.0.0.1:{port}"


def wait_for_pools(logs: list[Path], names: list[str]) -> None:
    start = time.monotonic()
    while not all(re.search(rf"Pre-started kernel \S+ has run {n}\.ipynb", log.read_text(errors="replace"))
                  for log in logs for n in names):
        if time.monotonic() - start > POOL_TIMEOUT:
            raise TimeoutError("the pools did not fill")
        time.sleep(1.0)


def report(name: str, label: str, runs: list[dict], traced: list[dict]) -> None:
    med = lambda rows, f: statistics.median(f(r) for r in rows)  # noqa: E731
    cpu = [r["cpu_s"] for r in runs]
    print(f"{name:10s} {label:10s} Chromium CPU median {statistics.median(cpu):.2f} s (runs "
          f"{', '.join(f'{c:.2f}' for c in cpu)}; renderer {med(runs, lambda r: r['cpu_by_process'].get('renderer', 0)):.2f}"
          f", browser {med(runs, lambda r: r['cpu_by_process'].get('browser', 0)):.2f}) drawn after "
          f"{med(runs, lambda r: r['drawn_s']):.1f} s", flush=True)
    traced = [t for t in traced if "task_s" in t]
    if not traced:
        return
    print(f"    traced: main thread {med(traced, lambda t: t['task_s']):.2f} s of tasks; widget model/view making "
          f"(sampled JS) {med(traced, lambda t: t['models_s']):.2f} s")
    for key, title in (("phases", "main thread by phase"), ("by_kind", "tasks by kind"), ("self", "self time by event"), ("by_script", "scripts")):
        names = collections.Counter()
        for t in traced:
            names.update(t[key])
        top = [k for k, _ in names.most_common(14)]
        print(f"    {title}: " + ", ".join(f"{k} {med(traced, lambda t: t[key].get(k, 0)):.3f}" for k in top))


async def run(args) -> None:
    from playwright.async_api import async_playwright

    variants = [v.partition("=")[::2] for v in args.variant]
    servers, logs, bases = [], [], {}
    try:
        for label, spec in variants:
            log = Path(args.log_dir) / f"page_trace_{label}.log"
            server, base = start_server(label, spec, args.dashboards, args.repeat * (1 + args.trace) + 1, log)
            servers.append(server)
            logs.append(log)
            bases[label] = base
        for base in bases.values():
            wait_for_http(f"{base}/voila/render/index.ipynb", timeout=300)
        wait_for_pools(logs, args.dashboards)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            pid = browser_pid()
            for name in args.dashboards:
                plain = {label: [] for label, _ in variants}
                traced = {label: [] for label, _ in variants}
                for _ in range(args.repeat):
                    for label, _ in variants:  # interleaved: one page of each variant in turn
                        url = f"{bases[label]}/voila/render/{name}.ipynb"
                        plain[label].append(await page_once(browser, pid, url, name, False))
                        await asyncio.sleep(args.pause)
                        if args.trace:
                            traced[label].append(await page_once(browser, pid, url, name, True, args.dump))
                            await asyncio.sleep(args.pause)
                for label, _ in variants:
                    report(name, label, plain[label], traced[label])
            await browser.close()
    finally:
        for server in servers:
            children = psutil.Process(server.pid).children(recursive=True)
            server.terminate()
            server.wait(timeout=60)
            psutil.wait_procs(children, timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dashboards", type=lambda s: s.split(","), default=["gamma", "hh_neuron"])
    parser.add_argument("--variant", action="append", default=[], metavar="LABEL=ROOT[@TEMPLATE]",
                        help="a server to compare (default: this tree as it is)")
    parser.add_argument("--repeat", type=int, default=3, help="pages of each variant, in turn")
    parser.add_argument("--trace", action="store_true", help="also a traced page of each variant each round")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between pages")
    parser.add_argument("--dump", default=None, help="a folder to keep each traced page's trace and CPU profile in "
                        "(open them in Chromium's DevTools, Performance panel)")
    parser.add_argument("--log-dir", default=".", help="where the servers' logs go")
    args = parser.parse_args()
    args.variant = args.variant or [f"this={ROOT}"]
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
