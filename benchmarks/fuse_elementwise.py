"""Vector-mode steps fused into one element loop (``passes/fuse_elementwise.py``) against the same steps on
whole arrays: Hodgkin-Huxley in vector mode, 100 ms, for a few group sizes. Run on its own:
``python -m benchmarks.fuse_elementwise``.
"""

from __future__ import annotations

import time

import bp_core as bp
import bp_core.codegen.passes as passes
from bp_core.codegen.passes.fuse_elementwise import FUSE_ELEMENTWISE


def run_time(num: int, fused: bool, duration: float = 100.0, repeats: int = 3) -> float:
    """Best of ``repeats`` wall times of ``duration`` ms of ``num`` HH neurons (compiled beforehand)."""
    full = passes.PIPELINE
    passes.PIPELINE = full if fused else tuple(s for s in full if s is not FUSE_ELEMENTWISE)
    try:
        group = bp.NeuGroup(bp.models.get_HH(), geometry=num, monitors=['spike'])
        group.run(1.0, inputs=('ST.input', 10.))  # compiles
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            group.run(duration, inputs=('ST.input', 10.))
            best = min(best, time.perf_counter() - start)
        return best
    finally:
        passes.PIPELINE = full


def main() -> None:
    for num in (1, 100, 1000, 10000):
        whole, fused = run_time(num, fused=False), run_time(num, fused=True)
        print(f"HH vector mode, {num:>5} neurons, 100 ms: whole arrays {whole:.4f} s, fused {fused:.4f} s "
              f"({whole / fused:.1f}x)")


if __name__ == "__main__":
    main()
