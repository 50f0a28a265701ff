"""Synapses not in presynaptic order (``passes/follow_presynaptic_rows.py``): a FixedProb network whose (i, j)
pairs are shuffled before the SynConn gets them, its synapse step visiting the whole loop against the rows of
the spiking neurons (followed as they are for a body that writes only its own synapse, gathered and sorted for
one that adds into the post group), and the same network with its pairs in presynaptic order. The sorting
choice (``_SORT_COST``) is also forced either way, at a low and a high firing rate, to see where it turns.
Run on its own: ``python -m benchmarks.unsorted_rows``.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp
import bp_core.codegen.passes as passes
from bp_core.codegen.kernel_ops import steps as step_ops
from bp_core.codegen.passes import follow_presynaptic_rows as rows_pass

NUM = 4000
PROB = 0.02


def neuron(ST, _t, _dt):
    ST['spike'] = 0.
    ST['V'] = ST['V'] + _dt * (-ST['V'] + ST['drive'] + ST['g'] * 0.01) / 10.
    ST['g'] = ST['g'] * 0.9
    if ST['V'] > 1.:
        ST['V'] = 0.
        ST['spike'] = 1.


def adding(ST, pre, post):
    if pre['spike'] > 0.:
        post['g'] += ST['w']


def own(ST, pre, post):
    if pre['spike'] > 0.:
        ST['x'] += 1.


def run_time(step, shuffled: bool, rows: bool, drive: float, cost: int | None = None,
             duration: float = 100.0, repeats: int = 3) -> tuple[float, float]:
    """Best of ``repeats`` CPU times of ``duration`` ms (compiled beforehand; the kernel runs on one thread, and CPU
    seconds vary less than wall seconds on a shared machine), and the spikes per neuron per step."""
    pipeline, held = passes.PIPELINE, rows_pass._SORT_COST
    passes.PIPELINE = pipeline if rows else tuple(p for p in pipeline if p is not rows_pass.FOLLOW_PRESYNAPTIC_ROWS)
    rows_pass._SORT_COST = held if cost is None else cost
    step_ops._TRANSLATIONS.clear()
    try:
        with bp.profile.override(jit=True, dt=0.1):
            neu = bp.NeuType(name='UnsortedLIF', ST=bp.types.NeuState({'V': 0., 'g': 0., 'drive': 0., 'spike': 0.}),
                             steps=neuron, mode='scalar')
            syn_type = bp.SynType(name=f'Unsorted_{step.__name__}', ST=bp.types.SynState({'w': 0.1, 'x': 0.}),
                                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['g'])),
                                  steps=step, mode='scalar')
            rng = np.random.default_rng(0)
            group = bp.NeuGroup(neu, NUM, monitors=['spike'])
            group.ST['drive'] = rng.uniform(drive * 0.5, drive * 1.5, NUM)
            group.ST['V'] = rng.uniform(0., 1., NUM)
            i, j = bp.connect.FixedProb(PROB, seed=1)(np.arange(NUM), np.arange(NUM))
            i, j = np.asarray(i), np.asarray(j)
            if shuffled:
                order = rng.permutation(i.size)
                i, j = i[order], j[order]
            syn = bp.SynConn(syn_type, pre_group=group, post_group=group, conn=(i, j))
            net = bp.Network(group, syn)
            net.advance(1.0)  # compiles
            best = float("inf")
            for _ in range(repeats):
                start = time.process_time()
                net.advance(duration)
                best = min(best, time.process_time() - start)
            rate = float(np.asarray(group.mon.spike).mean())
            return best, rate
    finally:
        passes.PIPELINE, rows_pass._SORT_COST = pipeline, held
        step_ops._TRANSLATIONS.clear()


def main() -> None:
    print(f"{NUM} neurons, FixedProb({PROB}), 100 ms, best of 3 (CPU seconds)")
    for step in (adding, own):
        for drive in (1.2, 3.0):
            whole, rate = run_time(step, shuffled=True, rows=False, drive=drive)
            followed, _ = run_time(step, shuffled=True, rows=True, drive=drive)
            ordered, _ = run_time(step, shuffled=False, rows=True, drive=drive)
            print(f"{step.__name__:>6} body, {rate:.4f} spikes/neuron/step: shuffled whole loop {whole:.3f}, "
                  f"shuffled rows {followed:.3f}, ordered rows {ordered:.3f}")
    for drive in (1.2, 2.0, 3.0, 5.0, 10.0):
        always, rate = run_time(adding, shuffled=True, rows=True, drive=drive, cost=0)
        never, _ = run_time(adding, shuffled=True, rows=True, drive=drive, cost=10 ** 9)
        print(f"adding body, {rate:.4f} spikes/neuron/step ({rate * NUM * PROB * NUM:.0f} visits of "
              f"{PROB * NUM * NUM:.0f} synapses per step): always sorted {always:.3f}, never {never:.3f}")


if __name__ == "__main__":
    main()
