"""Time and peak memory of building FixedProb connectivity, and of a SynConn using it.

    python benchmarks/fixedprob_memory.py [N] [prob]
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np

import bp_core as bp


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    prob = float(sys.argv[2]) if len(sys.argv) > 2 else 0.001
    tracemalloc.start()
    start = time.perf_counter()
    i, j = bp.connect.FixedProb(prob, seed=1)(np.arange(n), np.arange(n))
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"FixedProb({prob}) over {n} x {n}: {i.size} synapses in {elapsed:.2f} s, peak {peak / 2**20:.0f} MiB "
          f"(index pairs {(i.nbytes + j.nbytes) / 2**20:.0f} MiB; a dense matrix would take "
          f"{n * n / 2**30:.1f} GiB even as bytes)")
    group = bp.NeuGroup(bp.models.get_LIF(), n)
    tracemalloc.start()
    start = time.perf_counter()
    syn = bp.SynConn(bp.models.get_AMPA1(), pre_group=group, post_group=group, conn=bp.connect.FixedProb(prob, seed=1))
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    print(f"SynConn with it: {syn.num} synapses in {elapsed:.2f} s, peak {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
