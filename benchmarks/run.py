"""Benchmarks side by side with Brian2 and ANNarchy: one command, one table.

    python benchmarks/run.py [--quick] [--skip-peers] [--ceiling PATH] [--json FILE]

Runs our models (benchmarks/models.py, written with the public API, every spike recorded by the spike
monitor) and the same models in Brian2 (benchmarks/peers/brian2_models.py, SpikeMonitor) and ANNarchy 5
(benchmarks/peers/annarchy_models.py, spike Monitor; COBA and CUBA) in this invocation. COBA and CUBA
also run in the spec's idiom (``coba_spec``, ``cuba_spec``: the same network, synapses written with
``np.where`` and fancy indexing); the peers' figures for those rows are the same models' runs.
Each case runs with seeds 1, 2 and 3 (initial
state and connectivity differ): run time is the median of the three (simulation loop only), rate the
mean. Ours runs in the safe default, in the opt-out fast mode (``safe=False``) and, for COBA, with
numba's parallel option on 2 threads; Brian2 in runtime cython and cpp_standalone mode, 1 thread, and
cpp_standalone with 2 OpenMP threads for COBA. Compile time: ours cold (empty cache) and warm (a new
process); Brian2's build overhead per run. The ``single`` case is the agreement protocol: 20
unconnected LIF neurons under constant drives, compared neuron by neuron on spike counts.

``--ceiling PATH`` also times a hand-written numba COBA kernel (``PATH N DURATION euler`` must print
``run=<seconds>s``) for the ours/ceiling ratio. Brian2 runs from its own virtual environment
(benchmarks/peers/.venv, created on first use from benchmarks/peers/requirements.txt), ANNarchy from
benchmarks/peers/.venv-annarchy (from requirements-annarchy.txt).
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
SEEDS = (1, 2, 3)
ENVIRONMENTS = {"brian2": (".venv", "requirements.txt"), "annarchy": (".venv-annarchy", "requirements-annarchy.txt")}


def peer_python(peer: str = "brian2") -> Path:
    """A peer's own environment's interpreter, created on first use."""
    folder, requirements = ENVIRONMENTS[peer]
    python = PEERS / folder / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS / folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(PEERS / requirements)], check=True)
    return python


def _last_json(command: list[str], env: dict | None = None) -> dict:
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def ours(model: str, n: int, duration: float, cache: str, seed: int, threads: int = 1, safe: bool = True,
         float_type: str = "float64") -> dict:
    """One run of our model in a fresh process (so compile times are honest)."""
    env = {**os.environ, "BP_CORE_CACHE_DIR": cache}
    return _last_json([sys.executable, str(HERE / "ours.py"), model, str(n), str(duration), str(seed), str(threads),
                       "safe" if safe else "fast", float_type], env)


def peer(model: str, n: int, duration: float, mode: str, threads: int, workdir: str, seed: int) -> dict:
    """One Brian2 run."""
    return _last_json([str(peer_python()), str(PEERS / "brian2_models.py"), model, str(n), str(duration), mode,
                       str(threads), workdir, str(seed)])


def annarchy(model: str, n: int, duration: float, workdir: str, seed: int) -> dict:
    """One ANNarchy run (its C++ build is cached in ``workdir`` across seeds)."""
    return _last_json([str(peer_python("annarchy")), str(PEERS / "annarchy_models.py"), model, str(n), str(duration),
                       workdir, str(seed)])


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


def measure(model: str, n: int, duration: float, peers: bool, parallel: bool, peer_rows: dict) -> dict:
    """Every configuration of one case; peers' figures of a model are measured once, in ``peer_rows``."""
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
    base = model.removesuffix("_spec")
    if peers and (base, n) not in peer_rows:
        peer_rows[(base, n)] = measure_peers(base, n, duration, parallel)
    row.update(peer_rows.get((base, n), {}))
    return row


def measure_peers(model: str, n: int, duration: float, parallel: bool) -> dict:
    """Brian2 (cython, cpp_standalone 1 and 2 threads) and, for COBA and CUBA, ANNarchy."""
    row: dict = {}
    configs = [("cython", 1), ("standalone", 1)] + ([("standalone", 2)] if parallel else [])
    for mode, threads in configs:
        with tempfile.TemporaryDirectory() as work:
            runs = [peer(model, n, duration, mode, threads, os.path.join(work, "p"), s) for s in SEEDS]
        name = f"{mode}_{threads}t"
        row[name], row[f"{name}_rate"] = _summary(runs, "loop_s")
        row[f"{name}_overhead"] = statistics.median(r["build_s"] + r["run_call_s"] - r["loop_s"] for r in runs)
        row[f"{name}_counts"] = runs[0]["counts"]
    if model in ("coba", "cuba"):
        with tempfile.TemporaryDirectory() as work:
            runs = [annarchy(model, n, duration, work, s) for s in SEEDS]
        row["annarchy"], row["annarchy_rate"] = _summary(runs, "loop_s")
    return row


def measure_float32(n: int, duration: float) -> dict:
    """COBA in float32 beside float64, same seeds, in one invocation."""
    row: dict = {"case": f"coba-{n} float32 / float64"}
    with tempfile.TemporaryDirectory() as cache:
        for float_type in ("float64", "float32"):
            ours("coba", n, duration, cache, SEEDS[0], float_type=float_type)  # compile
            runs = [ours("coba", n, duration, cache, s, float_type=float_type) for s in SEEDS]
            row[float_type], row[f"{float_type}_rate"] = _summary(runs)
    return row


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(rows: list[dict], ceiling_s: float | None, extra: list[dict] = ()) -> None:
    print("\n| case | ours s (safe) | ours s (fast) | ours s (2 threads) | compile cold / warm s | Brian2 cython s "
          "| cpp 1 thread s | cpp 2 threads s | ANNarchy s | ours / cpp | ours / ANNarchy | fast / cpp "
          "| 2 threads / cpp 2 threads | rate ours / cpp / ANNarchy Hz |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cpp, cpp2, ann = r.get("standalone_1t"), r.get("standalone_2t"), r.get("annarchy")
        ratio = (lambda a, b: f"{a / b:.2f}" if a is not None and b else "-")  # noqa: E731
        print(f"| {r['case']} | {_fmt(r['ours'])} | {_fmt(r['ours_fast'])} | {_fmt(r.get('ours_2t'))} "
              f"| {r['compile_cold']:.2f} / {r['compile_warm']:.2f} | {_fmt(r.get('cython_1t'))} | {_fmt(cpp)} "
              f"| {_fmt(cpp2)} | {_fmt(ann)} | {ratio(r['ours'], cpp)} | {ratio(r['ours'], ann)} "
              f"| {ratio(r['ours_fast'], cpp)} | {ratio(r.get('ours_2t'), cpp2)} "
              f"| {r['ours_rate']:.2f} / {_fmt(r.get('standalone_1t_rate'), 2)} / {_fmt(r.get('annarchy_rate'), 2)} |")
    for r in extra:
        if "float32" in r:
            print(f"\n{r['case']}: float64 {r['float64']:.3f} s, float32 {r['float32']:.3f} s "
                  f"(float32 {r['float64'] / r['float32']:.2f}x faster); rates {r['float64_rate']:.2f} / "
                  f"{r['float32_rate']:.2f} Hz ({100 * (r['float32_rate'] / r['float64_rate'] - 1):+.1f} %)")
        if "monitor_mb" in r:
            print(f"\n{r['case']}: spike monitor {r['monitor_mb']:.1f} MB for {r['spikes']} spikes")
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
    parser.add_argument("--cases", help="only these cases, MODEL:N[:MS] (1 s unless said), e.g. gamma:100:500")
    parser.add_argument("--extras", action="store_true", help="with --cases: also the float32 and 10 s rows")
    args = parser.parse_args()
    cases = [("coba", 4000, 1000.), ("coba_spec", 4000, 1000.), ("single", 20, 1000.)]
    if not args.quick:
        cases += [("cuba", 4000, 1000.), ("cuba_spec", 4000, 1000.), ("coba", 16000, 1000.),
                  ("coba_spec", 16000, 1000.), ("cuba", 16000, 1000.), ("cuba_spec", 16000, 1000.),
                  ("gamma", 100, 500.), ("coba", 64000, 1000.)]
    if args.cases:
        cases = [(c.split(":")[0], int(c.split(":")[1]), float((c.split(":") + ["1000"])[2]))
                 for c in args.cases.split(",")]
    rows, peer_rows = [], {}
    for model, n, duration in cases:
        row = measure(model, n, duration, not args.skip_peers, parallel=model == "coba", peer_rows=peer_rows)
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items() if not k.endswith("counts")}), flush=True)
    extra = []
    if not args.quick and (not args.cases or args.extras):
        extra.append(measure_float32(16000, 1000.))
        with tempfile.TemporaryDirectory() as cache:
            ten = ours("coba", 4000, 10000., cache, SEEDS[0])
        extra.append({"case": "coba-4000, 10 s", "monitor_mb": ten["monitor_mb"], "spikes": ten["spikes"]})
    ceiling_s = ceiling(args.ceiling, 4000, 1000.) if args.ceiling else None
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "extra": extra, "ceiling_s": ceiling_s}, indent=1))
    print_table(rows, ceiling_s, extra)


if __name__ == "__main__":
    main()
