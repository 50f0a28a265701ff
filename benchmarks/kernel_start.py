"""One page's kernel from its start to its first figure data, with the first pass simulated and with it shared.

A Jupyter kernel is started as Voila starts a page's, runs the dashboard's cell, and the live runners' first
passes are awaited; the kernel's CPU seconds (user + system, its own process) are read when the last first pass
has reached its figures, and its memory. Two ways, interleaved: ``simulated`` (no recorded pass: the kernel builds
its network, loads the compiled kernel and simulates, as before passes were shared) and ``shared`` (the pass
recorded by a warm-up kernel first, as ``bpwidgets demo`` records it: the kernel streams it from the file; the
Hodgkin-Huxley neuron's F-I curve and first trace, the phase portrait and diagrams of ``fhn_lecture`` and
``hh_bifurcation``, are read the same way). Each way gets its own cache folder; the compiled code comes from the
usual on-disk caches in both. An edit of ``bp_core`` or ``bpwidgets`` while this runs changes the recording's key:
the 'shared' kernels then simulate (their passes are not reported 'streamed').

    python benchmarks/kernel_start.py                    # gamma, 5 kernels each way
    python benchmarks/kernel_start.py --dashboard ei_balance --repeat 3
    python benchmarks/kernel_start.py --dashboard fhn_lecture --repeat 3   # no live pass: CPU to the figures' data
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil
from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpwidgets.first_pass import RECORD_ENV  # noqa: E402

PASS_TIMEOUT = 600
FIRST_PASSES = f"""\
import gc as _gc, time as _time
from bpwidgets.runner import LiveRunner as _LiveRunner
_deadline = _time.monotonic() + {PASS_TIMEOUT}
_runners = [_o for _o in _gc.get_objects() if isinstance(_o, _LiveRunner)]
while any(_r.completed_passes == 0 and _r.status != "error" for _r in _runners) and _time.monotonic() < _deadline:
    await __import__("asyncio").sleep(0.01)
# a streamed pass claims no simulation speed: 'streamed' says the kernel found the recording (an edit of the code
# between the recording and this kernel changes the key, and the kernel simulates)
print(sum(_r.completed_passes for _r in _runners), ["streamed" if _r.speed == 0 else _r.status for _r in _runners])
"""
"""Waits, on the kernel's event loop (which delivers the frames), until every runner's first pass has been drawn."""


def run_kernel(dashboard: str, cache: str, record: bool = False) -> dict:
    """Start a kernel, run ``dashboard``'s cell and wait for its first passes; its CPU seconds and memory then."""
    env = {**os.environ, "BPWIDGETS_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
    env.pop("VOILA_PREHEAT", None)
    if record:
        env[RECORD_ENV] = "1"
    started = time.perf_counter()
    sockets = tempfile.mkdtemp(prefix="bp-kernel-")
    km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel"))  # as Voila's
    km.start_kernel(env=env, cwd=str(ROOT))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=PASS_TIMEOUT)
        process = psutil.Process(km.provisioner.process.pid)
        outputs = []
        for code in (f"from bpwidgets.dashboards.{dashboard} import app\n_w = app()", FIRST_PASSES):
            reply = kc.execute_interactive(code, timeout=PASS_TIMEOUT, output_hook=outputs.append)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{dashboard}: {reply['content'].get('evalue')}")
        times, memory = process.cpu_times(), process.memory_info()
        printed = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        return {"cpu_s": times.user + times.system, "wall_s": time.perf_counter() - started,
                "rss_mb": memory.rss / 2**20, "passes": printed.strip()}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dashboard", default="gamma")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bp-kernel-start-") as folder:
        simulated, shared = os.path.join(folder, "simulated"), os.path.join(folder, "shared")
        warm = run_kernel(args.dashboard, shared, record=True)
        print(f"recording kernel (warm-up): {warm['cpu_s']:.2f} s CPU, passes {warm['passes']}")
        results: dict[str, list[dict]] = {"simulated": [], "shared": []}
        for k in range(args.repeat):
            for way, cache in (("simulated", simulated), ("shared", shared))[::1 if k % 2 == 0 else -1]:
                result = run_kernel(args.dashboard, cache)
                results[way].append(result)
                print(f"{way:9s} cpu {result['cpu_s']:.2f} s  wall {result['wall_s']:.2f} s  "
                      f"rss {result['rss_mb']:.0f} MB  passes {result['passes']}", flush=True)
        for way, runs in results.items():
            cpu = [r["cpu_s"] for r in runs]
            print(f"{args.dashboard} {way}: kernel CPU to first figure data median {statistics.median(cpu):.2f} s "
                  f"(min {min(cpu):.2f}, max {max(cpu):.2f}), RSS median "
                  f"{statistics.median(r['rss_mb'] for r in runs):.0f} MB, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
