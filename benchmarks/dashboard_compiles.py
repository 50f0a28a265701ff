"""What each dashboard compiles on its first open after a fresh install: every numba compilation its cell and
its first live passes trigger (top-level dispatchers only: a kernel's helpers compile inside it), with the
seconds each took, in a new process with empty compile caches; then the same again with the caches it filled.

    python benchmarks/dashboard_compiles.py                      # every dashboard
    python benchmarks/dashboard_compiles.py gamma hh_neuron

Each dashboard runs in a process of its own (``--one NAME`` is that process), as a page's kernel would.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def profile_one(name: str) -> dict:
    """Build dashboard ``name``, wait for its live runners' first passes; the compilations and times taken."""
    from numba.core import event

    compiles, depth, starts = [], [0], {}

    class Listener(event.Listener):
        def on_start(self, ev):
            depth[0] += 1
            if depth[0] == 1:
                starts["t"] = time.perf_counter()

        def on_end(self, ev):
            depth[0] -= 1
            if depth[0] == 0:
                dispatcher = ev.data.get("dispatcher")
                label = getattr(getattr(dispatcher, "py_func", None), "__qualname__", str(dispatcher))
                module = getattr(getattr(dispatcher, "py_func", None), "__module__", "")
                compiles.append((f"{module}.{label}", time.perf_counter() - starts["t"]))

    start = time.perf_counter()
    import bp_core  # noqa: F401
    import bpwidgets  # noqa: F401
    imported = time.perf_counter() - start
    with event.install_listener("numba:compile", Listener()):
        module = __import__(f"bpwidgets.dashboards.{name}", fromlist=["app"])
        built = time.perf_counter()
        module.app()
        cell = time.perf_counter() - built
        from bpwidgets.runner import LiveRunner

        for runner in [o for o in gc.get_objects() if isinstance(o, LiveRunner)]:
            runner.wait(600)
    return {"name": name, "imports_s": imported, "cell_s": cell, "total_s": time.perf_counter() - start,
            "compiles": compiles}


def run(name: str, env: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", name], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dashboards", nargs="*")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(profile_one(args.one)))
        return 0
    from bpwidgets.dashboards import DASHBOARDS

    for name in args.dashboards or list(DASHBOARDS):
        with tempfile.TemporaryDirectory(prefix="bpwidgets-cold-") as cold:
            env = {**os.environ, "NUMBA_CACHE_DIR": f"{cold}/numba", "BP_CORE_CACHE_DIR": f"{cold}/bp_core"}
            for state in ("cold", "warm"):
                result = run(name, env)
                compiles = result["compiles"]
                print(f"{name:15s} {state}: cell {result['cell_s']:6.1f} s, to first passes {result['total_s']:6.1f}"
                      f" s (imports {result['imports_s']:.1f} s); {len(compiles)} compilations, "
                      f"{sum(s for _, s in compiles):.1f} s", flush=True)
                if state == "cold":
                    for label, seconds in sorted(compiles, key=lambda c: -c[1]):
                        print(f"    {seconds:6.2f} s  {label}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
