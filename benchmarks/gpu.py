"""COBA, CUBA and Brunel on the GPU against our one-thread and all-core CPU kernels, in one invocation.

    python benchmarks/gpu.py [--duration MS] [--sizes 4000,64000,256000,1000000] [--json FILE]
    python benchmarks/gpu.py --tiny      # no GPU needed: the GPU half runs in numba-cuda's simulator

For each model (benchmarks/models.py, the tuned form: synapse steps walk ``pre2post[i]``; every spike
recorded) and size, the network is built three times from the same seed: device 'cpu' with numba's
parallel option off (one thread), on (all cores, as the network decides by measurement), and device
'gpu'. Each is run once to compile, then timed from the same initial state. The firing rates are
checked: each within the model's expected range, and the GPU's within a tolerance of the one-thread
CPU's (10 % for COBA and CUBA; float atomics make GPU sums differ in their last bits, so spikes are
compared statistically). Brunel (``examples/brunel_2000``: Poisson drive, spike queues of 1.5 ms,
epsilon 0.1) runs at 12,500 neurons (``--brunel-size``), beside the other models' sizes; its GPU draws
come from other random streams than the CPU's and its rate moves by tens of percent between streams
(37-62 Hz over Brian2's five seeds at 2,500 neurons), so its tolerance is 25 %.
On one H100 the default sizes and duration take a few minutes, most of it in the CPU runs at 1M
neurons and in building their connectivity. ``--tiny`` sets ``NUMBA_ENABLE_CUDASIM=1`` before numba
is imported and runs 200 neurons for 2 ms (Brunel 3 ms): it checks the script, not the speed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

RATES = {"COBA": (2., 60.), "CUBA": (2., 60.), "Brunel": (10., 150.)}
"""Hz: firing rates a correct run gives at the benchmark sizes (COBA about 15-25, CUBA about 5-15, Brunel 35-65)."""
AGREE = {"COBA": 0.1, "CUBA": 0.1, "Brunel": 0.25}
"""Largest relative difference of the GPU's rate from the one-thread CPU's."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=None, help="ms of simulated time (default 500)")
    parser.add_argument("--sizes", default="4000,64000,256000,1000000")
    parser.add_argument("--models", default="COBA,CUBA,Brunel")
    parser.add_argument("--brunel-size", type=int, default=12500, help="neurons of Brunel's network")
    parser.add_argument("--tiny", action="store_true", help="200 neurons, 2 ms, GPU half in the simulator")
    parser.add_argument("--json", default="", help="write the rows to this file")
    args = parser.parse_args()
    if args.tiny:
        os.environ["NUMBA_ENABLE_CUDASIM"] = "1"  # read when numba-cuda is imported, so before bp_core runs
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import models  # noqa: E402  (after the simulator switch)
    import numpy as np

    import bp_core as bp

    sizes = [200] if args.tiny else [int(s) for s in args.sizes.split(",")]
    builders = {"COBA": models.build_coba, "CUBA": models.build_cuba, "Brunel": _build_brunel}
    rows = []
    for name in args.models.split(","):
        duration = args.duration or (2.0 if args.tiny else 500.0)
        if name == "Brunel" and args.tiny:
            duration = max(duration, 3.0)  # past its 1.5 ms delay
        for n in ([200] if args.tiny else [args.brunel_size]) if name == "Brunel" else sizes:
            found = {}
            for kind in ("cpu-1", "cpu-all", "gpu"):
                bp.profile.set(device="gpu" if kind == "gpu" else "cpu")
                bp.profile.set_numba_profile(parallel=kind == "cpu-all")
                np.random.seed(1)
                began = time.perf_counter()
                net, group, reset, _ = builders[name](n, seed=1)
                built = time.perf_counter()
                net.run(duration if args.tiny else 1.0)  # compiles (or loads the cached kernel)
                compiled = time.perf_counter()
                reset()
                start = time.perf_counter()
                net.run(duration)
                elapsed = time.perf_counter() - start
                rate = float(models.spike_counts(group).sum() / n / (duration / 1000.))
                found[kind] = rate
                row = {"model": name, "N": n, "kind": kind, "duration_ms": duration, "run_s": round(elapsed, 4),
                       "build_s": round(built - began, 2), "first_run_s": round(compiled - built, 2),
                       "rate_Hz": round(rate, 2)}
                rows.append(row)
                print(json.dumps(row), flush=True)
                del net, group
            bp.profile.set(device="cpu")
            bp.profile.set_numba_profile(parallel=False)
            _check(name, n, found, args.tiny)
    _table(rows)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1)


def _build_brunel(n: int, seed: int = 1):
    """``examples/brunel_2000`` at ``n`` neurons, with the reset to its first state (a snapshot) that the timing uses."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from examples.brunel_2000 import model as brunel

    net, group = brunel.build(N_E=round(0.8 * n), seed=seed)
    start = net.snapshot()
    return net, group, lambda: net.restore(start, parameters=False), ()


def _check(name: str, n: int, rates: dict[str, float], tiny: bool) -> None:
    """Raise if a rate is out of the model's range or the GPU's differs from the one-thread CPU's."""
    if tiny:  # 2 ms: too short for a rate, but both devices must fire alike
        if abs(rates["gpu"] - rates["cpu-1"]) > 2 * AGREE[name] * max(rates["cpu-1"], 1.0):
            raise SystemExit(f"{name} N={n}: GPU rate {rates['gpu']:.1f} Hz, one-thread CPU {rates['cpu-1']:.1f} Hz")
        return
    low, high = RATES[name]
    for kind, rate in rates.items():
        if not low <= rate <= high:
            raise SystemExit(f"{name} N={n} {kind}: rate {rate:.1f} Hz outside [{low}, {high}] Hz")
    if abs(rates["gpu"] - rates["cpu-1"]) > AGREE[name] * rates["cpu-1"]:
        raise SystemExit(f"{name} N={n}: GPU rate {rates['gpu']:.2f} Hz, one-thread CPU {rates['cpu-1']:.2f} Hz")


def _table(rows: list[dict]) -> None:
    """Markdown: run time of each kernel and the GPU's speed-up over each CPU kernel."""
    print("\n| model | N | one thread (s) | all cores (s) | GPU (s) | GPU vs one thread | GPU vs all cores "
          "| rate (Hz) |")
    print("|---|---|---|---|---|---|---|---|")
    keyed = {(r["model"], r["N"], r["kind"]): r for r in rows}
    for model, n in dict.fromkeys((r["model"], r["N"]) for r in rows):
        one, every, gpu = (keyed[(model, n, k)] for k in ("cpu-1", "cpu-all", "gpu"))
        print(f"| {model} | {n} | {one['run_s']:.3f} | {every['run_s']:.3f} | {gpu['run_s']:.3f} | "
              f"{one['run_s'] / gpu['run_s']:.1f}x | {every['run_s'] / gpu['run_s']:.1f}x | {gpu['rate_Hz']:.1f} |")


if __name__ == "__main__":
    main()
