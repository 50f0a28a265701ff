"""Benchmarks side by side with Brian2: one command, one table.

    python benchmarks/run.py [--quick] [--skip-peers]

Runs our COBA, CUBA and gamma models (benchmarks/coba.py, cuba.py, gamma.py; written with the public API)
and the same models in Brian2 (benchmarks/peers/brian2_models.py) in this invocation, and prints run time
(median of 3, simulation loop only), compile time (cold, then warm in a second process), spikes, rate and
the ratio ours / peer. Brian2 runs from its own virtual environment (benchmarks/peers/.venv, created on
first use from benchmarks/peers/requirements.txt), never from the project's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
VENV = PEERS / ".venv"


def peer_python() -> Path:
    """The Brian2 environment's interpreter, created on first use."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(PEERS / "requirements.txt")], check=True)
    return python


def ours(model: str, n: int, duration: float, cache: str) -> dict:
    """Run one of our models in a fresh process (so compile times are honest); returns its JSON record."""
    env = {**os.environ, "BP_CORE_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, str(HERE / "ours.py"), model, str(n), str(duration)], capture_output=True,
                         text=True, env=env, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def peer(model: str, n: int, duration: float, mode: str, threads: int, workdir: str) -> dict:
    out = subprocess.run([str(peer_python()), str(PEERS / "brian2_models.py"), model, str(n), str(duration), mode,
                          str(threads), workdir], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one repetition, COBA-4000 only")
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    cases = [("coba", 4000, 1000.), ("cuba", 4000, 1000.), ("gamma", 100, 500.)]
    if not args.quick:
        cases += [("coba", 16000, 1000.), ("coba", 64000, 1000.)]
    else:
        cases = cases[:1]
    repeats = 1 if args.quick else 3
    rows = []
    for model, n, duration in cases:
        with tempfile.TemporaryDirectory() as cache:
            cold = ours(model, n, duration, cache)
            warm = [ours(model, n, duration, cache) for _ in range(repeats)]
        row = {"case": f"{model}-{n}", "ours_run": statistics.median(w["run_s"] for w in warm),
               "ours_compile_cold": cold["compile_s"],
               "ours_compile_warm": statistics.median(w["compile_s"] for w in warm),
               "ours_rate": warm[0]["rate_hz"], "ours_spikes": warm[0]["spikes"]}
        if not args.skip_peers:
            for mode in ("cython", "standalone"):
                with tempfile.TemporaryDirectory() as work:
                    runs = [peer(model, n, duration, mode, 1, os.path.join(work, "p")) for _ in range(repeats)]
                row[f"{mode}_run"] = statistics.median(r["loop_s"] for r in runs)
                row[f"{mode}_overhead"] = runs[0]["build_s"] + runs[0]["run_call_s"] - runs[0]["loop_s"]
                row[f"{mode}_rate"] = runs[0]["rate_hz"]
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print(f"{'case':<12}{'ours s':>9}{'cold s':>8}{'warm s':>8}{'rate Hz':>9}{'cython s':>10}{'cpp s':>8}"
          f"{'cpp rate':>10}{'ours/cpp':>10}")
    for r in rows:
        cpp = r.get("standalone_run")
        print(f"{r['case']:<12}{r['ours_run']:>9.3f}{r['ours_compile_cold']:>8.2f}{r['ours_compile_warm']:>8.2f}"
              f"{r['ours_rate']:>9.1f}{r.get('cython_run', float('nan')):>10.3f}{cpp or float('nan'):>8.3f}"
              f"{r.get('standalone_rate', float('nan')):>10.1f}{(r['ours_run'] / cpp) if cpp else float('nan'):>10.2f}")


if __name__ == "__main__":
    main()
