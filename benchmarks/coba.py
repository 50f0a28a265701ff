"""COBA network (Vogels & Abbott 2005, in the Brette et al. 2007 form) written with the public API.

4000 LIF neurons (80 % excitatory), 2 % connectivity, conductances in units of the
leak conductance (we=0.6, wi=6.7), constant drive I=20, refractory 5 ms, forward
Euler, dt=0.1 ms. Prints the build, compile and run times and the firing rate.

    python benchmarks/coba.py [N] [duration_ms]
"""

from __future__ import annotations

import sys
import time

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])

import models  # noqa: E402


def main() -> None:
    N = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    duration = float(sys.argv[2]) if len(sys.argv) > 2 else 1000.
    start = time.perf_counter()
    net, group, reset, _ = models.build_coba(N)
    built = time.perf_counter()
    net.run(1.0)  # compiles (or loads from the on-disk cache)
    compiled = time.perf_counter()
    runs = []
    for _ in range(3):
        reset()
        t0 = time.perf_counter()
        net.run(duration)
        runs.append(time.perf_counter() - t0)
    rate = models.spike_counts(group).sum() / N / (duration / 1000.)
    print(f"COBA N={N} {duration:.0f} ms: build {built - start:.2f} s, first run incl. compile "
          f"{compiled - built:.2f} s, run median {np.median(runs):.3f} s (min {min(runs):.3f}), "
          f"rate {rate:.1f} Hz, compile_count {net.compile_count}")


if __name__ == "__main__":
    main()
