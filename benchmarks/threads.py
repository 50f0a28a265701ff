"""One thread against a parallel kernel decided by measurement, in one invocation.

    python benchmarks/threads.py [N] [duration_ms]

Builds COBA (benchmarks/models.py) twice in one process: with numba's parallel option off, and on (the
network then times its one-thread and parallel kernels on the first steps of its first run and keeps the
faster, with threads capped at the cores free). Each runs three times from the same initial state; prints
median run times, the decision and its per-step timings, and numba's forced 2-thread time for reference.
"""

from __future__ import annotations

import statistics
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])

import models  # noqa: E402
import numba  # noqa: E402

import bp_core as bp  # noqa: E402
from bp_core.backend.threads import free_cores  # noqa: E402


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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 64000
    duration = float(sys.argv[2]) if len(sys.argv) > 2 else 1000.
    print(f"COBA N={n}, {duration:g} ms; cores free now: {free_cores()} of numba's {numba.config.NUMBA_NUM_THREADS}")
    for label, parallel, force in (("one thread", False, False), ("parallel, measured", True, False),
                                   ("parallel, forced 2 threads", True, True)):
        runs, choice, rate = timed_runs(parallel, n, duration, force)
        print(f"  {label:28s} median {statistics.median(runs):.3f} s (runs {', '.join(f'{r:.3f}' for r in runs)}), "
              f"rate {rate:.1f} Hz; kernel: {choice}")


if __name__ == "__main__":
    main()
