"""Command line shared by the Brian2 reference scripts.

    <python of Brian2's venv> benchmarks/brian2_examples/<example>.py [--seeds 1 2 3] [--target numpy]
        [--size '{"N": 100}'] [--duration MS]

Each script defines ``simulate(seed, duration, **size) -> dict`` (statistics, and ``run_s``, the time of
Brian2's run alone); this prints one JSON object: the statistics per seed and their summary.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

import stats


def standalone() -> bool:
    """Whether the scripts run on Brian2's cpp_standalone device (``--target cpp_standalone``)."""
    import brian2
    return type(brian2.get_device()).__name__ == "CPPStandaloneDevice"


def run_seconds(wall_s: float) -> float:
    """The time of the network's run just made: on cpp_standalone its simulation loop's, as the device measured
    it (``device._last_run_time``), else ``wall_s``."""
    import brian2
    return float(brian2.device._last_run_time) if standalone() else wall_s


def next_build() -> None:
    """On cpp_standalone, a new project for the script's next network (each panel of a script that builds several
    networks one after the other is a build of its own; ``simulate`` then returns ``timed_per_build=True``
    with the sum of :func:`run_seconds`)."""
    import brian2
    if standalone() and brian2.device.has_been_run:
        brian2.device.reinit()
        brian2.device.activate(directory=tempfile.mkdtemp(), build_on_run=True)
        brian2.prefs.devices.cpp_standalone.openmp_threads = 0


def main(simulate, duration: float, size: dict) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--target", choices=("numpy", "cython", "cpp_standalone"), default="numpy")
    parser.add_argument("--size", type=json.loads, default={})
    parser.add_argument("--duration", type=float, default=duration)
    args = parser.parse_args()
    import brian2
    brian2.prefs.logging.console_log_level = "ERROR"
    per_seed = []
    for seed in args.seeds:
        build_dir = None
        if args.target == "cpp_standalone":
            build_dir = tempfile.mkdtemp()
            brian2.set_device("cpp_standalone", directory=build_dir, build_on_run=True)
            brian2.prefs.devices.cpp_standalone.openmp_threads = 0
        else:
            brian2.prefs.codegen.target = args.target
        brian2.start_scope()
        brian2.seed(seed)
        import numpy as np
        np.random.seed(seed)
        try:
            result = simulate(seed, args.duration, **{**size, **args.size})
            if args.target == "cpp_standalone" and not result.pop("timed_per_build", False):
                result["run_s"] = float(brian2.device._last_run_time)
        finally:
            if build_dir is not None:
                brian2.device.reinit()
                brian2.device.activate()
                shutil.rmtree(build_dir, ignore_errors=True)
        per_seed.append(result)
    keys = [k for k, v in per_seed[0].items() if isinstance(v, (int, float))]
    out = {"command": " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:]), "target": args.target,
           "brian2": brian2.__version__, "duration_ms": args.duration, "size": {**size, **args.size},
           "seeds": args.seeds, "per_seed": per_seed,
           "summary": {k: stats.summary([r[k] for r in per_seed]) for k in keys}}
    print(json.dumps(out))
