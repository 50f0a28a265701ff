"""Run one of our benchmark models once and print a JSON record (used by benchmarks/run.py).

    python benchmarks/ours.py MODEL N DURATION_MS [SEED] [THREADS] [safe|fast] [float64|float32]

THREADS > 1 turns on numba's parallel option (large element loops run with prange); ``fast`` runs
with ``bp.profile.set(safe=False)``; ``float32`` with ``bp.profile.set(float_type='float32')``.
"""

from __future__ import annotations

import json
import sys
import time

start = time.perf_counter()
model, n, duration = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 1
safe = (sys.argv[6] if len(sys.argv) > 6 else "safe") == "safe"
float_type = sys.argv[7] if len(sys.argv) > 7 else "float64"
sys.path.insert(0, __file__.rsplit("/", 1)[0])

import models  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402

import bp_core as bp  # noqa: E402

numba.set_num_threads(threads)
bp.profile.set_numba_profile(parallel=threads > 1)
np.random.seed(seed)
bp.profile.set(float_type=float_type)
net, group, reset, inputs = models.BUILDERS[model](n, seed=seed)
bp.profile.set(safe=safe)
built = time.perf_counter()
net.build(duration, inputs=inputs)  # compiles, or loads the kernel from the on-disk cache
compiled = time.perf_counter()
reset()
t0 = time.perf_counter()
net.run(duration, inputs=inputs)
run = time.perf_counter() - t0
counts = models.spike_counts(group)  # from the spike monitor's events
print(json.dumps({"model": model, "n": n, "build_s": built - start, "compile_s": compiled - built, "run_s": run,
                  "spikes": int(counts.sum()), "rate_hz": int(counts.sum()) / n / (duration / 1000.),
                  "counts": counts.tolist() if model == "single" else None,
                  "monitor_mb": sum(a.nbytes for a in (group.mon.spike_index, group.mon.spike_events.step)) / 2**20}))
