"""The safe mode's bound on ``while`` loops (``passes/bound_loops.py``) against the same loops unbounded: a
scalar-mode step whose tight ``while`` loop goes round 1000 times per neuron and step. Run on its own:
``python -m benchmarks.while_bound``.
"""

from __future__ import annotations

import time

import bp_core as bp
from bp_core.simulation import planning

ROUNDS = 1000


def spin(ST, _t):
    k = 0
    x = 0.
    while k < ROUNDS:
        x += 1e-3 * k
        k += 1
    ST['V'] = x


def run_time(num: int, bounded: bool, duration: float = 10.0, repeats: int = 5) -> float:
    """Best of ``repeats`` wall times of ``duration`` ms of ``num`` neurons (compiled beforehand)."""
    full = planning.WHILE_LIMIT
    planning.WHILE_LIMIT = full if bounded else 0  # 0: the pass does not apply
    try:
        group = bp.NeuGroup(bp.NeuType(name='Spin', ST=bp.types.NeuState({'V': 0.}), steps=spin, mode='scalar'),
                            geometry=num)
        net = bp.Network(group, mode='repeat')
        net.run(duration)  # compiles
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            net.run(duration)
            best = min(best, time.perf_counter() - start)
        return best
    finally:
        planning.WHILE_LIMIT = full


def main() -> None:
    for num in (10, 1000):
        # best of three builds each: a loaded machine's noise is larger than the difference
        free = min(run_time(num, bounded=False) for _ in range(3))
        bounded = min(run_time(num, bounded=True) for _ in range(3))
        rounds = num * ROUNDS * 100
        print(f"{num:>5} neurons x {ROUNDS} rounds x 100 steps: unbounded {free:.4f} s "
              f"({free / rounds * 1e9:.2f} ns a round), bounded {bounded:.4f} s ({bounded / free:.3f}x)")


if __name__ == "__main__":
    main()
