"""Benchmarks side by side with Brian2: one command, one table.

    python benchmarks/run.py [--quick] [--skip-peers] [--ceiling PATH] [--json FILE]

Runs our models (benchmarks/models.py, written with the public API) and the same models in Brian2
(benchmarks/peers/brian2_models.py) in this invocation. Each case runs with seeds 1, 2 and 3 (initial
state and connectivity differ): run time is the median of the three (simulation loop only), rate the
mean. Ours runs in the safe default, in the opt-out fast mode (``safe=False``) and, for COBA, with
numba's parallel option on 2 threads; Brian2 in runtime cython and cpp_standalone mode, 1 thread, and
cpp_standalone with 2 OpenMP threads for COBA. Compile time: ours cold (empty cache) and warm (a new
process); Brian2's build overhead per run. The ``single`` case is the agreement protocol: 20
unconnected LIF neurons under constant drives, compared neuron by neuron on spike counts.

``--ceiling PATH`` also times a hand-written numba COBA kernel (``PATH N DURATION euler`` must print
``run=<seconds>s``) for the ours/ceiling ratio. Brian2 runs from its own virtual environment
(benchmarks/peers/.venv, created on first use from benchmarks/peers/requirements.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
VENV = PEERS / ".venv"
SEEDS = (1, 2, 3)


def peer_python() -> Path:
    """The Brian2 environment's interpreter, created on first use."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(PEERS / "requirements.txt")], check=True)
    return python


def _last_json(command: list[str], env: dict | None = None) -> dict:
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def ours(model: str, n: int, duration: float, cache: str, seed: int, threads: int = 1, safe: bool = True) -> dict:
    """One run of our model in a fresh process (so compile times are honest)."""
    env = {**os.environ, "BP_CORE_CACHE_DIR": cache}
    return _last_json([sys.executable, str(HERE / "ours.py"), model, str(n), str(duration), str(seed), str(threads),
                       "safe" if safe else "fast"], env)


def peer(model: str, n: int, duration: float, mode: str, threads: int, workdir: str, seed: int) -> dict:
    """One Brian2 run."""
    return _last_json([str(peer_python()), str(PEERS / "brian2_models.py"), model, str(n), str(duration), mode,
                       str(threads), workdir, str(seed)])


def ceiling(path: str, n: int, duration: float) -> float:
    """Run time of the hand-written numba kernel at ``path`` (median of 3)."""
    times = []
    for _ in range(3):
        out = subprocess.run([sys.executable, path, str(n), str(duration), "euler"], capture_output=True, text=True,
                             check=True).stdout
        times.append(float(re.search(r"run=([0-9.]+)s", out).group(1)))
    return statistics.median(times)


def _summary(runs: list[dict], key: str = "run_s") -> tuple[float, float]:
    return statistics.median(r[key] for r in runs), statistics.mean(r["rate_hz"] for r in runs)


def measure(model: str, n: int, duration: float, peers: bool, parallel: bool) -> dict:
    """Every configuration of one case."""
    row: dict = {"case": f"{model}-{n}"}
    with tempfile.TemporaryDirectory() as cache:
        cold = ours(model, n, duration, cache, SEEDS[0])
        warm = [ours(model, n, duration, cache, s) for s in SEEDS]
        fast = [ours(model, n, duration, cache, s, safe=False) for s in SEEDS]
        two = [ours(model, n, duration, cache, s, threads=2) for s in SEEDS] if parallel else []
    row.update(compile_cold=cold["compile_s"], compile_warm=statistics.median(w["compile_s"] for w in warm))
    row["ours"], row["ours_rate"] = _summary(warm)
    row["ours_fast"], _ = _summary(fast)
    if two:
        row["ours_2t"], _ = _summary(two)
    row["ours_counts"] = warm[0]["counts"]
    if peers:
        configs = [("cython", 1), ("standalone", 1)] + ([("standalone", 2)] if parallel else [])
        for mode, threads in configs:
            with tempfile.TemporaryDirectory() as work:
                runs = [peer(model, n, duration, mode, threads, os.path.join(work, "p"), s) for s in SEEDS]
            name = f"{mode}_{threads}t"
            row[name], row[f"{name}_rate"] = _summary(runs, "loop_s")
            row[f"{name}_overhead"] = statistics.median(r["build_s"] + r["run_call_s"] - r["loop_s"] for r in runs)
            row[f"{name}_counts"] = runs[0]["counts"]
    return row


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(rows: list[dict], ceiling_s: float | None) -> None:
    print("\n| case | ours s (safe) | ours s (fast) | ours s (2 threads) | compile cold / warm s | Brian2 cython s "
          "| cpp 1 thread s | cpp 2 threads s | ours / cpp | fast / cpp | 2 threads / cpp 2 threads "
          "| rate ours / cpp Hz |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cpp, cpp2 = r.get("standalone_1t"), r.get("standalone_2t")
        ratio = (lambda a, b: f"{a / b:.2f}" if a is not None and b else "-")  # noqa: E731
        print(f"| {r['case']} | {_fmt(r['ours'])} | {_fmt(r['ours_fast'])} | {_fmt(r.get('ours_2t'))} "
              f"| {r['compile_cold']:.2f} / {r['compile_warm']:.2f} | {_fmt(r.get('cython_1t'))} | {_fmt(cpp)} "
              f"| {_fmt(cpp2)} | {ratio(r['ours'], cpp)} | {ratio(r['ours_fast'], cpp)} "
              f"| {ratio(r.get('ours_2t'), cpp2)} | {r['ours_rate']:.2f} / {_fmt(r.get('standalone_1t_rate'), 2)} |")
    coba = next((r for r in rows if r["case"] == "coba-4000"), None)
    if ceiling_s and coba:
        print(f"\nhand-written numba ceiling, COBA-4000: {ceiling_s:.3f} s; ours / ceiling "
              f"{coba['ours'] / ceiling_s:.2f} (fast mode {coba['ours_fast'] / ceiling_s:.2f})")
    sizes = {int(r["case"].split("-")[1]): r["ours"] for r in rows if r["case"].startswith("coba")}
    if 4000 in sizes and len(sizes) > 1:
        per = {n: t / n for n, t in sizes.items()}
        print("run time per neuron-step relative to COBA-4000: " +
              ", ".join(f"{n}: {per[n] / per[4000]:.2f}" for n in sorted(per)))
    for r in rows:
        if r["case"].startswith("single") and r.get("standalone_1t_counts"):
            same = r["ours_counts"] == r["standalone_1t_counts"]
            print(f"agreement protocol ({r['case']}): spike counts identical to Brian2 cpp_standalone: {same} "
                  f"(ours {r['ours_counts']}, Brian2 {r['standalone_1t_counts']})")
    for r in rows:
        if r.get("standalone_1t_rate") and not r["case"].startswith("single"):
            print(f"mean rate {r['case']}: ours {r['ours_rate']:.2f} Hz, Brian2 {r['standalone_1t_rate']:.2f} Hz, "
                  f"difference {100 * (r['ours_rate'] / r['standalone_1t_rate'] - 1):+.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="COBA-4000 and the agreement protocol only")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--ceiling", help="path of a hand-written numba COBA kernel script to time beside ours")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    cases = [("coba", 4000, 1000.), ("single", 20, 1000.)]
    if not args.quick:
        cases += [("cuba", 4000, 1000.), ("gamma", 100, 500.), ("coba", 16000, 1000.), ("coba", 64000, 1000.)]
    rows = []
    for model, n, duration in cases:
        row = measure(model, n, duration, not args.skip_peers, parallel=model == "coba")
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items() if not k.endswith("counts")}), flush=True)
    ceiling_s = ceiling(args.ceiling, 4000, 1000.) if args.ceiling else None
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "ceiling_s": ceiling_s}, indent=1))
    print_table(rows, ceiling_s)


if __name__ == "__main__":
    main()
