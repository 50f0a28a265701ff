"""One thread against a parallel kernel decided by measurement, in one invocation.

    python benchmarks/threads.py [N] [duration_ms] [--assume-free K] [--skip-forced]

Builds COBA (benchmarks/models.py) twice in one process: with numba's parallel option off, and on (the
network then times its one-thread and parallel kernels on the first steps of its first run and keeps the
faster, with threads capped at the cores free). Each runs three times from the same initial state; prints
median run times, the decision and its per-step timings, and numba's forced 2-thread time for reference.
``--assume-free K`` takes K cores as free whatever the load says (to see the timed decision on a busy
machine, where the cap alone would keep one thread); ``--skip-forced`` leaves out the forced row.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])

import models  # noqa: E402
import numba  # noqa: E402

import bp_core as bp  # noqa: E402
from bp_core.backend.threads import free_cores  # noqa: E402
from bp_core.simulation import builds  # noqa: E402


def timed_runs(parallel: bool, n: int, duration: float, force: bool = False) -> tuple[list[float], str, float]:
    bp.profile.set_numba_profile(parallel=parallel)
    try:
        net, group, reset, _ = models.build_coba(n, seed=1)
        net.build(duration)
        if force:  # numba's parallel kernel on 2 threads, whatever the measurement says
            build = net._builder.latest
            build.kernel = build.parallel_kernel
            numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        runs = []
        for _ in range(3):
            reset()
            began = time.perf_counter()
            net.run(duration)
            runs.append(time.perf_counter() - began)
        rate = models.spike_counts(group).sum() / n / (duration / 1000.)
        return runs, net.parallel_choice, rate
    finally:
        bp.profile.set_numba_profile(parallel=False)


def main() -> None:
    parser = argparse.ArgumentParser(description="COBA: one thread against a parallel kernel decided by measurement")
    parser.add_argument("n", type=int, nargs="?", default=64000)
    parser.add_argument("duration", type=float, nargs="?", default=1000.)
    parser.add_argument("--assume-free", type=int, default=None, help="cores taken as free, whatever the load")
    parser.add_argument("--skip-forced", action="store_true", help="leave out numba's forced 2-thread row")
    args = parser.parse_args()
    if args.assume_free is not None:
        builds.free_cores = lambda limit=None: min(args.assume_free, limit or args.assume_free)
    assumed = "" if args.assume_free is None else f"; assumed free: {args.assume_free}"
    print(f"COBA N={args.n}, {args.duration:g} ms; cores free now: {free_cores()} of numba's "
          f"{numba.config.NUMBA_NUM_THREADS}{assumed}")
    cases = [("one thread", False, False), ("parallel, measured", True, False)]
    if not args.skip_forced:
        cases.append(("parallel, forced 2 threads", True, True))
    for label, parallel, force in cases:
        runs, choice, rate = timed_runs(parallel, args.n, args.duration, force)
        print(f"  {label:28s} median {statistics.median(runs):.3f} s (runs {', '.join(f'{r:.3f}' for r in runs)}), "
              f"rate {rate:.1f} Hz; kernel: {choice}")


if __name__ == "__main__":
    main()
